// Expression and type grammar. Precedence, loosest first:
//   OR < AND < NOT < predicates (comparison, IS, LIKE, IN, BETWEEN) < || < + - < * / % <
//   unary - + < postfix ([], ->) < primary.

#include <cerrno>
#include <cstdlib>
#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "parser_internal.h"
#include "skein/common/status.h"

namespace skein::sql::internal {
namespace {

ExprPtr MakeExpr(ExprKind kind, SourcePos pos) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->pos = pos;
  return e;
}

ExprPtr MakeBinary(BinaryOp op, ExprPtr left, ExprPtr right) {
  auto e = MakeExpr(ExprKind::kBinary, left->pos);
  e->binary_op = op;
  e->children.push_back(std::move(left));
  e->children.push_back(std::move(right));
  return e;
}

// Leaves the nesting level entered by a successful Parser::Enter().
class DepthScope {
 public:
  explicit DepthScope(Parser* p) : p_(p) {}
  ~DepthScope() { p_->Leave(); }
  DepthScope(const DepthScope&) = delete;
  DepthScope& operator=(const DepthScope&) = delete;

 private:
  Parser* p_;
};

}  // namespace

absl::StatusOr<ExprPtr> Parser::ParseExpr() {
  SKEIN_RETURN_IF_ERROR(Enter());
  DepthScope scope(this);
  return ParseOr();
}

absl::StatusOr<ExprPtr> Parser::ParseValueExpr() {
  SKEIN_RETURN_IF_ERROR(Enter());
  DepthScope scope(this);
  return ParseConcat();
}

absl::StatusOr<ExprPtr> Parser::ParseOr() {
  SKEIN_ASSIGN_OR_RETURN(ExprPtr left, ParseAnd());
  while (AcceptKeyword("OR")) {
    SKEIN_ASSIGN_OR_RETURN(ExprPtr right, ParseAnd());
    left = MakeBinary(BinaryOp::kOr, std::move(left), std::move(right));
  }
  return left;
}

absl::StatusOr<ExprPtr> Parser::ParseAnd() {
  SKEIN_ASSIGN_OR_RETURN(ExprPtr left, ParseNot());
  while (AcceptKeyword("AND")) {
    SKEIN_ASSIGN_OR_RETURN(ExprPtr right, ParseNot());
    left = MakeBinary(BinaryOp::kAnd, std::move(left), std::move(right));
  }
  return left;
}

absl::StatusOr<ExprPtr> Parser::ParseNot() {
  if (PeekKeyword("NOT")) {
    SourcePos pos = Next().pos;
    SKEIN_RETURN_IF_ERROR(Enter());
    DepthScope scope(this);
    SKEIN_ASSIGN_OR_RETURN(ExprPtr operand, ParseNot());
    auto e = MakeExpr(ExprKind::kUnary, pos);
    e->unary_op = UnaryOp::kNot;
    e->children.push_back(std::move(operand));
    return e;
  }
  return ParsePredicate();
}

