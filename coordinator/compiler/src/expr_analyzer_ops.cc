// Operators, function calls, CASE and constructors of ExprAnalyzer (see expr_analyzer.h).

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "expr_analyzer.h"
#include "skein/common/status.h"
#include "skein/compiler/compiler.h"
#include "skein/functions/operators.h"
#include "skein/functions/registry.h"
#include "skein/sql/printer.h"
#include "skein/types/cast.h"

namespace skein::compiler {

using types::SqlType;
using types::TypeKind;

namespace {

v1::Expr MakeCall(const std::string& fn, std::vector<v1::Expr> args, const SqlType& type,
                  const std::string& text) {
  v1::Expr e;
  *e.mutable_type() = TypeToProto(type);
  auto* call = e.mutable_call();
  call->set_function(fn);
  for (auto& a : args) *call->add_args() = std::move(a);
  e.set_text(text);
  return e;
}

TypedExpr Make(v1::Expr e, SqlType t) { return TypedExpr{std::move(e), std::move(t)}; }

std::optional<functions::ComparisonOp> ComparisonOf(sql::BinaryOp op) {
  switch (op) {
    case sql::BinaryOp::kEqual:
      return functions::ComparisonOp::kEqual;
    case sql::BinaryOp::kNotEqual:
      return functions::ComparisonOp::kNotEqual;
    case sql::BinaryOp::kLess:
      return functions::ComparisonOp::kLess;
    case sql::BinaryOp::kLessOrEqual:
      return functions::ComparisonOp::kLessOrEqual;
    case sql::BinaryOp::kGreater:
      return functions::ComparisonOp::kGreater;
    case sql::BinaryOp::kGreaterOrEqual:
      return functions::ComparisonOp::kGreaterOrEqual;
    default:
      return std::nullopt;
  }
}

const char* OperatorName(sql::BinaryOp op) {
  switch (op) {
    case sql::BinaryOp::kAdd:
      return "+";
    case sql::BinaryOp::kSubtract:
      return "-";
    case sql::BinaryOp::kMultiply:
      return "*";
    case sql::BinaryOp::kDivide:
      return "/";
    case sql::BinaryOp::kModulus:
      return "%";
    case sql::BinaryOp::kEqual:
      return "=";
    case sql::BinaryOp::kNotEqual:
      return "<>";
    case sql::BinaryOp::kLess:
      return "<";
    case sql::BinaryOp::kLessOrEqual:
      return "<=";
    case sql::BinaryOp::kGreater:
      return ">";
    case sql::BinaryOp::kGreaterOrEqual:
      return ">=";
    case sql::BinaryOp::kAnd:
      return "AND";
    case sql::BinaryOp::kOr:
      return "OR";
    case sql::BinaryOp::kConcat:
      return "CONCAT";
  }
  return "?";
}

functions::ArithmeticOp ArithmeticOf(sql::BinaryOp op) {
  switch (op) {
    case sql::BinaryOp::kSubtract:
      return functions::ArithmeticOp::kSubtract;
    case sql::BinaryOp::kMultiply:
      return functions::ArithmeticOp::kMultiply;
    case sql::BinaryOp::kDivide:
      return functions::ArithmeticOp::kDivide;
    case sql::BinaryOp::kModulus:
      return functions::ArithmeticOp::kModulus;
    default:
      return functions::ArithmeticOp::kAdd;
  }
}

}  // namespace

absl::StatusOr<TypedExpr> ExprAnalyzer::Binary(const sql::Expr& e) {
  const std::string text = sql::ExprToSql(e);
  SKEIN_ASSIGN_OR_RETURN(TypedExpr left, AnalyzeNode(*e.children[0], false));
  SKEIN_ASSIGN_OR_RETURN(TypedExpr right, AnalyzeNode(*e.children[1], false));
  if (auto cmp = ComparisonOf(e.binary_op)) {
    (void)cmp;
    return Comparison(e, left, right);
  }
  if (e.binary_op == sql::BinaryOp::kAnd || e.binary_op == sql::BinaryOp::kOr) {
    std::vector<v1::Expr> args;
    for (const TypedExpr* t : {&left, &right}) {
      if (t->type && t->type->kind() != TypeKind::kBoolean) {
        return ErrorAt(e.pos, absl::StrCat("Logical binary expects two boolean values.  Actual ",
                                           left.type ? left.type->ToString() : "NULL", " and ",
                                           right.type ? right.type->ToString() : "NULL"));
      }
      args.push_back(*CoerceTo(*t, SqlType::Boolean()));
    }
    return Make(MakeCall(OperatorName(e.binary_op), std::move(args), SqlType::Boolean(), text),
                SqlType::Boolean());
  }
  if (e.binary_op == sql::BinaryOp::kConcat) {
    for (const TypedExpr* t : {&left, &right}) {
      if (t->type && t->type->kind() != TypeKind::kString) {
        return ErrorAt(e.pos, absl::StrCat("Unsupported concatenation of ", t->type->ToString()));
      }
    }
    return Make(MakeCall("CONCAT",
                         {*CoerceTo(left, SqlType::String()), *CoerceTo(right, SqlType::String())},
                         SqlType::String(), text),
                SqlType::String());
  }
  auto result = functions::ArithmeticResultType(ArithmeticOf(e.binary_op), left.type, right.type);
  if (!result.ok()) {
    const std::string where = clause_ == "WHERE" || clause_ == "HAVING"
                                  ? absl::StrCat("Error in ", clause_, " expression: ")
                                  : "";
    return ErrorAt(e.pos, absl::StrCat(where, "Error processing expression: ", text, ". ",
                                       result.status().message()));
  }
  if (result->kind() == TypeKind::kString) {
    return Make(MakeCall("CONCAT", {left.expr, right.expr}, SqlType::String(), text),
                SqlType::String());
  }
  // Operands are widened to the common operand type (DECIMAL results compute from their own
  // operand decimals; the runtime rescales to the result type).
  SqlType operand_type = *result;
  if (result->kind() == TypeKind::kDecimal) {
    std::vector<v1::Expr> args;
    for (const TypedExpr* t : {&left, &right}) {
      SqlType own = t->type ? *types::AsDecimalType(*t->type) : *result;
      SKEIN_ASSIGN_OR_RETURN(v1::Expr a, CoerceTo(*t, own));
      args.push_back(std::move(a));
    }
    return Make(MakeCall(OperatorName(e.binary_op), std::move(args), *result, text), *result);
  }
  SKEIN_ASSIGN_OR_RETURN(v1::Expr a, CoerceTo(left, operand_type));
  SKEIN_ASSIGN_OR_RETURN(v1::Expr b, CoerceTo(right, operand_type));
  return Make(MakeCall(OperatorName(e.binary_op), {a, b}, *result, text), *result);
}

absl::StatusOr<TypedExpr> ExprAnalyzer::Comparison(const sql::Expr& e, const TypedExpr& left,
                                                   const TypedExpr& right) {
  const std::string text = sql::ExprToSql(e);
  const auto op = *ComparisonOf(e.binary_op);
  SqlType t = left.type ? *left.type : (right.type ? *right.type : SqlType::String());
  if (!left.type && !right.type) {
    // Two untyped NULLs have no comparison type; ksqlDB rejects them.
    std::string shown = text;
    if (shown.size() > 2 && shown.front() == '(' && shown.back() == ')') {
      shown = shown.substr(1, shown.size() - 2);
    }
    return ErrorAt(e.pos, absl::StrCat("Comparison with NULL not supported: ", shown));
  }
  if (left.type && right.type) {
    auto ct = functions::ComparisonType(op, *left.type, *right.type);
    if (!ct) {
      std::string msg = absl::StrCat("Cannot compare ", sql::ExprToSql(*e.children[0]), " (",
                                     left.type->ToString(), ") to ", sql::ExprToSql(*e.children[1]),
                                     " (", right.type->ToString(), ") with ",
                                     std::string(functions::ComparisonOpName(op)), ".");
      if (clause_ == "WHERE" || clause_ == "HAVING") {
        msg = absl::StrCat("Error in ", clause_, " expression: ", msg);
      }
      return ErrorAt(e.pos, msg);
    }
    t = *ct;
  }
  std::vector<v1::Expr> args;
  for (const TypedExpr* side : {&left, &right}) {
    if (side->type && *side->type != t && side->type->kind() == TypeKind::kString) {
      // A STRING compared with a temporal value is parsed at run time.
      v1::Expr c;
      *c.mutable_type() = TypeToProto(t);
      *c.mutable_cast()->mutable_operand() = side->expr;
      c.set_text(side->expr.text());
      args.push_back(std::move(c));
      continue;
    }
    auto a = CoerceTo(*side, t);
    if (!a.ok()) return ErrorAt(e.pos, std::string(a.status().message()));
    args.push_back(std::move(*a));
  }
  return Make(MakeCall(OperatorName(e.binary_op), std::move(args), SqlType::Boolean(), text),
              SqlType::Boolean());
}

absl::StatusOr<TypedExpr> ExprAnalyzer::Function(const sql::Expr& e, bool top_level) {
  const std::string text = sql::ExprToSql(e);
  std::vector<TypedExpr> args;
  std::vector<functions::ArgType> arg_types;
  for (const auto& c : e.children) {
    SKEIN_ASSIGN_OR_RETURN(TypedExpr a, AnalyzeNode(*c, false));
    arg_types.push_back(a.type);
    args.push_back(std::move(a));
  }
  auto resolved = functions::FunctionRegistry::Default().Resolve(e.text, arg_types);
  if (!resolved.ok()) return ErrorAt(e.pos, std::string(resolved.status().message()));
  if (resolved->kind == functions::FunctionKind::kAggregate && !allow_aggregates_) {
    return absl::UnimplementedError(
        ErrorAt(e.pos, absl::StrCat("aggregate function ", resolved->name,
                                    " is not supported yet (stateless queries only)"))
            .message());
  }
  if (resolved->kind == functions::FunctionKind::kTable) {
    if (!top_level || clause_ != "SELECT") {
      return ErrorAt(e.pos, absl::StrCat("Table functions cannot be nested or used outside the "
                                         "SELECT list: ",
                                         text));
    }
    saw_table_function_ = true;
  }
  std::vector<v1::Expr> coerced;
  for (size_t i = 0; i < args.size(); ++i) {
    auto c = CoerceTo(args[i], resolved->param_types[i]);
    if (!c.ok()) return ErrorAt(e.children[i]->pos, std::string(c.status().message()));
    coerced.push_back(std::move(*c));
  }
  return Make(MakeCall(resolved->name, std::move(coerced), resolved->return_type, text),
              resolved->return_type);
}

absl::StatusOr<TypedExpr> ExprAnalyzer::CaseExpr(const sql::Expr& e) {
  const std::string text = sql::ExprToSql(e);
  std::optional<TypedExpr> operand;
  if (e.operand) {
    SKEIN_ASSIGN_OR_RETURN(TypedExpr o, AnalyzeNode(*e.operand, false));
    operand = std::move(o);
  }
  std::vector<v1::Expr> whens;
  std::vector<TypedExpr> thens;
  std::optional<SqlType> result;
  auto unify = [&](const TypedExpr& t, const sql::Expr& src) -> absl::Status {
    if (!t.type) return absl::OkStatus();
    if (!result) {
      result = t.type;
      return absl::OkStatus();
    }
    auto c = functions::CommonSuperType(*result, *t.type);
    if (!c) {
      return ErrorAt(src.pos, absl::StrCat("Invalid Case expression. Type for all 'THEN' clauses "
                                           "should be the same.\nTHEN expression '",
                                           sql::ExprToSql(src), "' has type: ", t.type->ToString(),
                                           ".\nPrevious THEN expression(s) "
                                           "type: ",
                                           result->ToString(), "."));
    }
    result = c;
    return absl::OkStatus();
  };
  for (size_t i = 0; i + 1 < e.children.size(); i += 2) {
    SKEIN_ASSIGN_OR_RETURN(TypedExpr w, AnalyzeNode(*e.children[i], false));
    if (operand) {
      sql::Expr eq;  // only its text/pos matter for messages
      eq.pos = e.children[i]->pos;
      eq.binary_op = sql::BinaryOp::kEqual;
      eq.kind = sql::ExprKind::kBinary;
      SqlType t = operand->type ? *operand->type : (w.type ? *w.type : SqlType::String());
      if (operand->type && w.type) {
        auto ct =
            functions::ComparisonType(functions::ComparisonOp::kEqual, *operand->type, *w.type);
        if (!ct) return ErrorAt(e.children[i]->pos, "CASE operand and WHEN value do not compare");
        t = *ct;
      }
      SKEIN_ASSIGN_OR_RETURN(v1::Expr a, CoerceTo(*operand, t));
      SKEIN_ASSIGN_OR_RETURN(v1::Expr b, CoerceTo(w, t));
      whens.push_back(MakeCall("=", {a, b}, SqlType::Boolean(),
                               absl::StrCat("(", a.text(), " = ", b.text(), ")")));
    } else {
      if (w.type && w.type->kind() != TypeKind::kBoolean) {
        return ErrorAt(e.children[i]->pos,
                       absl::StrCat("WHEN operand type should be boolean.\nType for '",
                                    sql::ExprToSql(*e.children[i]), "' is ", w.type->ToString()));
      }
      whens.push_back(*CoerceTo(w, SqlType::Boolean()));
    }
    SKEIN_ASSIGN_OR_RETURN(TypedExpr th, AnalyzeNode(*e.children[i + 1], false));
    SKEIN_RETURN_IF_ERROR(unify(th, *e.children[i + 1]));
    thens.push_back(std::move(th));
  }
  std::optional<TypedExpr> else_expr;
  if (e.else_result) {
    SKEIN_ASSIGN_OR_RETURN(TypedExpr el, AnalyzeNode(*e.else_result, false));
    SKEIN_RETURN_IF_ERROR(unify(el, *e.else_result));
    else_expr = std::move(el);
  }
  if (!result) {
    return ErrorAt(e.pos, "Invalid Case expression. All case branches have NULL type");
  }
  const SqlType t = *result;
  v1::Expr out;
  *out.mutable_type() = TypeToProto(t);
  out.set_text(text);
  auto* c = out.mutable_case_expr();
  for (auto& w : whens) *c->add_when() = std::move(w);
  for (auto& th : thens) {
    SKEIN_ASSIGN_OR_RETURN(v1::Expr x, CoerceTo(th, t));
    *c->add_then() = std::move(x);
  }
  if (else_expr) {
    SKEIN_ASSIGN_OR_RETURN(v1::Expr x, CoerceTo(*else_expr, t));
    *c->mutable_else_expr() = std::move(x);
  }
  return Make(std::move(out), t);
}

absl::StatusOr<TypedExpr> ExprAnalyzer::Constructor(const sql::Expr& e) {
  const std::string text = sql::ExprToSql(e);
  std::vector<TypedExpr> items;
  for (const auto& c : e.children) {
    SKEIN_ASSIGN_OR_RETURN(TypedExpr a, AnalyzeNode(*c, false));
    items.push_back(std::move(a));
  }
  if (e.kind == sql::ExprKind::kStruct) {
    for (size_t i = 0; i < e.names.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (e.names[i] == e.names[j]) {
          return ErrorAt(e.pos, absl::StrCat("Duplicate field names found in STRUCT: '",
                                             sql::ExprToSql(e), "'"));
        }
      }
    }
    std::vector<std::pair<std::string, SqlType>> fields;
    std::vector<v1::Expr> args;
    for (size_t i = 0; i < items.size(); ++i) {
      SqlType t = items[i].type ? *items[i].type : SqlType::String();
      fields.emplace_back(e.names[i], t);
      args.push_back(*CoerceTo(items[i], t));
    }
    SqlType st = SqlType::Struct(fields);
    return Make(MakeCall("STRUCT", std::move(args), st, text), st);
  }
  // ARRAY: all elements; MAP: keys at even and values at odd positions.
  const size_t stride = e.kind == sql::ExprKind::kMap ? 2 : 1;
  if (items.empty()) {
    return ErrorAt(e.pos, stride == 2
                              ? "Map constructor cannot be empty. Please supply at least one key "
                                "value pair (see https://github.com/confluentinc/ksql/issues/4239)."
                              : "Array constructor cannot be empty. Please supply at least one "
                                "element (see https://github.com/confluentinc/ksql/issues/4239).");
  }
  // String literals take the type of the other elements (ksqlDB parses them as that type), so
  // they are left out of the common type unless nothing else is typed.
  auto is_string_literal = [&](size_t i) {
    return e.children[i]->kind == sql::ExprKind::kStringLiteral;
  };
  std::vector<std::optional<SqlType>> common(stride);
  for (size_t i = 0; i < items.size(); ++i) {
    auto& c = common[i % stride];
    if (!items[i].type || is_string_literal(i)) continue;
    if (!c) {
      c = items[i].type;
      continue;
    }
    auto s = functions::CommonSuperType(*c, *items[i].type);
    if (!s) {
      return ErrorAt(e.children[i]->pos,
                     absl::StrCat("invalid input syntax for type ", c->ToString(), ": \"",
                                  sql::ExprToSql(*e.children[i]), "\"."));
    }
    c = s;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (is_string_literal(i) && !common[i % stride]) common[i % stride] = SqlType::String();
  }
  if (!common[0] || (stride == 2 && !common[1])) {
    if (stride == 1) {
      return ErrorAt(e.pos,
                     "Cannot construct an array with all NULL elements (see "
                     "https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may "
                     "cast a NULL value to the desired type.");
    }
    const char* what = common[0] ? "values" : "keys";
    const char* one = common[0] ? "value" : "key";
    return ErrorAt(e.pos, absl::StrCat("Cannot construct a map with all NULL ", what,
                                       " (see https://github.com/confluentinc/ksql/issues/4239). "
                                       "As a workaround, you may cast a NULL ",
                                       one, " to the desired type."));
  }
  std::vector<v1::Expr> args;
  for (size_t i = 0; i < items.size(); ++i) {
    const SqlType& target = *common[i % stride];
    if (is_string_literal(i) && target.kind() != TypeKind::kString) {
      absl::StatusOr<v1::Expr> a = CoerceStringLiteral(items[i], e.children[i]->text, target);
      if (!a.ok()) return ErrorAt(e.children[i]->pos, std::string(a.status().message()));
      args.push_back(*std::move(a));
      continue;
    }
    SKEIN_ASSIGN_OR_RETURN(v1::Expr a, CoerceTo(items[i], target));
    args.push_back(std::move(a));
  }
  SqlType t = stride == 2 ? SqlType::Map(*common[0], *common[1]) : SqlType::Array(*common[0]);
  return Make(MakeCall(stride == 2 ? "MAP" : "ARRAY", std::move(args), t, text), t);
}

