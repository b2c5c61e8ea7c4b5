#include "skein/types/cast.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "skein/common/status.h"
#include "skein/types/text.h"
#include "sv.h"

namespace skein::types {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;

int64_t FloorMod(int64_t a, int64_t b) {
  int64_t r = a % b;
  return r < 0 ? r + b : r;
}

int64_t FloorDiv(int64_t a, int64_t b) { return (a - FloorMod(a, b)) / b; }

// Java's (long) cast of a double: NaN -> 0, saturating at the bounds.
int64_t JavaDoubleToLong(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
  if (d <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

int32_t JavaDoubleToInt(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 2147483647.0) return std::numeric_limits<int32_t>::max();
  if (d <= -2147483648.0) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(d);
}

int32_t WrapToInt(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }
int64_t WrapToLong(Int128 v) {
  return static_cast<int64_t>(static_cast<uint64_t>(static_cast<unsigned __int128>(v)));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsIntegral(TypeKind k) { return k == TypeKind::kInteger || k == TypeKind::kBigint; }

bool Castable(const SqlType& from, const SqlType& to) {
  TypeKind f = from.kind(), t = to.kind();
  if (from == to) return true;
  switch (t) {
    case TypeKind::kString:
      return f != TypeKind::kBytes;
    case TypeKind::kBoolean:
      return f == TypeKind::kBoolean || f == TypeKind::kString;
    case TypeKind::kInteger:
    case TypeKind::kBigint:
    case TypeKind::kDouble:
    case TypeKind::kDecimal:
      return from.IsNumeric() || f == TypeKind::kString;
    case TypeKind::kTimestamp:
      return f == TypeKind::kTimestamp || f == TypeKind::kString || f == TypeKind::kDate;
    case TypeKind::kDate:
      return f == TypeKind::kDate || f == TypeKind::kString || f == TypeKind::kTimestamp;
    case TypeKind::kTime:
      return f == TypeKind::kTime || f == TypeKind::kString || f == TypeKind::kTimestamp;
    case TypeKind::kBytes:
      return f == TypeKind::kBytes;
    case TypeKind::kArray:
      return f == TypeKind::kArray && Castable(from.element(), to.element());
    case TypeKind::kMap:
      return f == TypeKind::kMap && Castable(from.key(), to.key()) &&
             Castable(from.value(), to.value());
    case TypeKind::kStruct: {
      if (f != TypeKind::kStruct) return false;
      for (size_t i = 0; i < to.num_fields(); ++i) {
        int j = from.FieldIndex(to.field_name(i));
        if (j >= 0 && !Castable(from.field_type(static_cast<size_t>(j)), to.field_type(i))) {
          return false;
        }
      }
      return true;
    }
    case TypeKind::kNull:
      return false;
  }
  return false;
}

absl::StatusOr<Int128> ToDecimal(const Value& v, TypeKind from, const SqlType& to) {
  switch (from) {
    case TypeKind::kInteger:
      return RescaleDecimal(v.integer(), 0, to.precision(), to.scale(), Rounding::kHalfUp);
    case TypeKind::kBigint:
      return RescaleDecimal(v.bigint(), 0, to.precision(), to.scale(), Rounding::kHalfUp);
    case TypeKind::kDouble:
      return DecimalFromDouble(v.dbl(), to.precision(), to.scale());
    case TypeKind::kDecimal:
      return RescaleDecimal(v.decimal_unscaled(), v.decimal_scale(), to.precision(), to.scale(),
                            Rounding::kHalfUp);
    case TypeKind::kString:
      return ParseDecimal(v.str(), to.precision(), to.scale(), Rounding::kHalfUp);
    default:
      return absl::InvalidArgumentError("not convertible to DECIMAL");
  }
}

}  // namespace

absl::StatusOr<int32_t> ParseInteger(std::string_view text) {
  int32_t v = 0;
  std::string_view t = Trim(text);
  if (!t.empty() && t[0] == '+') t.remove_prefix(1);
  auto res = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || res.ec != std::errc() || res.ptr != t.data() + t.size()) {
    return absl::InvalidArgumentError(absl::StrCat("Cannot parse INTEGER from '", Sv(text), "'"));
  }
  return v;
}

absl::StatusOr<int64_t> ParseBigint(std::string_view text) {
  int64_t v = 0;
  std::string_view t = Trim(text);
  if (!t.empty() && t[0] == '+') t.remove_prefix(1);
  auto res = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || res.ec != std::errc() || res.ptr != t.data() + t.size()) {
    return absl::InvalidArgumentError(absl::StrCat("Cannot parse BIGINT from '", Sv(text), "'"));
  }
  return v;
}