absl::StatusOr<ExprPtr> Parser::ParsePredicate() {
  SKEIN_ASSIGN_OR_RETURN(ExprPtr value, ParseConcat());
  const Token& t = Peek();
  if (t.kind == TokenKind::kSymbol) {
    static constexpr std::pair<std::string_view, BinaryOp> kOps[] = {
        {"=", BinaryOp::kEqual},          {"<>", BinaryOp::kNotEqual},
        {"!=", BinaryOp::kNotEqual},      {"<", BinaryOp::kLess},
        {"<=", BinaryOp::kLessOrEqual},   {">", BinaryOp::kGreater},
        {">=", BinaryOp::kGreaterOrEqual}};
    for (const auto& [sym, op] : kOps) {
      if (t.text == sym) {
        Next();
        SKEIN_ASSIGN_OR_RETURN(ExprPtr right, ParseConcat());
        return MakeBinary(op, std::move(value), std::move(right));
      }
    }
    if (t.text == "==") return Unexpected(t, "an operator", "ksqlDB compares with '='");
    return value;
  }
  if (AcceptKeyword("IS")) {
    bool negated = AcceptKeyword("NOT");
    if (AcceptKeyword("NULL")) {
      auto e = MakeExpr(ExprKind::kIsNull, value->pos);
      e->negated = negated;
      e->children.push_back(std::move(value));
      return e;
    }
    if (AcceptKeyword("DISTINCT")) {
      SKEIN_RETURN_IF_ERROR(ExpectKeyword("FROM"));
      SKEIN_ASSIGN_OR_RETURN(ExprPtr right, ParseConcat());
      auto e = MakeExpr(ExprKind::kIsDistinctFrom, value->pos);
      e->negated = negated;
      e->children.push_back(std::move(value));
      e->children.push_back(std::move(right));
      return e;
    }
    return Unexpected(Peek(), negated ? "NULL or DISTINCT FROM" : "NOT, NULL or DISTINCT FROM",
                      "comparing with TRUE/FALSE uses '=', e.g. X = TRUE");
  }
  bool negated = false;
  if (PeekKeyword("NOT") &&
      (PeekKeyword("LIKE", 1) || PeekKeyword("IN", 1) || PeekKeyword("BETWEEN", 1))) {
    Next();
    negated = true;
  }
  if (AcceptKeyword("LIKE")) {
    SKEIN_ASSIGN_OR_RETURN(ExprPtr pattern, ParseConcat());
    auto e = MakeExpr(ExprKind::kLike, value->pos);
    e->negated = negated;
    e->children.push_back(std::move(value));
    e->children.push_back(std::move(pattern));
    if (AcceptKeyword("ESCAPE")) {
      const Token& esc = Peek();
      if (esc.kind != TokenKind::kString || esc.text.size() != 1) {
        return Unexpected(esc, "a one-character string", "write the escape as e.g. ESCAPE '!'");
      }
      e->escape = Next().text;
    }
    return e;
  }
  if (PeekKeyword("IN")) {
    Next();
    const Token& open = Peek();
    SKEIN_RETURN_IF_ERROR(ExpectSymbol("("));
    auto e = MakeExpr(ExprKind::kIn, value->pos);
    e->negated = negated;
    e->children.push_back(std::move(value));
    do {
      SKEIN_ASSIGN_OR_RETURN(ExprPtr item, ParseExpr());
      e->children.push_back(std::move(item));
    } while (AcceptSymbol(","));
    SKEIN_RETURN_IF_ERROR(ExpectClose(open));
    return e;
  }
  if (AcceptKeyword("BETWEEN")) {
    SKEIN_ASSIGN_OR_RETURN(ExprPtr low, ParseConcat());
    SKEIN_RETURN_IF_ERROR(ExpectKeyword("AND"));
    SKEIN_ASSIGN_OR_RETURN(ExprPtr high, ParseConcat());
    auto e = MakeExpr(ExprKind::kBetween, value->pos);
    e->negated = negated;
    e->children.push_back(std::move(value));
    e->children.push_back(std::move(low));
    e->children.push_back(std::move(high));
    return e;
  }
  return value;
}

absl::StatusOr<ExprPtr> Parser::ParseConcat() {
  SKEIN_ASSIGN_OR_RETURN(ExprPtr left, ParseAdditive());
  while (AcceptSymbol("||")) {
    SKEIN_ASSIGN_OR_RETURN(ExprPtr right, ParseAdditive());
    left = MakeBinary(BinaryOp::kConcat, std::move(left), std::move(right));
  }
  return left;
}

absl::StatusOr<ExprPtr> Parser::ParseAdditive() {
  SKEIN_ASSIGN_OR_RETURN(ExprPtr left, ParseMultiplicative());
  while (PeekSymbol("+") || PeekSymbol("-")) {
    BinaryOp op = Next().text == "+" ? BinaryOp::kAdd : BinaryOp::kSubtract;
    SKEIN_ASSIGN_OR_RETURN(ExprPtr right, ParseMultiplicative());
    left = MakeBinary(op, std::move(left), std::move(right));
  }
  return left;
}

absl::StatusOr<ExprPtr> Parser::ParseMultiplicative() {
  SKEIN_ASSIGN_OR_RETURN(ExprPtr left, ParseUnary());
  while (PeekSymbol("*") || PeekSymbol("/") || PeekSymbol("%")) {
    const std::string& sym = Next().text;
    BinaryOp op = sym == "*"   ? BinaryOp::kMultiply
                  : sym == "/" ? BinaryOp::kDivide
                               : BinaryOp::kModulus;
    SKEIN_ASSIGN_OR_RETURN(ExprPtr right, ParseUnary());
    left = MakeBinary(op, std::move(left), std::move(right));
  }
  return left;
}

