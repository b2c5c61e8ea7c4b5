#include "expr_analyzer.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "skein/common/status.h"
#include "skein/compiler/compiler.h"
#include "skein/functions/operators.h"
#include "skein/functions/registry.h"
#include "skein/sql/printer.h"
#include "skein/types/cast.h"
#include "skein/types/decimal.h"

namespace skein::compiler {

using types::SqlType;
using types::TypeKind;

absl::Status ErrorAt(const sql::SourcePos& pos, const std::string& message) {
  if (pos.line <= 0) return absl::InvalidArgumentError(message);
  return absl::InvalidArgumentError(
      absl::StrCat("line ", pos.line, ":", pos.column, ": ", message));
}

v1::Expr ColumnExpr(uint32_t index, const SqlType& type, const std::string& text) {
  v1::Expr e;
  *e.mutable_type() = TypeToProto(type);
  e.set_column(index);
  e.set_text(text);
  return e;
}

absl::StatusOr<SqlType> ResolveType(const sql::DataType& t) {
  switch (t.kind) {
    case sql::TypeKind::kBoolean:
      return SqlType::Boolean();
    case sql::TypeKind::kInt:
      return SqlType::Integer();
    case sql::TypeKind::kBigInt:
      return SqlType::Bigint();
    case sql::TypeKind::kDouble:
      return SqlType::Double();
    case sql::TypeKind::kString:
      return SqlType::String();
    case sql::TypeKind::kBytes:
      return SqlType::Bytes();
    case sql::TypeKind::kTimestamp:
      return SqlType::Timestamp();
    case sql::TypeKind::kDate:
      return SqlType::Date();
    case sql::TypeKind::kTime:
      return SqlType::Time();
    case sql::TypeKind::kDecimal: {
      absl::Status s = types::ValidateDecimal(t.precision, t.scale);
      if (!s.ok()) return ErrorAt(t.pos, std::string(s.message()));
      return SqlType::Decimal(t.precision, t.scale);
    }
    case sql::TypeKind::kArray: {
      SKEIN_ASSIGN_OR_RETURN(SqlType e, ResolveType(*t.element));
      return SqlType::Array(e);
    }
    case sql::TypeKind::kMap: {
      SKEIN_ASSIGN_OR_RETURN(SqlType k, ResolveType(*t.key));
      SKEIN_ASSIGN_OR_RETURN(SqlType v, ResolveType(*t.element));
      return SqlType::Map(k, v);
    }
    case sql::TypeKind::kStruct: {
      std::vector<std::pair<std::string, SqlType>> fields;
      for (const auto& f : t.fields) {
        SKEIN_ASSIGN_OR_RETURN(SqlType ft, ResolveType(*f.type));
        fields.emplace_back(f.name, ft);
      }
      return SqlType::Struct(fields);
    }
    case sql::TypeKind::kCustom:
      break;
  }
  if (absl::AsciiStrToUpper(t.name) == "NULL") {
    // NULL is a literal, not a type: ksqlDB's grammar rejects it as a syntax error.
    return ErrorAt(t.pos, "Syntax Error\nunexpected 'NULL' — expected a type");
  }
  return ErrorAt(t.pos, absl::StrCat("Unknown type: ", t.name));
}

namespace {

TypedExpr Typed(v1::Expr e, std::optional<SqlType> t) {
  if (t) *e.mutable_type() = TypeToProto(*t);
  return TypedExpr{std::move(e), std::move(t)};
}

v1::Expr Call(const std::string& fn, std::vector<v1::Expr> args, const SqlType& type,
              const std::string& text) {
  v1::Expr e;
  *e.mutable_type() = TypeToProto(type);
  auto* call = e.mutable_call();
  call->set_function(fn);
  for (auto& a : args) *call->add_args() = std::move(a);
  e.set_text(text);
  return e;
}

v1::Expr StringLiteral(const std::string& s) {
  v1::Expr e;
  *e.mutable_type() = TypeToProto(SqlType::String());
  e.mutable_literal()->set_string_value(s);
  e.set_text(sql::FormatStringLiteral(s));
  return e;
}

std::string TypeName(const std::optional<SqlType>& t) { return t ? t->ToString() : "NULL"; }

absl::StatusOr<SqlType> DecimalLiteralType(const std::string& text) {
  int digits = 0, scale = 0;
  bool after_dot = false, leading = true;
  for (char c : text) {
    if (c == '.') {
      after_dot = true;
      continue;
    }
    if (c < '0' || c > '9') continue;
    if (after_dot) ++scale;
    if (leading && c == '0' && !after_dot) continue;
    leading = false;
    ++digits;
  }
  // Leading zeros after the dot do not count as significant digits (BigDecimal precision).
  int significant = 0;
  bool seen_nonzero = false;
  for (char c : text) {
    if (c < '0' || c > '9') continue;
    if (c != '0') seen_nonzero = true;
    if (seen_nonzero) ++significant;
  }
  (void)digits;
  const int precision = std::max({significant, scale, 1});
  SKEIN_RETURN_IF_ERROR(types::ValidateDecimal(precision, scale));
  return SqlType::Decimal(precision, scale);
}

// `message` without the "line L:C: " prefix ErrorAt adds.
std::string StripPosition(absl::string_view message) {
  if (absl::StartsWith(message, "line ")) {
    const size_t colon = message.find(": ");
    if (colon != absl::string_view::npos) message.remove_prefix(colon + 2);
  }
  return std::string(message);
}

bool IsScalarLiteral(const sql::Expr& e) {
  switch (e.kind) {
    case sql::ExprKind::kBooleanLiteral:
    case sql::ExprKind::kIntegerLiteral:
    case sql::ExprKind::kBigIntLiteral:
    case sql::ExprKind::kDecimalLiteral:
    case sql::ExprKind::kDoubleLiteral:
    case sql::ExprKind::kStringLiteral:
      return true;
    default:
      return false;
  }
}

}  // namespace

absl::StatusOr<v1::Expr> CoerceStringLiteral(const TypedExpr& literal, const std::string& text,
                                             const SqlType& target) {
  auto cast = [](v1::Expr operand, const SqlType& to) {
    v1::Expr c;
    *c.mutable_type() = TypeToProto(to);
    c.set_text(operand.text());
    *c.mutable_cast()->mutable_operand() = std::move(operand);
    return c;
  };
  bool ok = true;
  bool via_double = false;
  switch (target.kind()) {
    case TypeKind::kBoolean: {
      // ksqlDB accepts any non-empty prefix of TRUE/YES/FALSE/NO, in any case ('tr', 'Y').
      const std::string lower = absl::AsciiStrToLower(text);
      auto prefix_of = [&](absl::string_view word) {
        return !lower.empty() && absl::StartsWith(word, lower);
      };
      const bool is_true = prefix_of("true") || prefix_of("yes");
      if (is_true || prefix_of("false") || prefix_of("no")) {
        v1::Expr b;
        *b.mutable_type() = TypeToProto(SqlType::Boolean());
        b.set_text(literal.expr.text());
        b.mutable_literal()->set_bool_value(is_true);
        return b;
      }
      ok = false;
      break;
    }
    case TypeKind::kInteger:
    case TypeKind::kBigint:
    case TypeKind::kDouble:
    case TypeKind::kDecimal:
      ok = types::CastValue(types::Value::String(text), SqlType::String(), target).ok();
      if (!ok && target.kind() != TypeKind::kDouble && target.kind() != TypeKind::kDecimal) {
        // An exponent form of an integral number, e.g. '2e1'.
        absl::StatusOr<double> d = types::ParseDouble(text);
        via_double = d.ok() && std::isfinite(*d) && std::trunc(*d) == *d;
        ok = via_double &&
             types::CastValue(types::Value::Double(*d), SqlType::Double(), target).ok();
      }
      break;
    default:
      break;
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat("invalid input syntax for type ",
                                                   std::string(types::TypeKindName(target.kind())),
                                                   ": \"", text, "\"."));
  }
  if (via_double) return cast(cast(literal.expr, SqlType::Double()), target);
  return cast(literal.expr, target);
}

