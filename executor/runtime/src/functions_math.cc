// Numeric scalar functions: ABS, CEIL, FLOOR, ROUND, TRUNC, SIGN, SQRT, CBRT, EXP, LN, LOG,
// POWER, trigonometry, DEGREES, RADIANS, PI, RANDOM, GREATEST, LEAST, NULLIF.

#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "expr_nodes.h"
#include "function_util.h"
#include "skein/runtime/expression.h"

namespace skein::runtime::internal {
namespace {

using types::Int128;
using types::SqlType;
using types::TypeKind;
using types::Value;
using Args = std::span<const Value>;

// Divides by d > 0 rounding half towards positive infinity, as ksqlDB's ROUND does for both
// signs (HALF_UP for positive values, HALF_DOWN for negative ones, like Math.round).
Int128 DivHalfCeiling(Int128 n, Int128 d) {
  Int128 q = n / d, r = n % d;
  if (r > 0 && 2 * r >= d) q += 1;
  if (r < 0 && 2 * -r > d) q -= 1;
  return q;
}

// Rounds (or truncates) an unscaled decimal to `digits` fractional digits (may be negative),
// keeping its scale.
Int128 RoundDecimal(Int128 u, int scale, int digits, bool truncate) {
  if (digits >= scale) return u;
  int drop = scale - digits;
  if (drop > 38) return 0;
  Int128 p = types::Pow10(drop);
  Int128 q = truncate ? u / p : DivHalfCeiling(u, p);
  return q * p;
}

Value DecimalResult(Int128 u, int scale, const CallInfo& info) {
  const SqlType& to = info.result_type;
  if (to.kind() == TypeKind::kDecimal) {
    absl::StatusOr<Int128> r =
        types::RescaleDecimal(u, scale, to.precision(), to.scale(), types::Rounding::kHalfUp);
    return r.ok() ? Value::Decimal(*r, to.scale()) : Value::Null();
  }
  if (to.kind() == TypeKind::kDouble) return Value::Double(types::DecimalToDouble(u, scale));
  Int128 t = types::DecimalTruncate(u, scale);
  if (to.kind() == TypeKind::kInteger) return Value::Integer(static_cast<int32_t>(t));
  return Value::Bigint(static_cast<int64_t>(t));
}

Value IntResult(int64_t v, const CallInfo& info) {
  switch (info.result_type.kind()) {
    case TypeKind::kInteger:
      return Value::Integer(static_cast<int32_t>(v));
    case TypeKind::kDouble:
      return Value::Double(static_cast<double>(v));
    case TypeKind::kDecimal:
      return DecimalResult(v, 0, info);
    default:
      return Value::Bigint(v);
  }
}

Value Abs(Args a, const CallInfo& info, EvalContext&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case TypeKind::kInteger:
      return IntResult(std::llabs(v.integer()), info);
    case TypeKind::kBigint:
      return IntResult(v.bigint() < 0
                           ? static_cast<int64_t>(0ull - static_cast<uint64_t>(v.bigint()))
                           : v.bigint(),
                       info);
    case TypeKind::kDecimal: {
      Int128 u = v.decimal_unscaled();
      return DecimalResult(u < 0 ? -u : u, v.decimal_scale(), info);
    }
    default:
      return DoubleResult(std::fabs(v.AsDouble()), info.result_type);
  }
}

template <bool kCeil>
Value CeilFloor(Args a, const CallInfo& info, EvalContext&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case TypeKind::kInteger:
    case TypeKind::kBigint:
      return IntResult(IntArg(v), info);
    case TypeKind::kDecimal: {
      Int128 u = v.decimal_unscaled();
      int s = v.decimal_scale();
      Int128 p = types::Pow10(s);
      Int128 q = u / p;
      if (u % p != 0 && ((u > 0) == kCeil)) q += kCeil ? 1 : -1;
      return DecimalResult(q * p, s, info);
    }
    default: {
      double d = kCeil ? std::ceil(v.AsDouble()) : std::floor(v.AsDouble());
      return DoubleResult(d, info.result_type);
    }
  }
}

// ROUND and TRUNC: ROUND(x) of a DOUBLE is Java's Math.round (half towards +infinity), the
// others round HALF_UP (TRUNC: towards zero) at `digits`, computed exactly through a decimal.
template <bool kTruncate>
Value RoundTrunc(Args a, const CallInfo& info, EvalContext&) {
  const Value& v = a[0];
  int digits = a.size() > 1 ? static_cast<int>(IntArg(a[1])) : 0;
  switch (v.kind()) {
    case TypeKind::kInteger:
    case TypeKind::kBigint: {
      if (digits >= 0) return IntResult(IntArg(v), info);
      Int128 r = RoundDecimal(IntArg(v), 0, digits, kTruncate);
      return IntResult(static_cast<int64_t>(r), info);
    }
    case TypeKind::kDecimal:
      return DecimalResult(RoundDecimal(v.decimal_unscaled(), v.decimal_scale(), digits, kTruncate),
                           v.decimal_scale(), info);
    default: {
      double d = v.AsDouble();
      if (std::isnan(d) || std::isinf(d)) return DoubleResult(d, info.result_type);
      if (a.size() == 1) {
        double r = kTruncate ? std::trunc(d) : std::floor(d + 0.5);
        return DoubleResult(r, info.result_type);
      }
      if (std::fabs(d) >= 1e20) return DoubleResult(d, info.result_type);
      constexpr int kScale = 17;
      absl::StatusOr<Int128> u = types::DecimalFromDouble(d, 38, kScale);
      if (!u.ok()) return DoubleResult(d, info.result_type);
      Int128 r = RoundDecimal(*u, kScale, digits, kTruncate);
      return DoubleResult(types::DecimalToDouble(r, kScale), info.result_type);
    }
  }
}

