#include "builtins.h"

#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "signature_pattern.h"

namespace skein::functions {

using types::SqlType;
using types::TypeKind;

namespace {

// "STRING, INTEGER -> STRING"; a trailing "..." on the last parameter makes it variadic.
Overload Sig(std::string_view text, std::string doc = "") {
  Overload o;
  const size_t arrow = text.rfind("->");
  std::string_view params = text.substr(0, arrow);
  o.returns = std::string(absl::StripAsciiWhitespace(
      absl::string_view(text.data() + arrow + 2, text.size() - arrow - 2)));
  int depth = 0;
  std::string current;
  auto flush = [&] {
    std::string p(absl::StripAsciiWhitespace(current));
    current.clear();
    if (p.empty()) return;
    if (p.size() > 3 && p.substr(p.size() - 3) == "...") {
      o.variadic = true;
      p.resize(p.size() - 3);
    }
    o.params.push_back(p);
  };
  for (char c : params) {
    if (c == '<') ++depth;
    if (c == '>') --depth;
    if (c == ',' && depth == 0) {
      flush();
    } else {
      current.push_back(c);
    }
  }
  flush();
  o.doc_params = std::move(doc);
  return o;
}

Overload SigFn(std::string_view params_text, ReturnTypeFn fn) {
  Overload o = Sig(std::string(params_text) + " -> ANY");
  o.return_fn = std::move(fn);
  return o;
}

class Table {
 public:
  Table& Add(std::string name, FunctionKind kind, std::vector<Overload> overloads,
             std::string display = "") {
    FunctionInfo f;
    f.display_name = display.empty() ? name : display;
    f.name = std::move(name);
    f.kind = kind;
    f.overloads = std::move(overloads);
    functions_.push_back(std::move(f));
    return *this;
  }
  Table& Scalar(std::string name, std::vector<Overload> overloads) {
    return Add(std::move(name), FunctionKind::kScalar, std::move(overloads));
  }
  // One overload per numeric type, returning the argument's own type.
  Table& NumericIdentity(std::string name) {
    return Scalar(std::move(name), {Sig("INTEGER -> INTEGER"), Sig("BIGINT -> BIGINT"),
                                    Sig("DOUBLE -> DOUBLE"), Sig("DECIMAL -> $0")});
  }
  Table& DoubleMath(std::string name, int arity = 1) {
    std::string params = "DOUBLE";
    for (int i = 1; i < arity; ++i) params += ", DOUBLE";
    return Scalar(std::move(name), {Sig(params + " -> DOUBLE")});
  }
  std::vector<FunctionInfo> Take() { return std::move(functions_); }