absl::StatusOr<v1::Expr> CoerceTo(const TypedExpr& e, const SqlType& target) {
  if (!e.type) {
    v1::Expr out;
    *out.mutable_type() = TypeToProto(target);
    out.mutable_literal()->set_null_value(true);
    out.set_text("NULL");
    return out;
  }
  if (*e.type == target) return e.expr;
  if (!types::CanImplicitlyCast(*e.type, target)) {
    return absl::InvalidArgumentError(
        absl::StrCat("Cannot implicitly cast ", e.type->ToString(), " to ", target.ToString()));
  }
  v1::Expr out;
  *out.mutable_type() = TypeToProto(target);
  *out.mutable_cast()->mutable_operand() = e.expr;
  out.set_text(e.expr.text());
  return out;
}

absl::StatusOr<TypedExpr> ExprAnalyzer::Analyze(const sql::Expr& expr) {
  return AnalyzeNode(expr, /*top_level=*/true);
}

absl::StatusOr<TypedExpr> ExprAnalyzer::Literal(const sql::Expr& e) {
  v1::Expr out;
  out.set_text(sql::ExprToSql(e));
  auto* lit = out.mutable_literal();
  switch (e.kind) {
    case sql::ExprKind::kNullLiteral:
      lit->set_null_value(true);
      return Typed(std::move(out), std::nullopt);
    case sql::ExprKind::kBooleanLiteral:
      lit->set_bool_value(e.bool_value);
      return Typed(std::move(out), SqlType::Boolean());
    case sql::ExprKind::kIntegerLiteral:
      lit->set_int_value(static_cast<int32_t>(e.int_value));
      return Typed(std::move(out), SqlType::Integer());
    case sql::ExprKind::kBigIntLiteral:
      lit->set_bigint_value(e.int_value);
      return Typed(std::move(out), SqlType::Bigint());
    case sql::ExprKind::kDoubleLiteral:
      lit->set_double_value(e.double_value);
      return Typed(std::move(out), SqlType::Double());
    case sql::ExprKind::kDecimalLiteral: {
      auto t = DecimalLiteralType(e.text);
      if (!t.ok()) return ErrorAt(e.pos, std::string(t.status().message()));
      lit->set_decimal_value(e.text);
      return Typed(std::move(out), *t);
    }
    case sql::ExprKind::kStringLiteral:
      lit->set_string_value(e.text);
      return Typed(std::move(out), SqlType::String());
    default:
      break;
  }
  return ErrorAt(e.pos, "unexpected literal");
}

