// ARRAY and MAP functions (ARRAY_LENGTH, ARRAY_CONTAINS, ARRAY_SORT, ARRAY_DISTINCT,
// ARRAY_MAX, ARRAY_MIN, ARRAY_JOIN, MAP_KEYS, MAP_VALUES, MAP_UNION, ENTRIES,
// GENERATE_SERIES, AS_VALUE) and the EXPLODE table function.

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "expr_nodes.h"
#include "function_util.h"
#include "skein/runtime/expression.h"

namespace skein::runtime::internal {
namespace {

using types::SqlType;
using types::TypeKind;
using types::Value;
using Args = std::span<const Value>;

Value ArrayLength(Args a, const CallInfo&, EvalContext&) {
  return Value::Integer(static_cast<int32_t>(a[0].items().size()));
}

// ARRAY_CONTAINS(array, value): NULL elements match a NULL value.
Value ArrayContains(Args a, const CallInfo&, EvalContext&) {
  if (a[0].is_null()) return Value::Boolean(false);
  for (const Value& e : a[0].items()) {
    if (e.is_null() ? a[1].is_null() : (!a[1].is_null() && CompareSql(e, a[1]) == 0)) {
      return Value::Boolean(true);
    }
  }
  return Value::Boolean(false);
}

// ARRAY_SORT(array[, 'ASC'|'DESC']): NULL elements go last either way.
Value ArraySort(Args a, const CallInfo&, EvalContext&) {
  bool desc = a.size() > 1 && absl::AsciiStrToUpper(a[1].str()) == "DESC";
  std::vector<Value> items(a[0].items().begin(), a[0].items().end());
  std::stable_sort(items.begin(), items.end(), [desc](const Value& x, const Value& y) {
    if (x.is_null() || y.is_null()) return !x.is_null() && y.is_null();
    int c = CompareSql(x, y);
    return desc ? c > 0 : c < 0;
  });
  return Value::Array(std::move(items));
}

Value ArrayDistinct(Args a, const CallInfo&, EvalContext&) {
  std::vector<Value> out;
  for (const Value& e : a[0].items()) {
    if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
  }
  return Value::Array(std::move(out));
}

template <bool kMax>
Value ArrayExtreme(Args a, const CallInfo&, EvalContext&) {
  const Value* best = nullptr;
  for (const Value& e : a[0].items()) {
    if (e.is_null()) continue;
    if (best == nullptr || (kMax ? CompareSql(e, *best) > 0 : CompareSql(e, *best) < 0)) {
      best = &e;
    }
  }
  return best ? *best : Value::Null();
}

Value ArrayJoin(Args a, const CallInfo& info, EvalContext&) {
  std::string delim = a.size() > 1 && !a[1].is_null() ? a[1].str() : ",";
  SqlType element = info.arg_types[0].element();
  std::string out;
  bool first = true;
  for (const Value& e : a[0].items()) {
    if (!first) out += delim;
    first = false;
    types::AppendCastString(e, element, &out);
  }
  return Value::String(std::move(out));
}

Value MapKeys(Args a, const CallInfo&, EvalContext&) {
  std::vector<Value> out;
  for (size_t i = 0; i < a[0].map_size(); ++i) out.push_back(a[0].map_key(i));
  return Value::Array(std::move(out));
}

Value MapValues(Args a, const CallInfo&, EvalContext&) {
  std::vector<Value> out;
  for (size_t i = 0; i < a[0].map_size(); ++i) out.push_back(a[0].map_value(i));
  return Value::Array(std::move(out));
}

// MAP_UNION(m1, m2): entries of m2 win; NULL maps are skipped.
Value MapUnion(Args a, const CallInfo&, EvalContext&) {
  if (a[0].is_null() && a[1].is_null()) return Value::Null();
  std::vector<Value> out;
  for (const Value& m : a) {
    if (m.is_null()) continue;
    for (size_t i = 0; i < m.map_size(); ++i) {
      bool replaced = false;
      for (size_t j = 0; j < out.size(); j += 2) {
        if (out[j] == m.map_key(i)) {
          out[j + 1] = m.map_value(i);
          replaced = true;
        }
      }
      if (!replaced) {
        out.push_back(m.map_key(i));
        out.push_back(m.map_value(i));
      }
    }
  }
  return Value::MapInterleaved(std::move(out));
}

// ENTRIES(map, sorted): ARRAY<STRUCT<K, V>>, optionally sorted by key.
Value Entries(Args a, const CallInfo&, EvalContext&) {
  std::vector<Value> out;
  for (size_t i = 0; i < a[0].map_size(); ++i) {
    out.push_back(Value::Struct({a[0].map_key(i), a[0].map_value(i)}));
  }
  if (a.size() > 1 && a[1].boolean()) {
    std::stable_sort(out.begin(), out.end(), [](const Value& x, const Value& y) {
      return CompareSql(x.items()[0], y.items()[0]) < 0;
    });
  }
  return Value::Array(std::move(out));
}

// GENERATE_SERIES(start, end[, step]) as an array; a step of 0 or the wrong sign is an error.
Value GenerateSeries(Args a, const CallInfo& info, EvalContext& ctx) {
  int64_t start = IntArg(a[0]), end = IntArg(a[1]);
  int64_t step = a.size() > 2 ? IntArg(a[2]) : (end >= start ? 1 : -1);
  if (step == 0 || (end > start && step < 0) || (end < start && step > 0)) {
    ctx.SetError("GENERATE_SERIES step has the wrong sign or is zero");
    return Value::Null();
  }
  bool as_int = info.result_type.kind() == TypeKind::kArray &&
                info.result_type.element().kind() == TypeKind::kInteger;
  std::vector<Value> out;
  for (int64_t v = start; step > 0 ? v <= end : v >= end; v += step) {
    out.push_back(as_int ? Value::Integer(static_cast<int32_t>(v)) : Value::Bigint(v));
    if (out.size() > 10'000'000) break;
  }
  return Value::Array(std::move(out));
}

Value Identity(Args a, const CallInfo&, EvalContext&) { return a[0]; }

void Explode(Args a, const CallInfo&, EvalContext&, std::vector<Value>* out) {
  if (a[0].is_null()) return;
  for (const Value& e : a[0].items()) out->push_back(e);
}

void GenerateSeriesTable(Args a, const CallInfo& info, EvalContext& ctx, std::vector<Value>* out) {
  for (const Value& v : a) {
    if (v.is_null()) return;
  }
  CallInfo array_info = info;
  array_info.result_type = SqlType::Array(info.result_type);
  Value series = GenerateSeries(a, array_info, ctx);
  if (series.is_null()) return;
  for (const Value& e : series.items()) out->push_back(e);
}

}  // namespace

void RegisterCollectionFunctions(FunctionRegistry* r) {
  r->AddSimple("ARRAY_LENGTH", ArrayLength);
  r->AddSimple("ARRAY_CONTAINS", ArrayContains, /*null_on_null=*/false);
  r->AddSimple("ARRAY_SORT", ArraySort);
  r->AddSimple("ARRAY_DISTINCT", ArrayDistinct);
  r->AddSimple("ARRAY_MAX", ArrayExtreme<true>);
  r->AddSimple("ARRAY_MIN", ArrayExtreme<false>);
  r->AddSimple("ARRAY_JOIN", ArrayJoin);
  r->AddSimple("MAP_KEYS", MapKeys);
  r->AddSimple("MAP_VALUES", MapValues);
  r->AddSimple("MAP_UNION", MapUnion, /*null_on_null=*/false);
  r->AddSimple("ENTRIES", Entries);
  r->AddSimple("GENERATE_SERIES", GenerateSeries);
  r->AddSimple("AS_VALUE", Identity, /*null_on_null=*/false);
  r->AddTable("EXPLODE", Explode);
  r->AddTable("GENERATE_SERIES", GenerateSeriesTable);
}

}  // namespace skein::runtime::internal
