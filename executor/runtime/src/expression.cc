// The expression compiler: plan Expr -> evaluator tree. Structural nodes (columns, literals,
// CAST, CASE, boolean logic, constructors, subscripts, function calls, lambdas) live here;
// arithmetic, comparison and pattern nodes in expr_operators.cc.

#include "skein/runtime/expression.h"

#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "expr_nodes.h"
#include "skein/common/status.h"
#include "skein/runtime/plan_types.h"
#include "skein/types/cast.h"

namespace skein::runtime {
namespace {

using internal::EvalPtr;
using types::SqlType;
using types::TypeKind;
using types::Value;

class ColumnEval final : public Evaluator {
 public:
  ColumnEval(SqlType type, uint32_t index) : Evaluator(std::move(type)), index_(index) {}
  Value Eval(EvalContext& ctx) const override { return ctx.row[index_]; }

 private:
  uint32_t index_;
};

class LiteralEval final : public Evaluator {
 public:
  LiteralEval(SqlType type, Value v) : Evaluator(std::move(type)), value_(std::move(v)) {}
  Value Eval(EvalContext&) const override { return value_; }
  const Value* constant() const override { return &value_; }

 private:
  Value value_;
};

class LambdaArgEval final : public Evaluator {
 public:
  LambdaArgEval(SqlType type, uint32_t index) : Evaluator(std::move(type)), index_(index) {}
  Value Eval(EvalContext& ctx) const override {
    return index_ < ctx.lambda_args.size() ? ctx.lambda_args[index_] : Value::Null();
  }

 private:
  uint32_t index_;
};

class CastEval final : public Evaluator {
 public:
  CastEval(SqlType to, SqlType from, EvalPtr operand)
      : Evaluator(std::move(to)), from_(std::move(from)), operand_(std::move(operand)) {}
  Value Eval(EvalContext& ctx) const override {
    Value v = operand_->Eval(ctx);
    if (v.is_null()) return v;
    absl::StatusOr<Value> out = types::CastValue(v, from_, type());
    if (!out.ok()) {
      ctx.SetError(std::string(out.status().message()));
      return Value::Null();
    }
    return *std::move(out);
  }

 private:
  SqlType from_;
  EvalPtr operand_;
};

class CaseEval final : public Evaluator {
 public:
  CaseEval(SqlType type, std::vector<EvalPtr> when, std::vector<EvalPtr> then, EvalPtr otherwise)
      : Evaluator(std::move(type)),
        when_(std::move(when)),
        then_(std::move(then)),
        else_(std::move(otherwise)) {}
  Value Eval(EvalContext& ctx) const override {
    for (size_t i = 0; i < when_.size(); ++i) {
      if (IsTrue(when_[i]->Eval(ctx))) return then_[i]->Eval(ctx);
    }
    return else_ ? else_->Eval(ctx) : Value::Null();
  }

 private:
  std::vector<EvalPtr> when_, then_;
  EvalPtr else_;
};

// Three-valued AND/OR, short-circuiting on the deciding value.
class LogicEval final : public Evaluator {
 public:
  LogicEval(bool is_and, std::vector<EvalPtr> args)
      : Evaluator(SqlType::Boolean()), is_and_(is_and), args_(std::move(args)) {}
  Value Eval(EvalContext& ctx) const override {
    bool saw_null = false;
    for (const EvalPtr& a : args_) {
      Value v = a->Eval(ctx);
      if (v.is_null()) {
        saw_null = true;
      } else if (v.boolean() != is_and_) {
        return Value::Boolean(!is_and_);  // FALSE for AND, TRUE for OR
      }
    }
    return saw_null ? Value::Null() : Value::Boolean(is_and_);
  }

 private:
  bool is_and_;
  std::vector<EvalPtr> args_;
};

class NotEval final : public Evaluator {
 public:
  explicit NotEval(EvalPtr arg) : Evaluator(SqlType::Boolean()), arg_(std::move(arg)) {}
  Value Eval(EvalContext& ctx) const override {
    Value v = arg_->Eval(ctx);
    return v.is_null() ? v : Value::Boolean(!v.boolean());
  }