absl::StatusOr<double> ParseDouble(std::string_view text) {
  std::string_view t = Trim(text);
  bool negative = false;
  std::string_view body = t;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (body == "Infinity") {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  double d = 0;
  // from_chars rejects a leading '+', and must not see "inf"/"nan" spellings Java rejects.
  bool ok =
      !body.empty() && (absl::ascii_isdigit(static_cast<unsigned char>(body[0])) || body[0] == '.');
  if (ok) {
    auto res = std::from_chars(body.data(), body.data() + body.size(), d);
    ok = (res.ec == std::errc() || res.ec == std::errc::result_out_of_range) &&
         res.ptr == body.data() + body.size();
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat("Cannot parse DOUBLE from '", Sv(text), "'"));
  }
  return negative ? -d : d;
}

absl::StatusOr<bool> ParseBoolean(std::string_view text) {
  std::string lower = absl::AsciiStrToLower(Sv(Trim(text)));
  if (lower == "true" || lower == "t" || lower == "yes" || lower == "y") return true;
  if (lower == "false" || lower == "f" || lower == "no" || lower == "n") return false;
  return absl::InvalidArgumentError(absl::StrCat("Cannot parse BOOLEAN from '", Sv(text), "'"));
}

std::optional<SqlType> AsDecimalType(const SqlType& type) {
  switch (type.kind()) {
    case TypeKind::kInteger:
      return SqlType::Decimal(10, 0);
    case TypeKind::kBigint:
      return SqlType::Decimal(19, 0);
    case TypeKind::kDecimal:
      return type;
    default:
      return std::nullopt;
  }
}

bool CanImplicitlyCast(const SqlType& from, const SqlType& to) {
  if (from == to) return true;
  TypeKind f = from.kind(), t = to.kind();
  switch (t) {
    case TypeKind::kBigint:
      return f == TypeKind::kInteger;
    case TypeKind::kDouble:
      return IsIntegral(f) || f == TypeKind::kDecimal;
    case TypeKind::kDecimal: {
      auto d = AsDecimalType(from);
      if (!d) return false;
      return d->precision() - d->scale() <= to.precision() - to.scale() && d->scale() <= to.scale();
    }
    case TypeKind::kArray:
      return f == TypeKind::kArray && CanImplicitlyCast(from.element(), to.element());
    case TypeKind::kMap:
      return f == TypeKind::kMap && CanImplicitlyCast(from.key(), to.key()) &&
             CanImplicitlyCast(from.value(), to.value());
    case TypeKind::kStruct: {
      if (f != TypeKind::kStruct || from.num_fields() != to.num_fields()) return false;
      for (size_t i = 0; i < to.num_fields(); ++i) {
        if (from.field_name(i) != to.field_name(i) ||
            !CanImplicitlyCast(from.field_type(i), to.field_type(i))) {
          return false;
        }
      }
      return true;
    }
    default:
      return false;
  }
}

std::optional<SqlType> WiderNumericType(const SqlType& a, const SqlType& b) {
  if (!a.IsNumeric() || !b.IsNumeric()) return std::nullopt;
  if (a.kind() == TypeKind::kDouble || b.kind() == TypeKind::kDouble) return SqlType::Double();
  if (a.kind() == TypeKind::kDecimal || b.kind() == TypeKind::kDecimal) {
    SqlType da = *AsDecimalType(a), db = *AsDecimalType(b);
    int scale = std::max(da.scale(), db.scale());
    int int_digits = std::max(da.precision() - da.scale(), db.precision() - db.scale());
    int precision = std::min(kMaxDecimalPrecision, int_digits + scale);
    if (scale > precision) scale = precision;
    return SqlType::Decimal(precision, scale);
  }
  if (a.kind() == TypeKind::kBigint || b.kind() == TypeKind::kBigint) return SqlType::Bigint();
  return SqlType::Integer();
}

