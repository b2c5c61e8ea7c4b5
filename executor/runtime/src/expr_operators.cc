// Arithmetic, comparison and predicate nodes of compiled expressions.

#include <cmath>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "expr_nodes.h"
#include "skein/types/decimal.h"

namespace skein::runtime {

using internal::EvalPtr;
using types::Int128;
using types::SqlType;
using types::TypeKind;
using types::Value;

namespace {

bool IsExactInt(TypeKind k) { return k == TypeKind::kInteger || k == TypeKind::kBigint; }

int64_t AsInt64(const Value& v) {
  return v.kind() == TypeKind::kInteger ? v.integer() : v.bigint();
}

// A numeric value as an exact decimal (integers at scale 0).
Int128 AsDecimal(const Value& v, int* scale) {
  if (v.kind() == TypeKind::kDecimal) {
    *scale = v.decimal_scale();
    return v.decimal_unscaled();
  }
  *scale = 0;
  return AsInt64(v);
}

template <typename T>
int Cmp(T a, T b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

}  // namespace

int CompareSql(const Value& a, const Value& b) {
  TypeKind ka = a.kind(), kb = b.kind();
  if (ka == kb) return Value::Compare(a, b);
  bool na = ka == TypeKind::kInteger || ka == TypeKind::kBigint || ka == TypeKind::kDecimal ||
            ka == TypeKind::kDouble;
  bool nb = kb == TypeKind::kInteger || kb == TypeKind::kBigint || kb == TypeKind::kDecimal ||
            kb == TypeKind::kDouble;
  if (na && nb) {
    if (ka == TypeKind::kDouble || kb == TypeKind::kDouble) {
      return Cmp(a.AsDouble(), b.AsDouble());
    }
    if (ka == TypeKind::kDecimal || kb == TypeKind::kDecimal) {
      int sa = 0, sb = 0;
      Int128 ua = AsDecimal(a, &sa), ub = AsDecimal(b, &sb);
      return types::CompareDecimal(ua, sa, ub, sb);
    }
    return Cmp(AsInt64(a), AsInt64(b));
  }
  return Value::Compare(a, b);
}

namespace internal {
namespace {

enum class ArithOp { kAdd, kSub, kMul, kDiv, kMod };

// INTEGER/BIGINT arithmetic with Java's two's-complement wrap-around.
template <typename T>
class IntArith final : public Evaluator {
 public:
  IntArith(SqlType type, ArithOp op, EvalPtr l, EvalPtr r)
      : Evaluator(std::move(type)), op_(op), l_(std::move(l)), r_(std::move(r)) {}
  Value Eval(EvalContext& ctx) const override {
    Value a = l_->Eval(ctx);
    if (a.is_null()) return a;
    Value b = r_->Eval(ctx);
    if (b.is_null()) return b;
    using U = std::make_unsigned_t<T>;
    T x = static_cast<T>(AsInt64(a)), y = static_cast<T>(AsInt64(b));
    T out = 0;
    switch (op_) {
      case ArithOp::kAdd:
        out = static_cast<T>(static_cast<U>(x) + static_cast<U>(y));
        break;
      case ArithOp::kSub:
        out = static_cast<T>(static_cast<U>(x) - static_cast<U>(y));
        break;
      case ArithOp::kMul:
        out = static_cast<T>(static_cast<U>(x) * static_cast<U>(y));
        break;
      case ArithOp::kDiv:
      case ArithOp::kMod:
        if (y == 0) {
          ctx.SetError("/ by zero");
          return Value::Null();
        }
        if (y == -1) {  // MIN / -1 overflows in C++; Java wraps to MIN, MIN % -1 is 0
          out = op_ == ArithOp::kDiv ? static_cast<T>(U{0} - static_cast<U>(x)) : 0;
        } else {
          out = op_ == ArithOp::kDiv ? static_cast<T>(x / y) : static_cast<T>(x % y);
        }
        break;
    }
    if constexpr (sizeof(T) == 4) {
      return Value::Integer(out);
    } else {
      return Value::Bigint(out);
    }
  }

 private:
  ArithOp op_;
  EvalPtr l_, r_;
};

class DoubleArith final : public Evaluator {
 public:
  DoubleArith(ArithOp op, EvalPtr l, EvalPtr r)
      : Evaluator(SqlType::Double()), op_(op), l_(std::move(l)), r_(std::move(r)) {}
  Value Eval(EvalContext& ctx) const override {
    Value a = l_->Eval(ctx);
    if (a.is_null()) return a;
    Value b = r_->Eval(ctx);
    if (b.is_null()) return b;
    double x = a.AsDouble(), y = b.AsDouble();
    switch (op_) {
      case ArithOp::kAdd:
        return Value::Double(x + y);
      case ArithOp::kSub:
        return Value::Double(x - y);
      case ArithOp::kMul:
        return Value::Double(x * y);
      case ArithOp::kDiv:
        return Value::Double(x / y);
      case ArithOp::kMod:
        return Value::Double(std::fmod(x, y));
    }
    return Value::Null();
  }