absl::StatusOr<ExprPtr> Parser::ParseUnary() {
  if (PeekSymbol("-") || PeekSymbol("+")) {
    const Token& sign = Next();
    bool minus = sign.text == "-";
    const Token& next = Peek();
    // `-5` is a negative literal (so -2147483648 is an INT), not a negation of 5.
    if (minus && (next.kind == TokenKind::kInteger || next.kind == TokenKind::kDecimal ||
                  next.kind == TokenKind::kDouble)) {
      const Token& number = Next();
      return ParseNumber(number, /*negative=*/true, sign.pos);
    }
    SKEIN_RETURN_IF_ERROR(Enter());
    DepthScope scope(this);
    SKEIN_ASSIGN_OR_RETURN(ExprPtr operand, ParseUnary());
    auto e = MakeExpr(ExprKind::kUnary, sign.pos);
    e->unary_op = minus ? UnaryOp::kMinus : UnaryOp::kPlus;
    e->children.push_back(std::move(operand));
    return e;
  }
  return ParsePostfix();
}

absl::StatusOr<ExprPtr> Parser::ParsePostfix() {
  SKEIN_ASSIGN_OR_RETURN(ExprPtr base, ParsePrimary());
  while (true) {
    if (PeekSymbol("[")) {
      Next();
      SKEIN_ASSIGN_OR_RETURN(ExprPtr index, ParseExpr());
      if (!AcceptSymbol("]")) return Unexpected(Peek(), "']'", "close the subscript with ]");
      auto e = MakeExpr(ExprKind::kSubscript, base->pos);
      e->children.push_back(std::move(base));
      e->children.push_back(std::move(index));
      base = std::move(e);
    } else if (PeekSymbol("->")) {
      Next();
      const Token& field = Peek();
      std::string name;
      // Any word names a struct field after '->' (fields called KEY, END, ... are common).
      if (field.kind == TokenKind::kWord || field.kind == TokenKind::kQuotedIdentifier) {
        name = Next().text;
      } else {
        return Unexpected(field, "a struct field name");
      }
      auto e = MakeExpr(ExprKind::kDereference, base->pos);
      e->text = std::move(name);
      e->children.push_back(std::move(base));
      base = std::move(e);
    } else {
      return base;
    }
  }
}

absl::StatusOr<ExprPtr> Parser::ParseNumber(const Token& token, bool negative, SourcePos pos) {
  std::string text = negative ? absl::StrCat("-", token.text) : token.text;
  if (token.kind == TokenKind::kInteger) {
    int64_t v = 0;
    if (absl::SimpleAtoi(text, &v)) {
      bool fits_int =
          v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
      auto e = MakeExpr(fits_int ? ExprKind::kIntegerLiteral : ExprKind::kBigIntLiteral, pos);
      e->int_value = v;
      e->text = std::move(text);
      return e;
    }
    // Beyond BIGINT: ksqlDB rejects the literal (a DECIMAL needs a decimal point).
    return ErrorAt(pos, token.text, absl::StrCat("Invalid numeric literal: ", text));
  }
  if (token.kind == TokenKind::kDecimal) {
    auto e = MakeExpr(ExprKind::kDecimalLiteral, pos);
    e->text = std::move(text);
    return e;
  }
  errno = 0;
  double d = std::strtod(text.c_str(), nullptr);
  if (errno == ERANGE && (d > 1 || d < -1)) {
    return ErrorAt(pos, token.text, absl::StrCat("Number overflows DOUBLE: ", text));
  }
  auto e = MakeExpr(ExprKind::kDoubleLiteral, pos);
  e->double_value = d;
  e->text = std::move(text);
  return e;
}

bool Parser::LooksLikeLambda() const {
  auto is_name = [this](size_t i) {
    const Token& t = Peek(i);
    return t.kind == TokenKind::kWord || t.kind == TokenKind::kQuotedIdentifier;
  };
  if (is_name(0) && PeekSymbol("=>", 1)) return true;
  if (!PeekSymbol("(")) return false;
  size_t i = 1;
  while (is_name(i)) {
    if (PeekSymbol(")", i + 1)) return PeekSymbol("=>", i + 2);
    if (!PeekSymbol(",", i + 1)) return false;
    i += 2;
  }
  return false;
}