absl::StatusOr<TypedExpr> ExprAnalyzer::Column(const sql::Expr& e) {
  const ScopeColumn* found = nullptr;
  for (const auto& c : *scope_) {
    if (c.name != e.text) continue;
    if (!e.qualifier.empty() && !c.qualifier.empty() && c.qualifier != e.qualifier) continue;
    found = &c;
    break;
  }
  // Scopes over several sources (joins): a qualifier must name one of them, and an unqualified
  // name must not be a column of more than one (pseudo columns excepted).
  std::vector<std::string> qualifiers;
  std::vector<std::string> owners;
  for (const auto& c : *scope_) {
    if (c.qualifier.empty()) continue;
    if (std::find(qualifiers.begin(), qualifiers.end(), c.qualifier) == qualifiers.end()) {
      qualifiers.push_back(c.qualifier);
    }
    if (e.qualifier.empty() && c.name == e.text &&
        std::find(owners.begin(), owners.end(), c.qualifier) == owners.end()) {
      owners.push_back(c.qualifier);
    }
  }
  if (qualifiers.size() > 1) {
    if (!e.qualifier.empty() &&
        std::find(qualifiers.begin(), qualifiers.end(), e.qualifier) == qualifiers.end()) {
      return ErrorAt(
          e.pos, absl::StrCat("'", e.qualifier, "' is not a valid stream/table name or alias."));
    }
    const bool pseudo = e.text == "ROWTIME" || e.text == "ROWPARTITION" || e.text == "ROWOFFSET" ||
                        e.text == "WINDOWSTART" || e.text == "WINDOWEND";
    if (owners.size() > 1 && !pseudo && (found == nullptr || !found->qualifier.empty())) {
      std::vector<std::string> options;
      for (const auto& q : owners) options.push_back(absl::StrCat(q, ".", e.text));
      // ksqlDB finds ambiguous columns while preparing the statement, and says so.
      const absl::Status error =
          ErrorAt(e.pos, absl::StrCat("Column '", e.text, "' is ambiguous. Could be ",
                                      absl::StrJoin(options, " or "), "."));
      return absl::InvalidArgumentError(
          absl::StrCat("Exception while preparing statement: ", error.message()));
    }
  }
  if (found == nullptr) {
    std::string name = e.qualifier.empty() ? e.text : absl::StrCat(e.qualifier, ".", e.text);
    return ErrorAt(e.pos, absl::StrCat(clause_, " column '", name, "' cannot be resolved."));
  }
  return Typed(ColumnExpr(found->index, found->type, sql::ExprToSql(e)), found->type);
}