absl::Status CheckCast(const SqlType& from, const SqlType& to) {
  if (Castable(from, to)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("Cast of ", from.ToString(), " to ", to.ToString(), " is not supported"));
}

absl::StatusOr<Value> CastValue(const Value& v, const SqlType& from, const SqlType& to) {
  if (v.is_null()) return Value::Null();
  TypeKind f = from.kind();
  switch (to.kind()) {
    case TypeKind::kString:
      if (f == TypeKind::kString) return v;
      return Value::String(CastToString(v, from));
    case TypeKind::kBoolean:
      if (f == TypeKind::kBoolean) return v;
      if (f == TypeKind::kString) {
        SKEIN_ASSIGN_OR_RETURN(bool b, ParseBoolean(v.str()));
        return Value::Boolean(b);
      }
      break;
    case TypeKind::kInteger:
      switch (f) {
        case TypeKind::kInteger:
          return v;
        case TypeKind::kBigint:
          return Value::Integer(WrapToInt(v.bigint()));
        case TypeKind::kDouble:
          return Value::Integer(JavaDoubleToInt(v.dbl()));
        case TypeKind::kDecimal:
          return Value::Integer(
              WrapToInt(WrapToLong(DecimalTruncate(v.decimal_unscaled(), v.decimal_scale()))));
        case TypeKind::kString: {
          SKEIN_ASSIGN_OR_RETURN(int32_t i, ParseInteger(v.str()));
          return Value::Integer(i);
        }
        default:
          break;
      }
      break;
    case TypeKind::kBigint:
      switch (f) {
        case TypeKind::kInteger:
          return Value::Bigint(v.integer());
        case TypeKind::kBigint:
          return v;
        case TypeKind::kDouble:
          return Value::Bigint(JavaDoubleToLong(v.dbl()));
        case TypeKind::kDecimal:
          return Value::Bigint(
              WrapToLong(DecimalTruncate(v.decimal_unscaled(), v.decimal_scale())));
        case TypeKind::kString: {
          SKEIN_ASSIGN_OR_RETURN(int64_t l, ParseBigint(v.str()));
          return Value::Bigint(l);
        }
        default:
          break;
      }
      break;
    case TypeKind::kDouble:
      switch (f) {
        case TypeKind::kInteger:
        case TypeKind::kBigint:
        case TypeKind::kDouble:
        case TypeKind::kDecimal:
          return Value::Double(v.AsDouble());
        case TypeKind::kString: {
          SKEIN_ASSIGN_OR_RETURN(double d, ParseDouble(v.str()));
          return Value::Double(d);
        }
        default:
          break;
      }
      break;
    case TypeKind::kDecimal: {
      if (!from.IsNumeric() && f != TypeKind::kString) break;
      SKEIN_ASSIGN_OR_RETURN(Int128 u, ToDecimal(v, f, to));
      return Value::Decimal(u, to.scale());
    }
    case TypeKind::kTimestamp:
      if (f == TypeKind::kTimestamp) return v;
      if (f == TypeKind::kDate) return Value::Timestamp(int64_t{v.date()} * kMsPerDay);
      if (f == TypeKind::kString) {
        SKEIN_ASSIGN_OR_RETURN(int64_t ms, ParseTimestamp(Trim(v.str())));
        return Value::Timestamp(ms);
      }
      break;
    case TypeKind::kDate:
      if (f == TypeKind::kDate) return v;
      if (f == TypeKind::kTimestamp) {
        return Value::Date(static_cast<int32_t>(FloorDiv(v.timestamp(), kMsPerDay)));
      }
      if (f == TypeKind::kString) {
        SKEIN_ASSIGN_OR_RETURN(int32_t d, ParseDate(Trim(v.str())));
        return Value::Date(d);
      }
      break;
    case TypeKind::kTime:
      if (f == TypeKind::kTime) return v;
      if (f == TypeKind::kTimestamp) {
        return Value::Time(static_cast<int32_t>(FloorMod(v.timestamp(), kMsPerDay)));
      }
      if (f == TypeKind::kString) {
        SKEIN_ASSIGN_OR_RETURN(int32_t t, ParseTime(Trim(v.str())));
        return Value::Time(t);
      }
      break;
    case TypeKind::kBytes:
      if (f == TypeKind::kBytes) return v;
      break;
    case TypeKind::kArray: {
      if (f != TypeKind::kArray) break;
      if (from == to) return v;
      std::vector<Value> out;
      out.reserve(v.items().size());
      for (const Value& e : v.items()) {
        SKEIN_ASSIGN_OR_RETURN(Value c, CastValue(e, from.element(), to.element()));
        out.push_back(std::move(c));
      }
      return Value::Array(std::move(out));
    }
    case TypeKind::kMap: {
      if (f != TypeKind::kMap) break;
      if (from == to) return v;
      std::vector<Value> out;
      out.reserve(v.items().size());
      for (size_t i = 0; i < v.map_size(); ++i) {
        SKEIN_ASSIGN_OR_RETURN(Value k, CastValue(v.map_key(i), from.key(), to.key()));
        SKEIN_ASSIGN_OR_RETURN(Value x, CastValue(v.map_value(i), from.value(), to.value()));
        out.push_back(std::move(k));
        out.push_back(std::move(x));
      }
      return Value::MapInterleaved(std::move(out));
    }
    case TypeKind::kStruct: {
      if (f != TypeKind::kStruct) break;
      if (from == to) return v;
      std::vector<Value> out(to.num_fields());
      for (size_t i = 0; i < to.num_fields(); ++i) {
        int j = from.FieldIndex(to.field_name(i));
        if (j < 0) continue;  // fields the source lacks are NULL
        auto idx = static_cast<size_t>(j);
        SKEIN_ASSIGN_OR_RETURN(out[i],
                               CastValue(v.items()[idx], from.field_type(idx), to.field_type(i)));
      }
      return Value::Struct(std::move(out));
    }
    case TypeKind::kNull:
      break;
  }
  return CheckCast(from, to).ok()
             ? absl::InvalidArgumentError(absl::StrCat("Cannot cast value of type ",
                                                       from.ToString(), " to ", to.ToString()))
             : CheckCast(from, to);
}