absl::StatusOr<ExprPtr> Parser::ParseFunctionArg() {
  if (!LooksLikeLambda()) return ParseExpr();
  auto e = MakeExpr(ExprKind::kLambda, Peek().pos);
  if (AcceptSymbol("(")) {
    do {
      e->names.push_back(Next().text);
    } while (AcceptSymbol(","));
    SKEIN_RETURN_IF_ERROR(ExpectSymbol(")"));
  } else {
    e->names.push_back(Next().text);
  }
  SKEIN_RETURN_IF_ERROR(ExpectSymbol("=>"));
  SKEIN_ASSIGN_OR_RETURN(ExprPtr body, ParseExpr());
  e->children.push_back(std::move(body));
  return e;
}

absl::StatusOr<ExprPtr> Parser::ParseFunctionCall(const Token& name_token, std::string name) {
  const Token& open = Next();  // '('
  auto e = MakeExpr(ExprKind::kFunctionCall, name_token.pos);
  e->text = std::move(name);
  if (PeekSymbol("*") && PeekSymbol(")", 1)) {
    Next();
    Next();
    e->star = true;
    return e;
  }
  if (AcceptSymbol(")")) return e;
  if (PeekKeyword("DISTINCT")) {
    return Unexpected(Peek(), "a function argument",
                      "ksqlDB has no DISTINCT inside calls; use COUNT_DISTINCT(x) or "
                      "COLLECT_SET(x)");
  }
  do {
    SKEIN_ASSIGN_OR_RETURN(ExprPtr arg, ParseFunctionArg());
    e->children.push_back(std::move(arg));
  } while (AcceptSymbol(","));
  SKEIN_RETURN_IF_ERROR(ExpectClose(open));
  return e;
}

absl::StatusOr<ExprPtr> Parser::ParseConstructor(const Token& keyword) {
  if (keyword.text == "ARRAY") {
    Next();  // '['
    auto e = MakeExpr(ExprKind::kArray, keyword.pos);
    if (AcceptSymbol("]")) return e;
    do {
      SKEIN_ASSIGN_OR_RETURN(ExprPtr item, ParseExpr());
      e->children.push_back(std::move(item));
    } while (AcceptSymbol(","));
    if (!AcceptSymbol("]")) {
      return Unexpected(Peek(), "',' or ']'",
                        AtEnd() ? "close the ARRAY[...] with ]" : MissingCommaHint());
    }
    return e;
  }
  const Token& open = Next();  // '('
  bool is_map = keyword.text == "MAP";
  auto e = MakeExpr(is_map ? ExprKind::kMap : ExprKind::kStruct, keyword.pos);
  if (AcceptSymbol(")")) return e;
  do {
    if (is_map) {
      SKEIN_ASSIGN_OR_RETURN(ExprPtr key, ParseExpr());
      e->children.push_back(std::move(key));
    } else {
      const Token& field = Peek();
      if (field.kind != TokenKind::kWord && field.kind != TokenKind::kQuotedIdentifier) {
        return Unexpected(field, "a struct field name", "write STRUCT(NAME := value, ...)");
      }
      e->names.push_back(Next().text);
    }
    if (!AcceptSymbol(":=")) {
      return Unexpected(
          Peek(), "':='",
          is_map ? "write MAP(key := value, ...)" : "write STRUCT(NAME := value, ...)");
    }
    SKEIN_ASSIGN_OR_RETURN(ExprPtr value, ParseExpr());
    e->children.push_back(std::move(value));
  } while (AcceptSymbol(","));
  SKEIN_RETURN_IF_ERROR(ExpectClose(open));
  return e;
}