 private:
  std::vector<FunctionInfo> functions_;
};

// ROUND/TRUNC of a DECIMAL without a scale argument: all fractional digits go, and rounding
// keep the integer digits (ksqlDB types ROUND(DECIMAL(33, 16)) as DECIMAL(17, 0)).
ReturnTypeFn DecimalToScaleZero(int extra_digit) {
  return [extra_digit](const std::vector<SqlType>& p) -> absl::StatusOr<SqlType> {
    const int precision = std::min(types::kMaxDecimalPrecision,
                                   std::max(1, p[0].precision() - p[0].scale() + extra_digit));
    return SqlType::Decimal(precision, 0);
  };
}

void AddStringFunctions(Table& t) {
  for (const char* f : {"UCASE", "LCASE", "TRIM", "LTRIM", "RTRIM", "INITCAP", "REVERSE", "MASK",
                        "MASK_LEFT", "MASK_RIGHT", "MASK_KEEP_LEFT", "MASK_KEEP_RIGHT"}) {
    std::vector<Overload> o = {Sig("STRING -> STRING")};
    if (std::string_view(f).substr(0, 5) == "MASK_") o = {Sig("STRING, INTEGER -> STRING")};
    t.Scalar(f, o);
  }
  t.Scalar("LEN", {Sig("STRING -> INTEGER"), Sig("BYTES -> INTEGER")});
  t.Scalar("CONCAT", {Sig("STRING... -> STRING"), Sig("BYTES... -> BYTES")});
  t.Scalar("CONCAT_WS", {Sig("STRING, STRING... -> STRING"), Sig("BYTES, BYTES... -> BYTES")});
  t.Scalar("SUBSTRING",
           {Sig("STRING, INTEGER -> STRING"), Sig("STRING, INTEGER, INTEGER -> STRING"),
            Sig("BYTES, INTEGER -> BYTES"), Sig("BYTES, INTEGER, INTEGER -> BYTES")});
  t.Scalar("REPLACE", {Sig("STRING, STRING, STRING -> STRING")});
  t.Scalar("SPLIT", {Sig("STRING, STRING -> ARRAY<STRING>"), Sig("BYTES, BYTES -> ARRAY<BYTES>")});
  t.Scalar("SPLIT_TO_MAP", {Sig("STRING, STRING, STRING -> MAP<STRING, STRING>")});
  t.Scalar("LPAD",
           {Sig("STRING, INTEGER, STRING -> STRING"), Sig("BYTES, INTEGER, BYTES -> BYTES")});
  t.Scalar("RPAD",
           {Sig("STRING, INTEGER, STRING -> STRING"), Sig("BYTES, INTEGER, BYTES -> BYTES")});
  t.Scalar("INSTR", {Sig("STRING, STRING -> INTEGER"), Sig("STRING, STRING, INTEGER -> INTEGER"),
                     Sig("STRING, STRING, INTEGER, INTEGER -> INTEGER")});
  t.Scalar("REGEXP_EXTRACT",
           {Sig("STRING, STRING -> STRING"), Sig("STRING, STRING, INTEGER -> STRING")});
  t.Scalar("REGEXP_EXTRACT_ALL", {Sig("STRING, STRING -> ARRAY<STRING>"),
                                  Sig("STRING, STRING, INTEGER -> ARRAY<STRING>")});
  t.Scalar("REGEXP_REPLACE", {Sig("STRING, STRING, STRING -> STRING")});
  t.Scalar("REGEXP_SPLIT_TO_ARRAY", {Sig("STRING, STRING -> ARRAY<STRING>")});
  t.Scalar("CHR", {Sig("INTEGER -> STRING"), Sig("STRING -> STRING")});
  t.Scalar("ENCODE", {Sig("STRING, STRING, STRING -> STRING")});
  t.Scalar("UUID", {Sig(" -> STRING")});
  t.Scalar("TO_BYTES", {Sig("STRING, STRING -> BYTES")});
  t.Scalar("FROM_BYTES", {Sig("BYTES, STRING -> STRING")});
  t.Scalar("EXTRACTJSONFIELD", {Sig("STRING, STRING -> STRING")});
  t.Scalar("JSON_ARRAY_LENGTH", {Sig("STRING -> INTEGER")});
  t.Scalar("JSON_KEYS", {Sig("STRING -> ARRAY<STRING>")});
  t.Scalar("JSON_RECORDS", {Sig("STRING -> MAP<STRING, STRING>")});
  t.Scalar("JSON_ITEMS", {Sig("STRING -> ARRAY<STRING>")});
  t.Scalar("IS_JSON_STRING", {Sig("STRING -> BOOLEAN")});
  t.Scalar("JSON_CONCAT", {Sig("STRING... -> STRING")});
  t.Scalar("JSON_ARRAY_CONTAINS", {Sig("STRING, ANY -> BOOLEAN")});
  t.Scalar("TO_JSON_STRING", {Sig("ANY -> STRING")});
}

void AddMathFunctions(Table& t) {
  t.NumericIdentity("ABS");
  t.NumericIdentity("CEIL");
  t.NumericIdentity("FLOOR");
  t.Scalar("ROUND", {Sig("INTEGER -> INTEGER"), Sig("BIGINT -> BIGINT"), Sig("DOUBLE -> BIGINT"),
                     Sig("DOUBLE, INTEGER -> DOUBLE"), SigFn("DECIMAL", DecimalToScaleZero(0)),
                     Sig("DECIMAL, INTEGER -> $0")});
  t.Scalar("TRUNC", {Sig("INTEGER -> INTEGER"), Sig("BIGINT -> BIGINT"), Sig("DOUBLE -> BIGINT"),
                     Sig("DOUBLE, INTEGER -> DOUBLE"), SigFn("DECIMAL", DecimalToScaleZero(0)),
                     Sig("DECIMAL, INTEGER -> $0")});
  for (const char* f : {"SQRT", "CBRT", "EXP", "LN", "SIN", "COS", "TAN", "ASIN", "ACOS", "ATAN",
                        "COT", "SINH", "COSH", "TANH", "DEGREES", "RADIANS"}) {
    t.DoubleMath(f);
  }
  t.Scalar("LOG", {Sig("DOUBLE -> DOUBLE"), Sig("DOUBLE, DOUBLE -> DOUBLE")});
  t.DoubleMath("POWER", 2);
  t.DoubleMath("ATAN2", 2);
  t.Scalar("SIGN", {Sig("INTEGER -> INTEGER"), Sig("BIGINT -> INTEGER"), Sig("DOUBLE -> INTEGER")});
  t.Scalar("PI", {Sig(" -> DOUBLE")});
  t.Scalar("RANDOM", {Sig(" -> DOUBLE")});
  t.Scalar("GREATEST", {Sig("T, T... -> T")});
  t.Scalar("LEAST", {Sig("T, T... -> T")});
}

void AddCollectionFunctions(Table& t) {
  t.Scalar("IFNULL", {Sig("T, T -> T")});
  t.Scalar("COALESCE", {Sig("T, T... -> T")});
  t.Scalar("NULLIF", {Sig("T, T -> T")});
  t.Scalar("AS_VALUE", {Sig("T -> T")});
  t.Scalar("ARRAY_LENGTH", {Sig("ARRAY<T> -> INTEGER")});
  t.Scalar("ARRAY_CONTAINS", {Sig("ARRAY<T>, T -> BOOLEAN")});
  t.Scalar("ARRAY_SORT", {Sig("ARRAY<T> -> ARRAY<T>"), Sig("ARRAY<T>, STRING -> ARRAY<T>")});
  t.Scalar("ARRAY_DISTINCT", {Sig("ARRAY<T> -> ARRAY<T>")});
  for (const char* f : {"ARRAY_EXCEPT", "ARRAY_INTERSECT", "ARRAY_UNION", "ARRAY_CONCAT"}) {
    t.Scalar(f, {Sig("ARRAY<T>, ARRAY<T> -> ARRAY<T>")});
  }
  t.Scalar("ARRAY_MAX", {Sig("ARRAY<T> -> T")});
  t.Scalar("ARRAY_MIN", {Sig("ARRAY<T> -> T")});
  t.Scalar("ARRAY_JOIN", {Sig("ARRAY<T> -> STRING"), Sig("ARRAY<T>, STRING -> STRING")});
  t.Scalar("ARRAY_REMOVE", {Sig("ARRAY<T>, T -> ARRAY<T>")});
  t.Scalar("ARRAY_POSITION", {Sig("ARRAY<T>, T -> INTEGER")});
  t.Scalar("SLICE", {Sig("ARRAY<T>, INTEGER, INTEGER -> ARRAY<T>")});
  t.Scalar("GENERATE_SERIES", {Sig("INTEGER, INTEGER -> ARRAY<INTEGER>"),
                               Sig("INTEGER, INTEGER, INTEGER -> ARRAY<INTEGER>"),
                               Sig("BIGINT, BIGINT -> ARRAY<BIGINT>"),
                               Sig("BIGINT, BIGINT, INTEGER -> ARRAY<BIGINT>")});
  t.Scalar("MAP_KEYS", {Sig("MAP<K, V> -> ARRAY<K>")});
  t.Scalar("MAP_VALUES", {Sig("MAP<K, V> -> ARRAY<V>")});
  t.Scalar("MAP_UNION", {Sig("MAP<K, V>, MAP<K, V> -> MAP<K, V>")});
  t.Scalar("AS_MAP", {Sig("ARRAY<K>, ARRAY<V> -> MAP<K, V>")});
  t.Scalar(
      "ENTRIES",
      {SigFn(
          "MAP<STRING, V>, BOOLEAN", [](const std::vector<SqlType>& p) -> absl::StatusOr<SqlType> {
            return SqlType::Array(SqlType::Struct({{"K", SqlType::String()}, {"V", p[0].value()}}));
          })});
}

void AddTimeFunctions(Table& t) {
  t.Scalar("UNIX_TIMESTAMP", {Sig(" -> BIGINT"), Sig("TIMESTAMP -> BIGINT")});
  t.Scalar("UNIX_DATE", {Sig(" -> INTEGER"), Sig("DATE -> INTEGER")});
  t.Scalar("STRINGTOTIMESTAMP",
           {Sig("STRING, STRING -> BIGINT"), Sig("STRING, STRING, STRING -> BIGINT")});
  t.Scalar("TIMESTAMPTOSTRING",
           {Sig("BIGINT, STRING -> STRING"), Sig("BIGINT, STRING, STRING -> STRING")});
  t.Scalar("STRINGTODATE", {Sig("STRING, STRING -> INTEGER")});
  t.Scalar("DATETOSTRING", {Sig("INTEGER, STRING -> STRING")});
  t.Scalar("FORMAT_TIMESTAMP",
           {Sig("TIMESTAMP, STRING -> STRING"), Sig("TIMESTAMP, STRING, STRING -> STRING")});
  t.Scalar("PARSE_TIMESTAMP",
           {Sig("STRING, STRING -> TIMESTAMP"), Sig("STRING, STRING, STRING -> TIMESTAMP")});
  t.Scalar("FORMAT_DATE", {Sig("DATE, STRING -> STRING")});
  t.Scalar("PARSE_DATE", {Sig("STRING, STRING -> DATE")});
  t.Scalar("FORMAT_TIME", {Sig("TIME, STRING -> STRING")});
  t.Scalar("PARSE_TIME", {Sig("STRING, STRING -> TIME")});
  t.Scalar("FROM_UNIXTIME", {Sig("BIGINT -> TIMESTAMP")});
  t.Scalar("FROM_DAYS", {Sig("INTEGER -> DATE")});
  t.Scalar("CONVERT_TZ", {Sig("TIMESTAMP, STRING, STRING -> TIMESTAMP")});
}

void AddTableAndAggregateFunctions(Table& t) {
  t.Add(
      "EXPLODE", FunctionKind::kTable,
      {Sig("ARRAY<DECIMAL> -> ANY", "ARRAY<DECIMAL> input"), Sig("ARRAY<T> -> T", "ARRAY<T> list")},
      "explode");
  // EXPLODE(ARRAY<DECIMAL>) returns the element type itself.
  t.Add("CUBE_EXPLODE", FunctionKind::kTable, {Sig("ARRAY<T> -> ARRAY<T>")}, "cube_explode");
  const FunctionKind agg = FunctionKind::kAggregate;
  t.Add("COUNT", agg, {Sig(" -> BIGINT"), Sig("ANY -> BIGINT")});
  t.Add("SUM", agg,
        {Sig("INTEGER -> INTEGER"), Sig("BIGINT -> BIGINT"), Sig("DOUBLE -> DOUBLE"),
         Sig("DECIMAL -> $0")});
  t.Add("AVG", agg,
        {Sig("INTEGER -> DOUBLE"), Sig("BIGINT -> DOUBLE"), Sig("DOUBLE -> DOUBLE"),
         Sig("DECIMAL -> DOUBLE")});
  t.Add("MIN", agg, {Sig("T -> T")});
  t.Add("MAX", agg, {Sig("T -> T")});
  t.Add("COLLECT_LIST", agg, {Sig("T -> ARRAY<T>")});
  t.Add("COLLECT_SET", agg, {Sig("T -> ARRAY<T>")});
  t.Add("TOPK", agg, {Sig("T, INTEGER -> ARRAY<T>")});
  t.Add("TOPKDISTINCT", agg, {Sig("T, INTEGER -> ARRAY<T>")});
  for (const char* f : {"LATEST_BY_OFFSET", "EARLIEST_BY_OFFSET"}) {
    t.Add(f, agg,
          {Sig("T -> T"), Sig("T, BOOLEAN -> T"), Sig("T, INTEGER -> ARRAY<T>"),
           Sig("T, INTEGER, BOOLEAN -> ARRAY<T>")});
  }
  t.Add("COUNT_DISTINCT", agg, {Sig("T -> BIGINT")});
  t.Add("HISTOGRAM", agg, {Sig("STRING -> MAP<STRING, BIGINT>")});
  t.Add("STDDEV_SAMP", agg, {Sig("DOUBLE -> DOUBLE")});
  t.Add("SUM_LIST", agg,
        {Sig("ARRAY<INTEGER> -> INTEGER"), Sig("ARRAY<BIGINT> -> BIGINT"),
         Sig("ARRAY<DOUBLE> -> DOUBLE")});
}

}  // namespace

std::vector<FunctionInfo> BuiltinFunctions() {
  Table t;
  AddStringFunctions(t);
  AddMathFunctions(t);
  AddCollectionFunctions(t);
  AddTimeFunctions(t);
  AddTableAndAggregateFunctions(t);
  auto functions = t.Take();
  // EXPLODE(ARRAY<DECIMAL>) keeps the decimal's precision: return its element type.
  for (auto& f : functions) {
    if (f.name == "EXPLODE") {
      f.overloads[0].return_fn = [](const std::vector<SqlType>& p) -> absl::StatusOr<SqlType> {
        return p[0].element();
      };
    }
  }
  return functions;
}

}  // namespace skein::functions