absl::StatusOr<TypedExpr> ExprAnalyzer::AnalyzeNode(const sql::Expr& e, bool top_level) {
  if (substitute_) {
    SKEIN_ASSIGN_OR_RETURN(std::optional<TypedExpr> sub, substitute_(e));
    if (sub) return *std::move(sub);
  }
  const std::string text = sql::ExprToSql(e);
  auto child = [&](size_t i) { return AnalyzeNode(*e.children[i], false); };
  auto bool_operand = [&](const TypedExpr& t, const sql::Expr& src) -> absl::StatusOr<v1::Expr> {
    if (t.type && t.type->kind() != TypeKind::kBoolean) {
      return ErrorAt(src.pos,
                     absl::StrCat("Type error in ", clause_, " expression: ", sql::ExprToSql(src),
                                  " should be BOOLEAN but is ", t.type->ToString()));
    }
    return CoerceTo(t, SqlType::Boolean());
  };
  auto negate = [&](TypedExpr t) {
    if (!e.negated) return t;
    v1::Expr n = Call("NOT", {t.expr}, SqlType::Boolean(), text);
    return Typed(std::move(n), SqlType::Boolean());
  };
  switch (e.kind) {
    case sql::ExprKind::kNullLiteral:
    case sql::ExprKind::kBooleanLiteral:
    case sql::ExprKind::kIntegerLiteral:
    case sql::ExprKind::kBigIntLiteral:
    case sql::ExprKind::kDecimalLiteral:
    case sql::ExprKind::kDoubleLiteral:
    case sql::ExprKind::kStringLiteral:
      return Literal(e);
    case sql::ExprKind::kColumnRef:
      return Column(e);
    case sql::ExprKind::kDereference: {
      SKEIN_ASSIGN_OR_RETURN(TypedExpr base, child(0));
      if (!base.type || base.type->kind() != TypeKind::kStruct) {
        return ErrorAt(e.pos, absl::StrCat("Can't dereference field '", e.text, "' of ",
                                           TypeName(base.type), ": expected a STRUCT"));
      }
      const int idx = base.type->FieldIndex(e.text);
      if (idx < 0) {
        return ErrorAt(e.pos, absl::StrCat("Could not find field '", e.text, "' in '",
                                           sql::ExprToSql(*e.children[0]), "'."));
      }
      SqlType ft = base.type->field_type(static_cast<size_t>(idx));
      return Typed(Call("DEREF", {base.expr, StringLiteral(e.text)}, ft, text), ft);
    }
    case sql::ExprKind::kSubscript: {
      SKEIN_ASSIGN_OR_RETURN(TypedExpr base, child(0));
      SKEIN_ASSIGN_OR_RETURN(TypedExpr index, child(1));
      if (base.type && base.type->kind() == TypeKind::kArray) {
        auto i = CoerceTo(index, SqlType::Integer());
        if (!i.ok()) return ErrorAt(e.children[1]->pos, "Array index must be an INTEGER");
        SqlType et = base.type->element();
        return Typed(Call("SUBSCRIPT", {base.expr, *i}, et, text), et);
      }
      if (base.type && base.type->kind() == TypeKind::kMap) {
        auto k = CoerceTo(index, base.type->key());
        if (!k.ok()) return ErrorAt(e.children[1]->pos, "Map key has the wrong type");
        SqlType vt = base.type->value();
        return Typed(Call("SUBSCRIPT", {base.expr, *k}, vt, text), vt);
      }
      return ErrorAt(e.pos,
                     absl::StrCat("Subscript expected ARRAY or MAP but got ", TypeName(base.type)));
    }
    case sql::ExprKind::kUnary: {
      SKEIN_ASSIGN_OR_RETURN(TypedExpr operand, child(0));
      if (e.unary_op == sql::UnaryOp::kNot) {
        SKEIN_ASSIGN_OR_RETURN(v1::Expr b, bool_operand(operand, *e.children[0]));
        return Typed(Call("NOT", {b}, SqlType::Boolean(), text), SqlType::Boolean());
      }
      if (operand.type && !operand.type->IsNumeric()) {
        return ErrorAt(e.pos, absl::StrCat("Unsupported arithmetic type for unary ",
                                           e.unary_op == sql::UnaryOp::kMinus ? "minus" : "plus",
                                           ": ", operand.type->ToString()));
      }
      if (e.unary_op == sql::UnaryOp::kPlus) return operand;
      SqlType t = operand.type ? *operand.type : SqlType::Integer();
      SKEIN_ASSIGN_OR_RETURN(v1::Expr o, CoerceTo(operand, t));
      return Typed(Call("NEG", {o}, t, text), t);
    }
    case sql::ExprKind::kBinary:
      return Binary(e);
    case sql::ExprKind::kIsNull: {
      SKEIN_ASSIGN_OR_RETURN(TypedExpr operand, child(0));
      v1::Expr arg = operand.expr;
      if (!operand.type) arg = *CoerceTo(operand, SqlType::String());
      return Typed(Call(e.negated ? "IS_NOT_NULL" : "IS_NULL", {arg}, SqlType::Boolean(), text),
                   SqlType::Boolean());
    }
    case sql::ExprKind::kIsDistinctFrom: {
      SKEIN_ASSIGN_OR_RETURN(TypedExpr l, child(0));
      SKEIN_ASSIGN_OR_RETURN(TypedExpr r, child(1));
      SqlType t = l.type ? *l.type : (r.type ? *r.type : SqlType::String());
      if (l.type && r.type) {
        auto ct = functions::ComparisonType(functions::ComparisonOp::kIsDistinct, *l.type, *r.type);
        if (!ct) {
          return ErrorAt(e.pos, absl::StrCat("Cannot compare ", l.type->ToString(), " to ",
                                             r.type->ToString(), " with IS_DISTINCT_FROM."));
        }
        t = *ct;
      }
      SKEIN_ASSIGN_OR_RETURN(v1::Expr a, CoerceTo(l, t));
      SKEIN_ASSIGN_OR_RETURN(v1::Expr b, CoerceTo(r, t));
      return negate(
          Typed(Call("IS_DISTINCT", {a, b}, SqlType::Boolean(), text), SqlType::Boolean()));
    }
    case sql::ExprKind::kLike: {
      std::vector<v1::Expr> args;
      for (size_t i = 0; i < 2; ++i) {
        SKEIN_ASSIGN_OR_RETURN(TypedExpr a, child(i));
        if (a.type && a.type->kind() != TypeKind::kString) {
          return ErrorAt(e.children[i]->pos,
                         absl::StrCat("LIKE operands must be STRING, got ", a.type->ToString()));
        }
        args.push_back(*CoerceTo(a, SqlType::String()));
      }
      if (e.escape) args.push_back(StringLiteral(*e.escape));
      return negate(
          Typed(Call("LIKE", std::move(args), SqlType::Boolean(), text), SqlType::Boolean()));
    }
    case sql::ExprKind::kIn:
    case sql::ExprKind::kBetween: {
      std::vector<TypedExpr> items;
      std::optional<SqlType> common;
      for (size_t i = 0; i < e.children.size(); ++i) {
        SKEIN_ASSIGN_OR_RETURN(TypedExpr a, child(i));
        if (a.type) {
          if (!common) {
            common = a.type;
          } else {
            auto c = functions::CommonSuperType(*common, *a.type);
            const sql::Expr& item = *e.children[i];
            // ksqlDB's IN-list coercion: a string literal is parsed as the common type (and a
            // bad literal is rejected now), any literal converts to a STRING common type.
            const std::string predicate = clause_ == "WHERE" ? "Invalid Predicate: " : "";
            if (!c && a.type->kind() == TypeKind::kString &&
                item.kind == sql::ExprKind::kStringLiteral) {
              absl::StatusOr<v1::Expr> parsed = CoerceStringLiteral(a, item.text, *common);
              if (!parsed.ok()) {
                return ErrorAt(item.pos, absl::StrCat(predicate, parsed.status().message()));
              }
              c = common;
            }
            if (!c && e.kind == sql::ExprKind::kIn && common->kind() == TypeKind::kString &&
                IsScalarLiteral(item)) {
              c = common;
            }
            if (!c && e.kind == sql::ExprKind::kIn) {
              // A constructor is built as the common type when its elements fit it.
              absl::StatusOr<std::optional<v1::Expr>> built = CoerceConstructor(item, *common);
              if (!built.ok()) {
                return ErrorAt(item.pos,
                               absl::StrCat(predicate, StripPosition(built.status().message())));
              }
              if (*built) {
                a = TypedExpr{**built, *common};
                c = common;
              }
            }
            if (!c) {
              return ErrorAt(
                  e.children[i]->pos,
                  absl::StrCat(predicate, "operator does not exist: ", common->ToString(), " = ",
                               a.type->ToString(), " (", sql::ExprToSql(*e.children[i]),
                               ")\nHint: You might need to add explicit type casts."));
            }
            common = c;
          }
        }
        items.push_back(std::move(a));
      }
      const SqlType t = common ? *common : SqlType::String();
      std::vector<v1::Expr> args;
      for (size_t i = 0; i < items.size(); ++i) {
        const TypedExpr& a = items[i];
        if (a.type && *a.type != t && e.children[i]->kind == sql::ExprKind::kStringLiteral) {
          absl::StatusOr<v1::Expr> c = CoerceStringLiteral(a, e.children[i]->text, t);
          if (!c.ok()) return ErrorAt(e.children[i]->pos, std::string(c.status().message()));
          args.push_back(*std::move(c));
          continue;
        }
        if (a.type && *a.type != t &&
            (a.type->kind() == TypeKind::kString || t.kind() == TypeKind::kString)) {
          v1::Expr c;
          *c.mutable_type() = TypeToProto(t);
          *c.mutable_cast()->mutable_operand() = a.expr;
          c.set_text(a.expr.text());
          args.push_back(std::move(c));
          continue;
        }
        SKEIN_ASSIGN_OR_RETURN(v1::Expr c, CoerceTo(a, t));
        args.push_back(std::move(c));
      }
      const char* fn = e.kind == sql::ExprKind::kIn ? "IN" : "BETWEEN";
      return negate(Typed(Call(fn, std::move(args), SqlType::Boolean(), text), SqlType::Boolean()));
    }
    case sql::ExprKind::kCase:
      return CaseExpr(e);
    case sql::ExprKind::kCast: {
      SKEIN_ASSIGN_OR_RETURN(TypedExpr operand, child(0));
      SKEIN_ASSIGN_OR_RETURN(SqlType target, ResolveType(*e.type));
      if (operand.type) {
        absl::Status s = types::CheckCast(*operand.type, target);
        if (!s.ok()) {
          const char* prefix = clause_ == "SELECT"  ? "Invalid Select: "
                               : clause_ == "WHERE" ? "Invalid Predicate: "
                                                    : "";
          return ErrorAt(e.pos, absl::StrCat(prefix, s.message()));
        }
      }
      v1::Expr out;
      *out.mutable_type() = TypeToProto(target);
      *out.mutable_cast()->mutable_operand() =
          operand.type ? operand.expr : *CoerceTo(operand, target);
      out.set_text(text);
      return Typed(std::move(out), target);
    }
    case sql::ExprKind::kFunctionCall:
      return Function(e, top_level);
    case sql::ExprKind::kLambda:
      return absl::UnimplementedError(
          ErrorAt(e.pos, "lambda expressions are not supported yet").message());
    case sql::ExprKind::kArray:
    case sql::ExprKind::kMap:
    case sql::ExprKind::kStruct:
      return Constructor(e);
  }
  return ErrorAt(e.pos, "unsupported expression");
}

}  // namespace skein::compiler