absl::StatusOr<ExprPtr> Parser::ParseCase(const Token& case_token) {
  auto e = MakeExpr(ExprKind::kCase, case_token.pos);
  if (!PeekKeyword("WHEN")) {
    SKEIN_ASSIGN_OR_RETURN(e->operand, ParseExpr());
  }
  if (!PeekKeyword("WHEN")) return Unexpected(Peek(), "WHEN");
  while (AcceptKeyword("WHEN")) {
    SKEIN_ASSIGN_OR_RETURN(ExprPtr when, ParseExpr());
    SKEIN_RETURN_IF_ERROR(ExpectKeyword("THEN"));
    SKEIN_ASSIGN_OR_RETURN(ExprPtr then, ParseExpr());
    e->children.push_back(std::move(when));
    e->children.push_back(std::move(then));
  }
  if (AcceptKeyword("ELSE")) {
    SKEIN_ASSIGN_OR_RETURN(e->else_result, ParseExpr());
  }
  if (!AcceptKeyword("END")) {
    return Unexpected(Peek(), "WHEN, ELSE or END", "every CASE needs a closing END");
  }
  return e;
}

absl::StatusOr<ExprPtr> Parser::ParseCast(const Token& cast_token) {
  const Token& open = Peek();
  SKEIN_RETURN_IF_ERROR(ExpectSymbol("("));
  auto e = MakeExpr(ExprKind::kCast, cast_token.pos);
  SKEIN_ASSIGN_OR_RETURN(ExprPtr value, ParseExpr());
  e->children.push_back(std::move(value));
  SKEIN_RETURN_IF_ERROR(ExpectKeyword("AS"));
  SKEIN_ASSIGN_OR_RETURN(e->type, ParseType());
  SKEIN_RETURN_IF_ERROR(ExpectClose(open));
  return e;
}

absl::StatusOr<ExprPtr> Parser::ParsePrimary() {
  SKEIN_RETURN_IF_ERROR(Enter());
  DepthScope scope(this);
  const Token& t = Peek();
  switch (t.kind) {
    case TokenKind::kInteger:
    case TokenKind::kDecimal:
    case TokenKind::kDouble:
      Next();
      return ParseNumber(t, /*negative=*/false, t.pos);
    case TokenKind::kString: {
      Next();
      auto e = MakeExpr(ExprKind::kStringLiteral, t.pos);
      e->text = t.text;
      return e;
    }
    case TokenKind::kSymbol:
      if (t.text == "(") {
        Next();
        SKEIN_ASSIGN_OR_RETURN(ExprPtr inner, ParseExpr());
        SKEIN_RETURN_IF_ERROR(ExpectClose(t));
        return inner;
      }
      return Unexpected(t, "an expression");
    case TokenKind::kEnd:
      return Unexpected(t, "an expression");
    case TokenKind::kWord:
    case TokenKind::kQuotedIdentifier:
      break;
  }
  if (t.kind == TokenKind::kWord) {
    if (t.text == "NULL" || t.text == "TRUE" || t.text == "FALSE") {
      Next();
      auto e =
          MakeExpr(t.text == "NULL" ? ExprKind::kNullLiteral : ExprKind::kBooleanLiteral, t.pos);
      e->bool_value = t.text == "TRUE";
      return e;
    }
    if (t.text == "CASE") return ParseCase(Next());
    if (t.text == "CAST") return ParseCast(Next());
    if ((t.text == "ARRAY" && PeekSymbol("[", 1)) ||
        ((t.text == "MAP" || t.text == "STRUCT") && PeekSymbol("(", 1))) {
      return ParseConstructor(Next());
    }
    if (IsReservedWord(t.text)) {
      return Unexpected(t, "an expression",
                        absl::StrCat("'", t.text, "' is a reserved word; write `", t.text,
                                     "` in backquotes to use it as a column name"));
    }
  }
  const Token& name = Next();
  if (PeekSymbol("(")) return ParseFunctionCall(name, name.text);
  auto e = MakeExpr(ExprKind::kColumnRef, name.pos);
  if (PeekSymbol(".") &&
      (Peek(1).kind == TokenKind::kWord || Peek(1).kind == TokenKind::kQuotedIdentifier)) {
    Next();
    e->qualifier = name.text;
    e->text = Next().text;
  } else {
    e->text = name.text;
  }
  return e;
}

// ---------------------------------------------------------------------------------------------
// Types.

absl::StatusOr<DataTypePtr> Parser::ParseType() {
  SKEIN_RETURN_IF_ERROR(Enter());
  DepthScope scope(this);
  return ParseTypeInner();
}