Value Sign(Args a, const CallInfo& info, EvalContext&) {
  const Value& v = a[0];
  int s = 0;
  if (v.kind() == TypeKind::kDecimal) {
    s = v.decimal_unscaled() > 0 ? 1 : (v.decimal_unscaled() < 0 ? -1 : 0);
  } else {
    double d = v.AsDouble();
    s = d > 0 ? 1 : (d < 0 ? -1 : 0);
  }
  return IntResult(s, info);
}

template <double (*F)(double)>
Value Unary(Args a, const CallInfo& info, EvalContext&) {
  return DoubleResult(F(a[0].AsDouble()), info.result_type);
}

double Cot(double x) { return 1.0 / std::tan(x); }
double Degrees(double x) { return x * 180.0 / std::numbers::pi; }
double Radians(double x) { return x / 180.0 * std::numbers::pi; }
double Exp(double x) { return std::exp(x); }
double Ln(double x) { return std::log(x); }
double Sqrt(double x) { return std::sqrt(x); }
double Cbrt(double x) { return std::cbrt(x); }
double Sin(double x) { return std::sin(x); }
double Cos(double x) { return std::cos(x); }
double Tan(double x) { return std::tan(x); }
double Asin(double x) { return std::asin(x); }
double Acos(double x) { return std::acos(x); }
double Atan(double x) { return std::atan(x); }
double Sinh(double x) { return std::sinh(x); }
double Cosh(double x) { return std::cosh(x); }
double Tanh(double x) { return std::tanh(x); }

// LOG(x) is the natural logarithm (as ksqlDB's UDF, despite the name); LOG(base, x) is NaN
// for a base that is not positive or is 1.
Value Log(Args a, const CallInfo& info, EvalContext&) {
  if (a.size() == 1) return DoubleResult(std::log(a[0].AsDouble()), info.result_type);
  double base = a[0].AsDouble();
  if (base <= 0 || base == 1) {
    return DoubleResult(std::numeric_limits<double>::quiet_NaN(), info.result_type);
  }
  return DoubleResult(std::log(a[1].AsDouble()) / std::log(base), info.result_type);
}

Value Power(Args a, const CallInfo& info, EvalContext&) {
  return DoubleResult(std::pow(a[0].AsDouble(), a[1].AsDouble()), info.result_type);
}

Value Atan2(Args a, const CallInfo& info, EvalContext&) {
  return DoubleResult(std::atan2(a[0].AsDouble(), a[1].AsDouble()), info.result_type);
}

Value Pi(Args, const CallInfo& info, EvalContext&) {
  return DoubleResult(std::numbers::pi, info.result_type);
}

Value Random(Args, const CallInfo& info, EvalContext&) {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return DoubleResult(std::uniform_real_distribution<double>(0.0, 1.0)(gen), info.result_type);
}

// GREATEST/LEAST skip NULL arguments; all NULL gives NULL.
template <bool kGreatest>
Value Extreme(Args a, const CallInfo& info, EvalContext&) {
  const Value* best = nullptr;
  size_t best_i = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].is_null()) continue;
    if (best == nullptr ||
        (kGreatest ? CompareSql(a[i], *best) > 0 : CompareSql(a[i], *best) < 0)) {
      best = &a[i];
      best_i = i;
    }
  }
  if (best == nullptr) return Value::Null();
  return AsResult(*best, info.arg_types[best_i], info.result_type);
}

Value NullIf(Args a, const CallInfo&, EvalContext&) {
  if (a[0].is_null()) return Value::Null();
  if (!a[1].is_null() && CompareSql(a[0], a[1]) == 0) return Value::Null();
  return a[0];
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry* r) {
  r->AddSimple("ABS", Abs);
  r->AddSimple("CEIL", CeilFloor<true>);
  r->AddSimple("FLOOR", CeilFloor<false>);
  r->AddSimple("ROUND", RoundTrunc<false>);
  r->AddSimple("TRUNC", RoundTrunc<true>);
  r->AddSimple("SIGN", Sign);
  r->AddSimple("SQRT", Unary<Sqrt>);
  r->AddSimple("CBRT", Unary<Cbrt>);
  r->AddSimple("EXP", Unary<Exp>);
  r->AddSimple("LN", Unary<Ln>);
  r->AddSimple("LOG", Log);
  r->AddSimple("POWER", Power);
  r->AddSimple("SIN", Unary<Sin>);
  r->AddSimple("COS", Unary<Cos>);
  r->AddSimple("TAN", Unary<Tan>);
  r->AddSimple("COT", Unary<Cot>);
  r->AddSimple("ASIN", Unary<Asin>);
  r->AddSimple("ACOS", Unary<Acos>);
  r->AddSimple("ATAN", Unary<Atan>);
  r->AddSimple("ATAN2", Atan2);
  r->AddSimple("SINH", Unary<Sinh>);
  r->AddSimple("COSH", Unary<Cosh>);
  r->AddSimple("TANH", Unary<Tanh>);
  r->AddSimple("DEGREES", Unary<Degrees>);
  r->AddSimple("RADIANS", Unary<Radians>);
  r->AddSimple("PI", Pi);
  r->AddSimple("RANDOM", Random);
  r->AddSimple("GREATEST", Extreme<true>, /*null_on_null=*/false);
  r->AddSimple("LEAST", Extreme<false>, /*null_on_null=*/false);
  r->AddSimple("NULLIF", NullIf, /*null_on_null=*/false);
}

}  // namespace skein::runtime::internal