 private:
  ArithOp op_;
  EvalPtr l_, r_;
};

// Divides rounding HALF_UP (away from zero on a tie), as BigDecimal.divide(.., HALF_UP).
Int128 DivHalfUp(Int128 n, Int128 d) {
  Int128 q = n / d, r = n % d;
  if (r < 0) r = -r;
  Int128 ad = d < 0 ? -d : d;
  if (2 * r >= ad) q += ((n < 0) != (d < 0)) ? -1 : 1;
  return q;
}

// Exact DECIMAL arithmetic at the planner's result precision and scale.
class DecimalArith final : public Evaluator {
 public:
  DecimalArith(SqlType type, ArithOp op, EvalPtr l, EvalPtr r)
      : Evaluator(std::move(type)), op_(op), l_(std::move(l)), r_(std::move(r)) {}
  Value Eval(EvalContext& ctx) const override {
    Value a = l_->Eval(ctx);
    if (a.is_null()) return a;
    Value b = r_->Eval(ctx);
    if (b.is_null()) return b;
    int sa = 0, sb = 0;
    Int128 x = AsDecimal(a, &sa), y = AsDecimal(b, &sb);
    const int rs = type().scale();
    Int128 out = 0;
    int out_scale = rs;
    switch (op_) {
      case ArithOp::kAdd:
      case ArithOp::kSub: {
        int s = std::max(sa, sb);
        x *= types::Pow10(s - sa);
        y *= types::Pow10(s - sb);
        out = op_ == ArithOp::kAdd ? x + y : x - y;
        out_scale = s;
        break;
      }
      case ArithOp::kMul:
        out = x * y;
        out_scale = sa + sb;
        break;
      case ArithOp::kDiv: {
        if (y == 0) {
          ctx.SetError("Division by zero");
          return Value::Null();
        }
        // x/10^sa / (y/10^sb) at scale rs = x * 10^(rs - sa + sb) / y.
        int shift = rs - sa + sb;
        if (shift >= 0) {
          if (shift > 38) shift = 38;
          out = DivHalfUp(x * types::Pow10(shift), y);
        } else {
          out = DivHalfUp(x, y * types::Pow10(-shift));
        }
        out_scale = rs;
        break;
      }
      case ArithOp::kMod: {
        if (y == 0) {
          ctx.SetError("Division by zero");
          return Value::Null();
        }
        int s = std::max(sa, sb);
        x *= types::Pow10(s - sa);
        y *= types::Pow10(s - sb);
        out = x % y;
        out_scale = s;
        break;
      }
    }
    absl::StatusOr<Int128> scaled =
        types::RescaleDecimal(out, out_scale, type().precision(), rs, types::Rounding::kHalfUp);
    if (!scaled.ok()) {
      ctx.SetError(absl::StrCat("Numeric field overflow: ", scaled.status().message()));
      return Value::Null();
    }
    return Value::Decimal(*scaled, rs);
  }

 private:
  ArithOp op_;
  EvalPtr l_, r_;
};

// STRING + STRING.
class StringPlus final : public Evaluator {
 public:
  StringPlus(EvalPtr l, EvalPtr r)
      : Evaluator(SqlType::String()), l_(std::move(l)), r_(std::move(r)) {}
  Value Eval(EvalContext& ctx) const override {
    Value a = l_->Eval(ctx);
    if (a.is_null()) return a;
    Value b = r_->Eval(ctx);
    if (b.is_null()) return b;
    return Value::String(absl::StrCat(a.str(), b.str()));
  }

 private:
  EvalPtr l_, r_;
};

class NegateEval final : public Evaluator {
 public:
  NegateEval(SqlType type, EvalPtr operand)
      : Evaluator(std::move(type)), operand_(std::move(operand)) {}
  Value Eval(EvalContext& ctx) const override {
    Value v = operand_->Eval(ctx);
    if (v.is_null()) return v;
    switch (type().kind()) {
      case TypeKind::kInteger:
        return Value::Integer(static_cast<int32_t>(0u - static_cast<uint32_t>(AsInt64(v))));
      case TypeKind::kBigint:
        return Value::Bigint(static_cast<int64_t>(0ull - static_cast<uint64_t>(AsInt64(v))));
      case TypeKind::kDecimal: {
        int s = 0;
        Int128 u = AsDecimal(v, &s);
        return Value::Decimal(-u, s);
      }
      default:
        return Value::Double(-v.AsDouble());
    }
  }