absl::StatusOr<DataTypePtr> Parser::ParseTypeInner() {
  const Token& t = Peek();
  if (t.kind != TokenKind::kWord && t.kind != TokenKind::kQuotedIdentifier) {
    return Unexpected(t, "a type",
                      "e.g. STRING, INT, BIGINT, DOUBLE, DECIMAL(10, 2), "
                      "ARRAY<INT>, MAP<STRING, INT>, STRUCT<A INT>");
  }
  Next();
  auto type = std::make_unique<DataType>();
  type->pos = t.pos;
  type->name = t.text;
  static constexpr std::pair<std::string_view, TypeKind> kSimple[] = {
      {"BOOLEAN", TypeKind::kBoolean},     {"INT", TypeKind::kInt},
      {"INTEGER", TypeKind::kInt},         {"BIGINT", TypeKind::kBigInt},
      {"DOUBLE", TypeKind::kDouble},       {"STRING", TypeKind::kString},
      {"VARCHAR", TypeKind::kString},      {"BYTES", TypeKind::kBytes},
      {"TIMESTAMP", TypeKind::kTimestamp}, {"DATE", TypeKind::kDate},
      {"TIME", TypeKind::kTime},           {"DECIMAL", TypeKind::kDecimal},
      {"ARRAY", TypeKind::kArray},         {"MAP", TypeKind::kMap},
      {"STRUCT", TypeKind::kStruct}};
  type->kind = TypeKind::kCustom;
  if (t.kind == TokenKind::kWord) {
    for (const auto& [name, kind] : kSimple) {
      if (t.text == name) type->kind = kind;
    }
  }
  auto expect_gt = [this]() -> absl::Status {
    if (AcceptSymbol(">")) return absl::OkStatus();
    return Unexpected(Peek(), "'>'", AtEnd() ? "close the type parameters with >" : "");
  };
  switch (type->kind) {  // NOLINT: only parameterized types need more tokens
    case TypeKind::kDecimal: {
      const Token& open = Peek();
      if (!AcceptSymbol("(")) {
        return Unexpected(open, "'('", "DECIMAL needs a precision and scale: DECIMAL(10, 2)");
      }
      int* targets[] = {&type->precision, &type->scale};
      for (int i = 0; i < 2; ++i) {
        if (i == 1) SKEIN_RETURN_IF_ERROR(ExpectSymbol(","));
        const Token& n = Peek();
        if (n.kind != TokenKind::kInteger || !absl::SimpleAtoi(n.text, targets[i]) ||
            *targets[i] > 1000) {
          return Unexpected(n, i == 0 ? "a precision" : "a scale",
                            "DECIMAL needs a precision and scale: DECIMAL(10, 2)");
        }
        Next();
      }
      SKEIN_RETURN_IF_ERROR(ExpectClose(open));
      break;
    }
    case TypeKind::kArray: {
      SKEIN_RETURN_IF_ERROR(ExpectSymbol("<"));
      SKEIN_ASSIGN_OR_RETURN(type->element, ParseType());
      SKEIN_RETURN_IF_ERROR(expect_gt());
      break;
    }
    case TypeKind::kMap: {
      SKEIN_RETURN_IF_ERROR(ExpectSymbol("<"));
      SKEIN_ASSIGN_OR_RETURN(type->key, ParseType());
      SKEIN_RETURN_IF_ERROR(ExpectSymbol(","));
      SKEIN_ASSIGN_OR_RETURN(type->element, ParseType());
      SKEIN_RETURN_IF_ERROR(expect_gt());
      break;
    }
    case TypeKind::kStruct: {
      SKEIN_RETURN_IF_ERROR(ExpectSymbol("<"));
      if (AcceptSymbol(">")) break;
      do {
        const Token& field = Peek();
        if (field.kind != TokenKind::kWord && field.kind != TokenKind::kQuotedIdentifier) {
          return Unexpected(field, "a struct field name");
        }
        Next();
        StructField f;
        f.name = field.text;
        f.pos = field.pos;
        SKEIN_ASSIGN_OR_RETURN(f.type, ParseType());
        type->fields.push_back(std::move(f));
      } while (AcceptSymbol(","));
      SKEIN_RETURN_IF_ERROR(expect_gt());
      break;
    }
    default:
      break;
  }
  return type;
}

}  // namespace skein::sql::internal