 private:
  EvalPtr arg_;
};

class IsNullEval final : public Evaluator {
 public:
  IsNullEval(EvalPtr arg, bool negate)
      : Evaluator(SqlType::Boolean()), arg_(std::move(arg)), negate_(negate) {}
  Value Eval(EvalContext& ctx) const override {
    return Value::Boolean(arg_->Eval(ctx).is_null() != negate_);
  }

 private:
  EvalPtr arg_;
  bool negate_;
};

// COALESCE and IFNULL: the first non-NULL argument, evaluated lazily.
class CoalesceEval final : public Evaluator {
 public:
  CoalesceEval(SqlType type, std::vector<EvalPtr> args)
      : Evaluator(std::move(type)), args_(std::move(args)) {}
  Value Eval(EvalContext& ctx) const override {
    for (const EvalPtr& a : args_) {
      Value v = a->Eval(ctx);
      if (!v.is_null()) return v;
    }
    return Value::Null();
  }

 private:
  std::vector<EvalPtr> args_;
};

// CONCAT of strings or bytes: NULL arguments are skipped (ksqlDB), all-NULL gives "".
class ConcatEval final : public Evaluator {
 public:
  ConcatEval(SqlType type, std::vector<EvalPtr> args)
      : Evaluator(std::move(type)), args_(std::move(args)) {}
  Value Eval(EvalContext& ctx) const override {
    std::string out;
    for (const EvalPtr& a : args_) {
      Value v = a->Eval(ctx);
      if (!v.is_null()) out += v.str();
    }
    return type().kind() == TypeKind::kBytes ? Value::Bytes(std::move(out))
                                             : Value::String(std::move(out));
  }

 private:
  std::vector<EvalPtr> args_;
};

class DerefEval final : public Evaluator {
 public:
  DerefEval(SqlType type, EvalPtr base, int field)
      : Evaluator(std::move(type)), base_(std::move(base)), field_(field) {}
  Value Eval(EvalContext& ctx) const override {
    Value v = base_->Eval(ctx);
    if (v.is_null()) return v;
    auto items = v.items();
    return static_cast<size_t>(field_) < items.size() ? items[field_] : Value::Null();
  }

 private:
  EvalPtr base_;
  int field_;
};

// ARRAY[i] (1-based, negative counts from the end, out of range is NULL) and MAP[key].
class SubscriptEval final : public Evaluator {
 public:
  SubscriptEval(SqlType type, EvalPtr base, EvalPtr index, bool is_map)
      : Evaluator(std::move(type)),
        base_(std::move(base)),
        index_(std::move(index)),
        is_map_(is_map) {}
  Value Eval(EvalContext& ctx) const override {
    Value base = base_->Eval(ctx);
    if (base.is_null()) return base;
    Value index = index_->Eval(ctx);
    if (index.is_null()) return index;
    if (is_map_) {
      for (size_t i = 0; i < base.map_size(); ++i) {
        const Value& k = base.map_key(i);
        if (!k.is_null() && CompareSql(k, index) == 0) return base.map_value(i);
      }
      return Value::Null();
    }
    auto items = base.items();
    int64_t n = static_cast<int64_t>(items.size());
    int64_t i = index.kind() == TypeKind::kInteger ? index.integer() : index.bigint();
    if (i > 0 && i <= n) return items[i - 1];
    if (i < 0 && -i <= n) return items[n + i];
    return Value::Null();
  }

 private:
  EvalPtr base_, index_;
  bool is_map_;
};

// ARRAY[...], MAP(k := v, ...) and STRUCT(...) constructors.
class ConstructorEval final : public Evaluator {
 public:
  ConstructorEval(SqlType type, std::vector<EvalPtr> args)
      : Evaluator(std::move(type)), args_(std::move(args)) {}
  Value Eval(EvalContext& ctx) const override {
    std::vector<Value> items;
    items.reserve(args_.size());
    for (const EvalPtr& a : args_) items.push_back(a->Eval(ctx));
    switch (type().kind()) {
      case TypeKind::kArray:
        return Value::Array(std::move(items));
      case TypeKind::kMap: {
        // Later duplicates replace earlier keys, as a Java map would.
        std::vector<Value> dedup;
        dedup.reserve(items.size());
        for (size_t i = 0; i + 1 < items.size(); i += 2) {
          bool replaced = false;
          for (size_t j = 0; j < dedup.size(); j += 2) {
            if (dedup[j] == items[i]) {
              dedup[j + 1] = items[i + 1];
              replaced = true;
              break;
            }
          }
          if (!replaced) {
            dedup.push_back(items[i]);
            dedup.push_back(items[i + 1]);
          }
        }
        return Value::MapInterleaved(std::move(dedup));
      }
      default:
        return Value::Struct(std::move(items));
    }
  }