void AppendCastString(const Value& v, const SqlType& type, std::string* out) {
  if (v.is_null()) {
    out->append("null");
    return;
  }
  switch (type.kind()) {
    case TypeKind::kBoolean:
      out->append(v.boolean() ? "true" : "false");
      return;
    case TypeKind::kInteger:
      absl::StrAppend(out, v.integer());
      return;
    case TypeKind::kBigint:
      absl::StrAppend(out, v.bigint());
      return;
    case TypeKind::kDouble:
      AppendDoubleJava(v.dbl(), out);
      return;
    case TypeKind::kDecimal:
      AppendDecimal(v.decimal_unscaled(), v.decimal_scale(), out);
      return;
    case TypeKind::kString:
    case TypeKind::kBytes:
      out->append(v.str());
      return;
    case TypeKind::kTimestamp:
      out->append(FormatTimestamp(v.timestamp()));
      return;
    case TypeKind::kDate:
      out->append(FormatDate(v.date()));
      return;
    case TypeKind::kTime:
      out->append(FormatTime(v.time()));
      return;
    case TypeKind::kArray: {
      out->push_back('[');
      bool first = true;
      for (const Value& e : v.items()) {
        if (!first) out->append(", ");
        first = false;
        AppendCastString(e, type.element(), out);
      }
      out->push_back(']');
      return;
    }
    case TypeKind::kMap: {
      out->push_back('{');
      for (size_t i = 0; i < v.map_size(); ++i) {
        if (i > 0) out->append(", ");
        AppendCastString(v.map_key(i), type.key(), out);
        out->push_back('=');
        AppendCastString(v.map_value(i), type.value(), out);
      }
      out->push_back('}');
      return;
    }
    case TypeKind::kStruct: {
      out->append("Struct{");
      bool first = true;
      for (size_t i = 0; i < type.num_fields() && i < v.items().size(); ++i) {
        if (v.items()[i].is_null()) continue;
        if (!first) out->push_back(',');
        first = false;
        out->append(type.field_name(i));
        out->push_back('=');
        AppendCastString(v.items()[i], type.field_type(i), out);
      }
      out->push_back('}');
      return;
    }
    case TypeKind::kNull:
      out->append("null");
      return;
  }
}

std::string CastToString(const Value& v, const SqlType& type) {
  std::string out;
  AppendCastString(v, type, &out);
  return out;
}

}  // namespace skein::types