 private:
  EvalPtr operand_;
};

enum class CmpOp { kEq, kNe, kLt, kLe, kGt, kGe };

class CompareEval final : public Evaluator {
 public:
  CompareEval(CmpOp op, EvalPtr l, EvalPtr r)
      : Evaluator(SqlType::Boolean()), op_(op), l_(std::move(l)), r_(std::move(r)) {}
  Value Eval(EvalContext& ctx) const override {
    // ksqlDB compares with NULL as FALSE (not SQL's UNKNOWN): `NULL = NULL` and `1 <> NULL`
    // are both false, in projections as well as in WHERE (qtt null.json "null equals").
    Value a = l_->Eval(ctx);
    if (a.is_null()) return Value::Boolean(false);
    Value b = r_->Eval(ctx);
    if (b.is_null()) return Value::Boolean(false);
    int c = CompareSql(a, b);
    switch (op_) {
      case CmpOp::kEq:
        return Value::Boolean(c == 0);
      case CmpOp::kNe:
        return Value::Boolean(c != 0);
      case CmpOp::kLt:
        return Value::Boolean(c < 0);
      case CmpOp::kLe:
        return Value::Boolean(c <= 0);
      case CmpOp::kGt:
        return Value::Boolean(c > 0);
      case CmpOp::kGe:
        return Value::Boolean(c >= 0);
    }
    return Value::Null();
  }

 private:
  CmpOp op_;
  EvalPtr l_, r_;
};

class IsDistinctEval final : public Evaluator {
 public:
  IsDistinctEval(EvalPtr l, EvalPtr r)
      : Evaluator(SqlType::Boolean()), l_(std::move(l)), r_(std::move(r)) {}
  Value Eval(EvalContext& ctx) const override {
    Value a = l_->Eval(ctx);
    Value b = r_->Eval(ctx);
    if (a.is_null() || b.is_null()) return Value::Boolean(a.is_null() != b.is_null());
    return Value::Boolean(CompareSql(a, b) != 0);
  }

 private:
  EvalPtr l_, r_;
};

class LikeEval final : public Evaluator {
 public:
  explicit LikeEval(std::vector<EvalPtr> args)
      : Evaluator(SqlType::Boolean()), args_(std::move(args)) {}
  Value Eval(EvalContext& ctx) const override {
    Value text = args_[0]->Eval(ctx);
    if (text.is_null()) return text;
    Value pattern = args_[1]->Eval(ctx);
    if (pattern.is_null()) return pattern;
    char escape = 0;
    if (args_.size() == 3) {
      Value e = args_[2]->Eval(ctx);
      if (e.is_null()) return e;
      if (e.str().size() != 1) {
        ctx.SetError("LIKE ESCAPE must be a single character");
        return Value::Null();
      }
      escape = e.str()[0];
    }
    return Value::Boolean(LikeMatch(text.str(), pattern.str(), escape));
  }

 private:
  std::vector<EvalPtr> args_;
};

// value IN (list): TRUE on a match; otherwise NULL if the value or any list item is NULL.
class InEval final : public Evaluator {
 public:
  explicit InEval(std::vector<EvalPtr> args)
      : Evaluator(SqlType::Boolean()), args_(std::move(args)) {}
  Value Eval(EvalContext& ctx) const override {
    Value v = args_[0]->Eval(ctx);
    if (v.is_null()) return v;
    bool saw_null = false;
    for (size_t i = 1; i < args_.size(); ++i) {
      Value item = args_[i]->Eval(ctx);
      if (item.is_null()) {
        saw_null = true;
      } else if (CompareSql(v, item) == 0) {
        return Value::Boolean(true);
      }
    }
    return saw_null ? Value::Null() : Value::Boolean(false);
  }

 private:
  std::vector<EvalPtr> args_;
};

class BetweenEval final : public Evaluator {
 public:
  explicit BetweenEval(std::vector<EvalPtr> args)
      : Evaluator(SqlType::Boolean()), args_(std::move(args)) {}
  Value Eval(EvalContext& ctx) const override {
    Value v = args_[0]->Eval(ctx);
    Value lo = args_[1]->Eval(ctx);
    Value hi = args_[2]->Eval(ctx);
    if (v.is_null() || lo.is_null() || hi.is_null()) return Value::Boolean(false);
    return Value::Boolean(CompareSql(v, lo) >= 0 && CompareSql(v, hi) <= 0);
  }