 private:
  std::vector<EvalPtr> args_;
};

class CallEval final : public Evaluator {
 public:
  CallEval(SqlType type, BoundScalar bound, CallInfo info, std::vector<EvalPtr> args)
      : Evaluator(std::move(type)), bound_(bound), info_(std::move(info)), args_(std::move(args)) {}
  Value Eval(EvalContext& ctx) const override {
    absl::InlinedVector<Value, 4> values;
    values.reserve(args_.size());
    for (const EvalPtr& a : args_) {
      values.push_back(a->Eval(ctx));
      if (bound_.null_on_null && values.back().is_null()) return Value::Null();
    }
    return bound_.fn(std::span<const Value>(values.data(), values.size()), info_, ctx);
  }

 private:
  BoundScalar bound_;
  CallInfo info_;
  std::vector<EvalPtr> args_;
};

// A lambda's body and where its parameters start in EvalContext::lambda_args.
struct LambdaBody {
  EvalPtr body;
  uint32_t num_params = 0;
  uint32_t first_param = 0;

  Value Invoke(EvalContext& ctx, std::initializer_list<Value> params) const {
    size_t saved = ctx.lambda_args.size();
    ctx.lambda_args.resize(first_param);
    for (const Value& p : params) ctx.lambda_args.push_back(p);
    Value out = body->Eval(ctx);
    ctx.lambda_args.resize(saved);
    return out;
  }
};

// TRANSFORM, FILTER and REDUCE over arrays and maps.
class HigherOrderEval final : public Evaluator {
 public:
  enum class Kind { kTransform, kFilter, kReduce };
  HigherOrderEval(SqlType type, Kind kind, EvalPtr input, EvalPtr init,
                  std::vector<LambdaBody> lambdas)
      : Evaluator(std::move(type)),
        kind_(kind),
        input_(std::move(input)),
        init_(std::move(init)),
        lambdas_(std::move(lambdas)) {}

  Value Eval(EvalContext& ctx) const override {
    Value in = input_->Eval(ctx);
    if (in.is_null()) return in;
    bool is_map = input_->type().kind() == TypeKind::kMap;
    switch (kind_) {
      case Kind::kTransform: {
        std::vector<Value> out;
        if (is_map) {
          for (size_t i = 0; i < in.map_size(); ++i) {
            out.push_back(lambdas_[0].Invoke(ctx, {in.map_key(i), in.map_value(i)}));
            out.push_back(lambdas_[1].Invoke(ctx, {in.map_key(i), in.map_value(i)}));
          }
          return Value::MapInterleaved(std::move(out));
        }
        for (const Value& e : in.items()) out.push_back(lambdas_[0].Invoke(ctx, {e}));
        return Value::Array(std::move(out));
      }
      case Kind::kFilter: {
        std::vector<Value> out;
        if (is_map) {
          for (size_t i = 0; i < in.map_size(); ++i) {
            if (IsTrue(lambdas_[0].Invoke(ctx, {in.map_key(i), in.map_value(i)}))) {
              out.push_back(in.map_key(i));
              out.push_back(in.map_value(i));
            }
          }
          return Value::MapInterleaved(std::move(out));
        }
        for (const Value& e : in.items()) {
          if (IsTrue(lambdas_[0].Invoke(ctx, {e}))) out.push_back(e);
        }
        return Value::Array(std::move(out));
      }
      case Kind::kReduce: {
        Value state = init_->Eval(ctx);
        if (is_map) {
          for (size_t i = 0; i < in.map_size(); ++i) {
            state = lambdas_[0].Invoke(ctx, {state, in.map_key(i), in.map_value(i)});
          }
        } else {
          for (const Value& e : in.items()) state = lambdas_[0].Invoke(ctx, {state, e});
        }
        return state;
      }
    }
    return Value::Null();
  }