absl::StatusOr<std::optional<v1::Expr>> ExprAnalyzer::CoerceConstructor(const sql::Expr& e,
                                                                        const SqlType& target) {
  using MaybeExpr = std::optional<v1::Expr>;
  auto element = [&](const sql::Expr& x, const SqlType& t) -> absl::StatusOr<MaybeExpr> {
    if (x.kind == sql::ExprKind::kArray || x.kind == sql::ExprKind::kMap ||
        x.kind == sql::ExprKind::kStruct) {
      return CoerceConstructor(x, t);
    }
    SKEIN_ASSIGN_OR_RETURN(TypedExpr a, AnalyzeNode(x, false));
    if (x.kind == sql::ExprKind::kStringLiteral && t.IsPrimitive() &&
        t.kind() != TypeKind::kString) {
      absl::StatusOr<v1::Expr> c = CoerceStringLiteral(a, x.text, t);
      if (!c.ok()) return ErrorAt(x.pos, std::string(c.status().message()));
      return MaybeExpr(*std::move(c));
    }
    if (a.type && !types::CanImplicitlyCast(*a.type, t)) return MaybeExpr();
    absl::StatusOr<v1::Expr> c = CoerceTo(a, t);
    if (!c.ok()) return MaybeExpr();
    return MaybeExpr(*std::move(c));
  };
  const std::string text = sql::ExprToSql(e);
  std::vector<v1::Expr> args;
  if (e.kind == sql::ExprKind::kArray && target.kind() == TypeKind::kArray && !e.children.empty()) {
    for (const auto& c : e.children) {
      SKEIN_ASSIGN_OR_RETURN(MaybeExpr x, element(*c, target.element()));
      if (!x) return MaybeExpr();
      args.push_back(*std::move(x));
    }
    return MaybeExpr(MakeCall("ARRAY", std::move(args), target, text));
  }
  if (e.kind == sql::ExprKind::kMap && target.kind() == TypeKind::kMap && !e.children.empty()) {
    for (size_t i = 0; i < e.children.size(); ++i) {
      SKEIN_ASSIGN_OR_RETURN(MaybeExpr x,
                             element(*e.children[i], i % 2 == 0 ? target.key() : target.value()));
      if (!x) return MaybeExpr();
      args.push_back(*std::move(x));
    }
    return MaybeExpr(MakeCall("MAP", std::move(args), target, text));
  }
  if (e.kind == sql::ExprKind::kStruct && target.kind() == TypeKind::kStruct) {
    for (size_t f = 0; f < target.num_fields(); ++f) {
      auto it = std::find(e.names.begin(), e.names.end(), target.field_name(f));
      if (it == e.names.end()) {
        sql::Expr null_literal;
        null_literal.kind = sql::ExprKind::kNullLiteral;
        SKEIN_ASSIGN_OR_RETURN(TypedExpr n, AnalyzeNode(null_literal, false));
        SKEIN_ASSIGN_OR_RETURN(v1::Expr typed, CoerceTo(n, target.field_type(f)));
        args.push_back(std::move(typed));
        continue;
      }
      const size_t i = static_cast<size_t>(it - e.names.begin());
      SKEIN_ASSIGN_OR_RETURN(MaybeExpr x, element(*e.children[i], target.field_type(f)));
      if (!x) return MaybeExpr();
      args.push_back(*std::move(x));
    }
    for (size_t i = 0; i < e.names.size(); ++i) {
      if (target.FieldIndex(e.names[i]) < 0) {
        SKEIN_RETURN_IF_ERROR(AnalyzeNode(*e.children[i], false).status());  // still checked
      }
    }
    return MaybeExpr(MakeCall("STRUCT", std::move(args), target, text));
  }
  return MaybeExpr();
}

}  // namespace skein::compiler
