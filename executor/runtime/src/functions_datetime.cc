// Date and time functions with Java-style patterns: TIMESTAMPTOSTRING, STRINGTOTIMESTAMP,
// FORMAT_TIMESTAMP, PARSE_TIMESTAMP, FORMAT_DATE, PARSE_DATE, DATETOSTRING, STRINGTODATE,
// FORMAT_TIME, PARSE_TIME, UNIX_TIMESTAMP, UNIX_DATE, FROM_UNIXTIME, FROM_DAYS.

#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "expr_nodes.h"
#include "function_util.h"
#include "java_time_format.h"

namespace skein::runtime::internal {
namespace {

using types::TypeKind;
using types::Value;
using Args = std::span<const Value>;

constexpr int64_t kMsPerDay = 86'400'000;

// Per-call-site state: the pattern and zone resolved once when they are literals.
struct TimeState {
  std::shared_ptr<const JavaTimeFormat> format;  // null: pattern varies per row
  std::shared_ptr<const TimeZone> zone;          // null: zone varies per row
};

// Binds a function whose pattern is argument `pattern_arg` and optional zone `zone_arg`.
template <size_t kPatternArg, size_t kZoneArg>
absl::StatusOr<BoundScalar> BindTime(CallInfo* info, ScalarFn fn) {
  auto state = std::make_shared<TimeState>();
  if (info->constant_args.size() > kPatternArg && info->constant_args[kPatternArg] &&
      !info->constant_args[kPatternArg]->is_null()) {
    absl::StatusOr<JavaTimeFormat> f =
        JavaTimeFormat::Compile(info->constant_args[kPatternArg]->str());
    if (!f.ok()) return f.status();
    state->format = std::make_shared<JavaTimeFormat>(*std::move(f));
  }
  if (info->constant_args.size() <= kZoneArg) {
    absl::StatusOr<std::shared_ptr<const TimeZone>> utc = TimeZone::Find("UTC");
    if (!utc.ok()) return utc.status();
    state->zone = *utc;
  } else if (info->constant_args[kZoneArg] && !info->constant_args[kZoneArg]->is_null()) {
    // An unknown literal zone is left to the per-row path, which reports it per record.
    absl::StatusOr<std::shared_ptr<const TimeZone>> z =
        TimeZone::Find(info->constant_args[kZoneArg]->str());
    if (z.ok()) state->zone = *z;
  }
  info->state = std::move(state);
  return BoundScalar{fn, true};
}

// The format and zone for this row; false (with ctx error) if either is invalid.
template <size_t kPatternArg, size_t kZoneArg>
bool Resolve(Args a, const CallInfo& info, EvalContext& ctx,
             std::shared_ptr<const JavaTimeFormat>* format, std::shared_ptr<const TimeZone>* zone) {
  const TimeState* st = info.State<TimeState>();
  if (st->format) {
    *format = st->format;
  } else {
    absl::StatusOr<JavaTimeFormat> f = JavaTimeFormat::Compile(a[kPatternArg].str());
    if (!f.ok()) {
      ctx.SetError(std::string(f.status().message()));
      return false;
    }
    *format = std::make_shared<JavaTimeFormat>(*std::move(f));
  }
  if (st->zone) {
    *zone = st->zone;
  } else {
    absl::StatusOr<std::shared_ptr<const TimeZone>> z = TimeZone::Find(a[kZoneArg].str());
    if (!z.ok()) {
      ctx.SetError(std::string(z.status().message()));
      return false;
    }
    *zone = *z;
  }
  return true;
}

int64_t EpochMs(const Value& v) {
  switch (v.kind()) {
    case TypeKind::kTimestamp:
      return v.timestamp();
    case TypeKind::kDate:
      return v.date() * kMsPerDay;
    case TypeKind::kTime:
      return v.time();
    default:
      return IntArg(v);
  }
}

// X(value, pattern[, zone]) -> STRING for TIMESTAMPTOSTRING, FORMAT_TIMESTAMP, FORMAT_DATE,
// FORMAT_TIME, DATETOSTRING.
Value FormatFn(Args a, const CallInfo& info, EvalContext& ctx) {
  std::shared_ptr<const JavaTimeFormat> f;
  std::shared_ptr<const TimeZone> zone;
  if (!Resolve<1, 2>(a, info, ctx, &f, &zone)) return Value::Null();
  int64_t ms = EpochMs(a[0]);
  if (info.arg_types[0].kind() == TypeKind::kInteger) ms *= kMsPerDay;  // DATETOSTRING(days)
  return Value::String(f->Format(ms, *zone));
}

// X(text, pattern[, zone]) -> result type for STRINGTOTIMESTAMP (BIGINT), PARSE_TIMESTAMP
// (TIMESTAMP), PARSE_DATE (DATE), STRINGTODATE (INTEGER days), PARSE_TIME (TIME).
Value ParseFn(Args a, const CallInfo& info, EvalContext& ctx) {
  std::shared_ptr<const JavaTimeFormat> f;
  std::shared_ptr<const TimeZone> zone;
  if (!Resolve<1, 2>(a, info, ctx, &f, &zone)) return Value::Null();
  // ksqlDB's date parsers ignore text after the pattern ("2003-12-24-01-01" as yyyy-MM-dd).
  const TypeKind rk = info.result_type.kind();
  const bool date_only = rk == TypeKind::kDate || rk == TypeKind::kInteger;
  absl::StatusOr<int64_t> ms = f->Parse(a[0].str(), *zone, date_only);
  if (!ms.ok()) {
    ctx.SetError(std::string(ms.status().message()));
    return Value::Null();
  }
  int64_t days = *ms / kMsPerDay - ((*ms % kMsPerDay) < 0 ? 1 : 0);
  switch (info.result_type.kind()) {
    case TypeKind::kTimestamp:
      return Value::Timestamp(*ms);
    case TypeKind::kDate:
      return Value::Date(static_cast<int32_t>(days));
    case TypeKind::kInteger:
      return Value::Integer(static_cast<int32_t>(days));
    case TypeKind::kTime:
      return Value::Time(static_cast<int32_t>(*ms - days * kMsPerDay));
    default:
      return Value::Bigint(*ms);
  }
}

absl::StatusOr<BoundScalar> BindFormat(CallInfo* info) { return BindTime<1, 2>(info, FormatFn); }
absl::StatusOr<BoundScalar> BindParse(CallInfo* info) { return BindTime<1, 2>(info, ParseFn); }

// UNIX_TIMESTAMP([ts]): the argument's epoch millis, or the wall clock.
Value UnixTimestamp(Args a, const CallInfo&, EvalContext&) {
  if (!a.empty()) return Value::Bigint(EpochMs(a[0]));
  return Value::Bigint(std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count());
}

Value UnixDate(Args a, const CallInfo&, EvalContext&) {
  if (!a.empty()) return Value::Integer(a[0].date());
  int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  return Value::Integer(static_cast<int32_t>(ms / kMsPerDay));
}

Value FromUnixTime(Args a, const CallInfo&, EvalContext&) { return Value::Timestamp(IntArg(a[0])); }

Value FromDays(Args a, const CallInfo&, EvalContext&) {
  return Value::Date(static_cast<int32_t>(IntArg(a[0])));
}

}  // namespace

void RegisterDateTimeFunctions(FunctionRegistry* r) {
  for (const char* name :
       {"TIMESTAMPTOSTRING", "FORMAT_TIMESTAMP", "FORMAT_DATE", "FORMAT_TIME", "DATETOSTRING"}) {
    r->AddScalar(name, BindFormat);
  }
  for (const char* name :
       {"STRINGTOTIMESTAMP", "PARSE_TIMESTAMP", "PARSE_DATE", "PARSE_TIME", "STRINGTODATE"}) {
    r->AddScalar(name, BindParse);
  }
  r->AddSimple("UNIX_TIMESTAMP", UnixTimestamp);
  r->AddSimple("UNIX_DATE", UnixDate);
  r->AddSimple("FROM_UNIXTIME", FromUnixTime);
  r->AddSimple("FROM_DAYS", FromDays);
}

}  // namespace skein::runtime::internal