 private:
  Kind kind_;
  EvalPtr input_, init_;
  std::vector<LambdaBody> lambdas_;
};

absl::Status Bad(const skein::v1::Expr& e, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("plan: ", internal::AV(what),
                                                 e.text().empty() ? "" : " in '", e.text(),
                                                 e.text().empty() ? "" : "'"));
}

// Compiles one Expr tree; tracks lambda scopes so parameters resolve to stack slots.
class Compiler {
 public:
  Compiler(int row_width, const FunctionRegistry& registry)
      : row_width_(row_width), registry_(registry) {}

  absl::StatusOr<EvalPtr> Compile(const skein::v1::Expr& e) {
    SqlType type = SqlType::String();
    bool untyped = e.type().kind() == skein::v1::TYPE_KIND_UNSPECIFIED;
    if (!untyped) {
      SKEIN_ASSIGN_OR_RETURN(type, FromProto(e.type()));
    }
    switch (e.node_case()) {
      case skein::v1::Expr::kColumn:
        if (row_width_ >= 0 && static_cast<int>(e.column()) >= row_width_) {
          return Bad(e, absl::StrCat("column index ", e.column(), " out of range"));
        }
        return EvalPtr(std::make_shared<ColumnEval>(type, e.column()));
      case skein::v1::Expr::kLiteral: {
        if (untyped) return EvalPtr(std::make_shared<LiteralEval>(type, Value::Null()));
        SKEIN_ASSIGN_OR_RETURN(Value v, LiteralValue(e.literal(), type));
        return EvalPtr(std::make_shared<LiteralEval>(type, std::move(v)));
      }
      case skein::v1::Expr::kLambdaArg:
        return EvalPtr(std::make_shared<LambdaArgEval>(type, e.lambda_arg()));
      case skein::v1::Expr::kCast: {
        SKEIN_ASSIGN_OR_RETURN(EvalPtr operand, Compile(e.cast().operand()));
        if (e.cast().operand().type().kind() == skein::v1::TYPE_KIND_UNSPECIFIED) {
          return EvalPtr(std::make_shared<LiteralEval>(type, Value::Null()));
        }
        if (operand->type() == type) return operand;
        SKEIN_RETURN_IF_ERROR(types::CheckCast(operand->type(), type));
        SqlType from = operand->type();
        return EvalPtr(std::make_shared<CastEval>(type, from, std::move(operand)));
      }
      case skein::v1::Expr::kCaseExpr: {
        const auto& c = e.case_expr();
        if (c.when_size() != c.then_size()) return Bad(e, "CASE with unequal WHEN/THEN");
        std::vector<EvalPtr> when, then;
        for (const auto& w : c.when()) {
          SKEIN_ASSIGN_OR_RETURN(EvalPtr p, Compile(w));
          when.push_back(std::move(p));
        }
        for (const auto& t : c.then()) {
          SKEIN_ASSIGN_OR_RETURN(EvalPtr p, Compile(t));
          then.push_back(std::move(p));
        }
        EvalPtr otherwise;
        if (c.has_else_expr()) {
          SKEIN_ASSIGN_OR_RETURN(otherwise, Compile(c.else_expr()));
        }
        return EvalPtr(std::make_shared<CaseEval>(type, std::move(when), std::move(then),
                                                  std::move(otherwise)));
      }
      case skein::v1::Expr::kCall:
        return CompileCall(e, type);
      case skein::v1::Expr::kLambda:
        return Bad(e, "lambda outside a higher-order function");
      default:
        return Bad(e, "empty expression");
    }
  }

 private:
  absl::StatusOr<std::vector<EvalPtr>> CompileArgs(const skein::v1::Call& call) {
    std::vector<EvalPtr> args;
    for (const auto& a : call.args()) {
      SKEIN_ASSIGN_OR_RETURN(EvalPtr p, Compile(a));
      args.push_back(std::move(p));
    }
    return args;
  }