 private:
  std::vector<EvalPtr> args_;
};

absl::StatusOr<ArithOp> ParseArith(std::string_view op) {
  if (op == "+") return ArithOp::kAdd;
  if (op == "-") return ArithOp::kSub;
  if (op == "*") return ArithOp::kMul;
  if (op == "/") return ArithOp::kDiv;
  if (op == "%") return ArithOp::kMod;
  return absl::InvalidArgumentError(absl::StrCat("plan: unknown arithmetic operator ", AV(op)));
}

}  // namespace

bool LikeMatch(std::string_view text, std::string_view pattern, char escape) {
  // Iterative wildcard matching with backtracking to the last '%': linear in practice and
  // never recursive, so a hostile pattern cannot blow the stack.
  size_t t = 0, p = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char c = pattern[p];
      if (escape != 0 && c == escape && p + 1 < pattern.size()) {
        if (text[t] == pattern[p + 1]) {
          t++;
          p += 2;
          continue;
        }
      } else if (c == '%') {
        star_p = p++;
        star_t = t;
        continue;
      } else if (c == '_' || c == text[t]) {
        t++;
        p++;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '%') p++;
  return p == pattern.size();
}

absl::StatusOr<EvalPtr> MakeArithmetic(std::string_view op, EvalPtr lhs, EvalPtr rhs,
                                       SqlType type) {
  absl::StatusOr<ArithOp> parsed = ParseArith(op);
  if (!parsed.ok()) return parsed.status();
  switch (type.kind()) {
    case TypeKind::kInteger:
      return EvalPtr(std::make_shared<IntArith<int32_t>>(type, *parsed, lhs, rhs));
    case TypeKind::kBigint:
      return EvalPtr(std::make_shared<IntArith<int64_t>>(type, *parsed, lhs, rhs));
    case TypeKind::kDouble:
      return EvalPtr(std::make_shared<DoubleArith>(*parsed, lhs, rhs));
    case TypeKind::kDecimal:
      if (!(IsExactInt(lhs->type().kind()) || lhs->type().kind() == TypeKind::kDecimal) ||
          !(IsExactInt(rhs->type().kind()) || rhs->type().kind() == TypeKind::kDecimal)) {
        return absl::InvalidArgumentError("plan: DECIMAL arithmetic on non-exact operands");
      }
      return EvalPtr(std::make_shared<DecimalArith>(type, *parsed, lhs, rhs));
    case TypeKind::kString:
      if (*parsed == ArithOp::kAdd) return EvalPtr(std::make_shared<StringPlus>(lhs, rhs));
      [[fallthrough]];
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("plan: arithmetic '", AV(op), "' with result type ", type.ToString()));
  }
}

absl::StatusOr<EvalPtr> MakeNegate(EvalPtr operand, SqlType type) {
  if (!type.IsNumeric()) {
    return absl::InvalidArgumentError("plan: negation of a non-numeric value");
  }
  return EvalPtr(std::make_shared<NegateEval>(std::move(type), std::move(operand)));
}

absl::StatusOr<EvalPtr> MakeComparison(std::string_view op, EvalPtr lhs, EvalPtr rhs) {
  CmpOp c;
  if (op == "=")
    c = CmpOp::kEq;
  else if (op == "<>")
    c = CmpOp::kNe;
  else if (op == "<")
    c = CmpOp::kLt;
  else if (op == "<=")
    c = CmpOp::kLe;
  else if (op == ">")
    c = CmpOp::kGt;
  else if (op == ">=")
    c = CmpOp::kGe;
  else
    return absl::InvalidArgumentError(absl::StrCat("plan: unknown comparison ", AV(op)));
  return EvalPtr(std::make_shared<CompareEval>(c, std::move(lhs), std::move(rhs)));
}

EvalPtr MakeIsDistinct(EvalPtr lhs, EvalPtr rhs) {
  return std::make_shared<IsDistinctEval>(std::move(lhs), std::move(rhs));
}

absl::StatusOr<EvalPtr> MakeLike(std::vector<EvalPtr> args) {
  return EvalPtr(std::make_shared<LikeEval>(std::move(args)));
}

EvalPtr MakeIn(std::vector<EvalPtr> args) { return std::make_shared<InEval>(std::move(args)); }

EvalPtr MakeBetween(std::vector<EvalPtr> args) {
  return std::make_shared<BetweenEval>(std::move(args));
}

}  // namespace internal
}  // namespace skein::runtime