  absl::StatusOr<LambdaBody> CompileLambda(const skein::v1::Expr& e) {
    if (e.node_case() != skein::v1::Expr::kLambda) return Bad(e, "expected a lambda");
    LambdaBody out;
    out.num_params = e.lambda().num_params();
    out.first_param = lambda_depth_;
    lambda_depth_ += out.num_params;
    absl::StatusOr<EvalPtr> body = Compile(e.lambda().body());
    lambda_depth_ -= out.num_params;
    if (!body.ok()) return body.status();
    out.body = *std::move(body);
    return out;
  }

  absl::StatusOr<EvalPtr> CompileHigherOrder(const skein::v1::Expr& e, const SqlType& type,
                                             HigherOrderEval::Kind kind) {
    const auto& call = e.call();
    size_t lambdas_from = kind == HigherOrderEval::Kind::kReduce ? 2 : 1;
    if (call.args_size() < static_cast<int>(lambdas_from) + 1) {
      return Bad(e, absl::StrCat(call.function(), " needs a collection and a lambda"));
    }
    SKEIN_ASSIGN_OR_RETURN(EvalPtr input, Compile(call.args(0)));
    EvalPtr init;
    if (kind == HigherOrderEval::Kind::kReduce) {
      SKEIN_ASSIGN_OR_RETURN(init, Compile(call.args(1)));
    }
    std::vector<LambdaBody> lambdas;
    for (int i = static_cast<int>(lambdas_from); i < call.args_size(); ++i) {
      SKEIN_ASSIGN_OR_RETURN(LambdaBody l, CompileLambda(call.args(i)));
      lambdas.push_back(std::move(l));
    }
    bool is_map = input->type().kind() == TypeKind::kMap;
    if (kind == HigherOrderEval::Kind::kTransform && is_map && lambdas.size() != 2) {
      return Bad(e, "TRANSFORM of a map needs a key lambda and a value lambda");
    }
    return EvalPtr(std::make_shared<HigherOrderEval>(type, kind, std::move(input), std::move(init),
                                                     std::move(lambdas)));
  }

  absl::StatusOr<EvalPtr> CompileCall(const skein::v1::Expr& e, const SqlType& type) {
    const std::string& fn = e.call().function();
    if (fn == "TRANSFORM") return CompileHigherOrder(e, type, HigherOrderEval::Kind::kTransform);
    if (fn == "FILTER") return CompileHigherOrder(e, type, HigherOrderEval::Kind::kFilter);
    if (fn == "REDUCE") return CompileHigherOrder(e, type, HigherOrderEval::Kind::kReduce);

    SKEIN_ASSIGN_OR_RETURN(std::vector<EvalPtr> args, CompileArgs(e.call()));
    auto need = [&](size_t n) -> absl::Status {
      if (args.size() != n) {
        return Bad(e, absl::StrCat(fn, " expects ", n, " arguments, got ", args.size()));
      }
      return absl::OkStatus();
    };
    if (fn == "+" || fn == "-" || fn == "*" || fn == "/" || fn == "%") {
      SKEIN_RETURN_IF_ERROR(need(2));
      return internal::MakeArithmetic(fn, args[0], args[1], type);
    }
    if (fn == "NEG") {
      SKEIN_RETURN_IF_ERROR(need(1));
      return internal::MakeNegate(args[0], type);
    }
    if (fn == "=" || fn == "<>" || fn == "<" || fn == "<=" || fn == ">" || fn == ">=") {
      SKEIN_RETURN_IF_ERROR(need(2));
      return internal::MakeComparison(fn, args[0], args[1]);
    }
    if (fn == "AND" || fn == "OR") {
      if (args.empty()) return Bad(e, "AND/OR without arguments");
      return EvalPtr(std::make_shared<LogicEval>(fn == "AND", std::move(args)));
    }
    if (fn == "NOT") {
      SKEIN_RETURN_IF_ERROR(need(1));
      return EvalPtr(std::make_shared<NotEval>(args[0]));
    }
    if (fn == "IS_NULL" || fn == "IS_NOT_NULL") {
      SKEIN_RETURN_IF_ERROR(need(1));
      return EvalPtr(std::make_shared<IsNullEval>(args[0], fn == "IS_NOT_NULL"));
    }
    if (fn == "IS_DISTINCT") {
      SKEIN_RETURN_IF_ERROR(need(2));
      return internal::MakeIsDistinct(args[0], args[1]);
    }
    if (fn == "LIKE") {
      if (args.size() != 2 && args.size() != 3) return Bad(e, "LIKE expects 2 or 3 arguments");
      return internal::MakeLike(std::move(args));
    }
    if (fn == "IN") {
      if (args.empty()) return Bad(e, "IN without a value");
      return internal::MakeIn(std::move(args));
    }
    if (fn == "BETWEEN") {
      SKEIN_RETURN_IF_ERROR(need(3));
      return internal::MakeBetween(std::move(args));
    }
    if (fn == "CONCAT") {
      return EvalPtr(std::make_shared<ConcatEval>(type, std::move(args)));
    }
    if (fn == "COALESCE" || fn == "IFNULL") {
      return EvalPtr(std::make_shared<CoalesceEval>(type, std::move(args)));
    }
    if (fn == "DEREF") {
      SKEIN_RETURN_IF_ERROR(need(2));
      const Value* name = args[1]->constant();
      if (args[0]->type().kind() != TypeKind::kStruct || name == nullptr ||
          name->kind() != TypeKind::kString) {
        return Bad(e, "DEREF needs a STRUCT and a field name literal");
      }
      int field = args[0]->type().FieldIndex(name->str());
      if (field < 0) return Bad(e, absl::StrCat("unknown struct field ", name->str()));
      return EvalPtr(std::make_shared<DerefEval>(type, args[0], field));
    }
    if (fn == "SUBSCRIPT") {
      SKEIN_RETURN_IF_ERROR(need(2));
      TypeKind base = args[0]->type().kind();
      if (base != TypeKind::kArray && base != TypeKind::kMap) {
        return Bad(e, "SUBSCRIPT of a value that is not an ARRAY or MAP");
      }
      return EvalPtr(
          std::make_shared<SubscriptEval>(type, args[0], args[1], base == TypeKind::kMap));
    }
    if (fn == "ARRAY" || fn == "MAP" || fn == "STRUCT") {
      if (fn == "MAP" && args.size() % 2 != 0) return Bad(e, "MAP needs key/value pairs");
      if (fn == "STRUCT" && args.size() != type.num_fields()) {
        return Bad(e, "STRUCT arguments do not match the result type's fields");
      }
      return EvalPtr(std::make_shared<ConstructorEval>(type, std::move(args)));
    }

    CallInfo info;
    info.result_type = type;
    for (int i = 0; i < e.call().args_size(); ++i) {
      info.arg_types.push_back(args[i]->type());
      info.arg_is_null_type.push_back(e.call().args(i).type().kind() ==
                                      skein::v1::TYPE_KIND_UNSPECIFIED);
      const Value* c = args[i]->constant();
      info.constant_args.push_back(c ? std::optional<Value>(*c) : std::nullopt);
    }
    absl::StatusOr<BoundScalar> bound = registry_.BindScalar(fn, &info);
    if (!bound.ok()) {
      return Bad(e, absl::StrCat(fn, ": ", bound.status().message()));
    }
    return EvalPtr(std::make_shared<CallEval>(type, *bound, std::move(info), std::move(args)));
  }

  int row_width_;
  const FunctionRegistry& registry_;
  uint32_t lambda_depth_ = 0;
};

}  // namespace

absl::StatusOr<CompiledExpr> CompiledExpr::Compile(const skein::v1::Expr& expr, int row_width,
                                                   const FunctionRegistry& registry) {
  Compiler compiler(row_width, registry);
  SKEIN_ASSIGN_OR_RETURN(EvalPtr root, compiler.Compile(expr));
  return CompiledExpr(std::move(root), expr.text());
}

}  // namespace skein::runtime
