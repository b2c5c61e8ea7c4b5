// Expression grammar: precedence, literal typing and every expression form.

#include <gtest/gtest.h>

#include "skein/sql/parser.h"
#include "skein/sql/printer.h"

namespace skein::sql {
namespace {

ExprPtr Parse(std::string_view sql) {
  auto e = ParseExpression(sql);
  EXPECT_TRUE(e.ok()) << sql << ": " << e.status();
  return e.ok() ? *std::move(e) : nullptr;
}

std::string Canon(std::string_view sql) {
  ExprPtr e = Parse(sql);
  return e ? ExprToSql(*e) : "<error>";
}

TEST(ParserExprTest, ArithmeticPrecedence) {
  EXPECT_EQ(Canon("a + b * c"), "(A + (B * C))");
  EXPECT_EQ(Canon("a * b + c"), "((A * B) + C)");
  EXPECT_EQ(Canon("a - b - c"), "((A - B) - C)");
  EXPECT_EQ(Canon("a / b % c"), "((A / B) % C)");
  EXPECT_EQ(Canon("(a + b) * c"), "((A + B) * C)");
  EXPECT_EQ(Canon("-a * b"), "(-A * B)");
}

TEST(ParserExprTest, ConcatBindsLooserThanAdditive) {
  EXPECT_EQ(Canon("a || b + c"), "(A || (B + C))");
  EXPECT_EQ(Canon("a || b = c"), "((A || B) = C)");
}

TEST(ParserExprTest, LogicalPrecedence) {
  EXPECT_EQ(Canon("a OR b AND c"), "(A OR (B AND C))");
  EXPECT_EQ(Canon("NOT a = 1 AND b"), "((NOT (A = 1)) AND B)");
  EXPECT_EQ(Canon("a = 1 OR NOT b IS NULL"), "((A = 1) OR (NOT (B IS NULL)))");
  EXPECT_EQ(Canon("a + 1 > b * 2 AND c <= 3"), "(((A + 1) > (B * 2)) AND (C <= 3))");
}

TEST(ParserExprTest, Comparisons) {
  EXPECT_EQ(Canon("a <> b"), "(A <> B)");
  EXPECT_EQ(Canon("a != b"), "(A <> B)");
  EXPECT_EQ(Canon("a >= b"), "(A >= B)");
  ExprPtr e = Parse("a < b");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, ExprKind::kBinary);
  EXPECT_EQ(e->binary_op, BinaryOp::kLess);
}

TEST(ParserExprTest, Predicates) {
  EXPECT_EQ(Canon("a IS NULL"), "(A IS NULL)");
  EXPECT_EQ(Canon("a IS NOT NULL"), "(A IS NOT NULL)");
  EXPECT_EQ(Canon("a IS DISTINCT FROM b"), "(A IS DISTINCT FROM B)");
  EXPECT_EQ(Canon("a is not distinct from b + 1"), "(A IS NOT DISTINCT FROM (B + 1))");
  EXPECT_EQ(Canon("a LIKE '%x%'"), "(A LIKE '%x%')");
  EXPECT_EQ(Canon("a NOT LIKE p ESCAPE '!'"), "(A NOT LIKE P ESCAPE '!')");
  EXPECT_EQ(Canon("a IN (1, 2, 3)"), "(A IN (1, 2, 3))");
  EXPECT_EQ(Canon("a NOT IN ('x')"), "(A NOT IN ('x'))");
  EXPECT_EQ(Canon("a BETWEEN 1 AND 2 + 3"), "(A BETWEEN 1 AND (2 + 3))");
  EXPECT_EQ(Canon("a NOT BETWEEN b AND c AND d"), "((A NOT BETWEEN B AND C) AND D)");

  ExprPtr like = Parse("v NOT LIKE 'a!%' ESCAPE '!'");
  ASSERT_TRUE(like);
  EXPECT_EQ(like->kind, ExprKind::kLike);
  EXPECT_TRUE(like->negated);
  ASSERT_TRUE(like->escape.has_value());
  EXPECT_EQ(*like->escape, "!");
  ExprPtr in = Parse("x IN (1, 2)");
  ASSERT_TRUE(in);
  EXPECT_EQ(in->kind, ExprKind::kIn);
  EXPECT_EQ(in->children.size(), 3u);
}

TEST(ParserExprTest, IntegerLiteralsTypedByRange) {
  ExprPtr a = Parse("2147483647");
  ExprPtr b = Parse("2147483648");
  ExprPtr c = Parse("-2147483648");
  ExprPtr d = Parse("-2147483649");
  ASSERT_TRUE(a && b && c && d);
  EXPECT_EQ(a->kind, ExprKind::kIntegerLiteral);
  EXPECT_EQ(a->int_value, 2147483647);
  EXPECT_EQ(b->kind, ExprKind::kBigIntLiteral);
  EXPECT_EQ(b->int_value, 2147483648LL);
  EXPECT_EQ(c->kind, ExprKind::kIntegerLiteral);
  EXPECT_EQ(c->int_value, -2147483648LL);
  EXPECT_EQ(d->kind, ExprKind::kBigIntLiteral);
  // Beyond BIGINT an integer literal is rejected, as by ksqlDB.
  auto e = ParseExpression("99999999999999999999");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("Invalid numeric literal: 99999999999999999999"),
            std::string::npos);
  auto neg = ParseExpression("-9223372036854775809");
  ASSERT_FALSE(neg.ok());
  EXPECT_NE(neg.status().message().find("Invalid numeric literal: -9223372036854775809"),
            std::string::npos);
  EXPECT_TRUE(ParseExpression("-9223372036854775808").ok());
  auto big = ParseExpression("-1.8E308");
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("Number overflows DOUBLE: -1.8E308"), std::string::npos);
}

TEST(ParserExprTest, DecimalDoubleStringBoolNull) {
  ExprPtr dec = Parse("1.50");
  ASSERT_TRUE(dec);
  EXPECT_EQ(dec->kind, ExprKind::kDecimalLiteral);
  EXPECT_EQ(dec->text, "1.50");
  ExprPtr dbl = Parse("1.5E3");
  ASSERT_TRUE(dbl);
  EXPECT_EQ(dbl->kind, ExprKind::kDoubleLiteral);
  EXPECT_DOUBLE_EQ(dbl->double_value, 1500.0);
  ExprPtr neg = Parse("-2.5e-1");
  ASSERT_TRUE(neg);
  EXPECT_EQ(neg->kind, ExprKind::kDoubleLiteral);
  EXPECT_DOUBLE_EQ(neg->double_value, -0.25);
  ExprPtr str = Parse("'it''s'");
  ASSERT_TRUE(str);
  EXPECT_EQ(str->kind, ExprKind::kStringLiteral);
  EXPECT_EQ(str->text, "it's");
  EXPECT_EQ(ExprToSql(*str), "'it''s'");
  ExprPtr t = Parse("TRUE");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, ExprKind::kBooleanLiteral);
  EXPECT_TRUE(t->bool_value);
  ExprPtr n = Parse("null");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->kind, ExprKind::kNullLiteral);
}

TEST(ParserExprTest, ColumnsQualifiedAndQuoted) {
  ExprPtr q = Parse("s.col");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->kind, ExprKind::kColumnRef);
  EXPECT_EQ(q->qualifier, "S");
  EXPECT_EQ(q->text, "COL");
  ExprPtr quoted = Parse("`Src`.`myCol`");
  ASSERT_TRUE(quoted);
  EXPECT_EQ(quoted->qualifier, "Src");
  EXPECT_EQ(quoted->text, "myCol");
  EXPECT_EQ(ExprToSql(*quoted), "`Src`.`myCol`");
  // Non-reserved keywords are ordinary names.
  EXPECT_EQ(Canon("timestamp + key"), "(TIMESTAMP + KEY)");
}

TEST(ParserExprTest, DereferenceAndSubscript) {
  ExprPtr e = Parse("a->b->c[1]");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, ExprKind::kSubscript);
  ASSERT_EQ(e->children[0]->kind, ExprKind::kDereference);
  EXPECT_EQ(e->children[0]->text, "C");
  EXPECT_EQ(e->children[0]->children[0]->text, "B");
  EXPECT_EQ(ExprToSql(*e), "A->B->C[1]");
  EXPECT_EQ(Canon("m['k']->x"), "M['k']->X");
  EXPECT_EQ(Canon("s.col->field"), "S.COL->FIELD");
  EXPECT_EQ(Canon("f(x)[0]"), "F(X)[0]");
}

TEST(ParserExprTest, CaseForms) {
  ExprPtr searched = Parse("CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END");
  ASSERT_TRUE(searched);
  EXPECT_EQ(searched->kind, ExprKind::kCase);
  EXPECT_EQ(searched->operand, nullptr);
  EXPECT_EQ(searched->children.size(), 4u);
  ASSERT_NE(searched->else_result, nullptr);
  ExprPtr simple = Parse("case x when 1 then 'one' end");
  ASSERT_TRUE(simple);
  ASSERT_NE(simple->operand, nullptr);
  EXPECT_EQ(simple->else_result, nullptr);
  EXPECT_EQ(ExprToSql(*simple), "(CASE X WHEN 1 THEN 'one' END)");
}

TEST(ParserExprTest, CastAndTypes) {
  ExprPtr e = Parse("CAST(a AS DECIMAL(10, 2))");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, ExprKind::kCast);
  ASSERT_NE(e->type, nullptr);
  EXPECT_EQ(e->type->kind, TypeKind::kDecimal);
  EXPECT_EQ(e->type->precision, 10);
  EXPECT_EQ(e->type->scale, 2);
  EXPECT_EQ(Canon("cast(x as map<varchar, array<struct<a int, `b` bigint>>>)"),
            "CAST(X AS MAP<VARCHAR, ARRAY<STRUCT<A INT, `b` BIGINT>>>)");
}

TEST(ParserExprTest, FunctionCalls) {
  ExprPtr count = Parse("count(*)");
  ASSERT_TRUE(count);
  EXPECT_EQ(count->kind, ExprKind::kFunctionCall);
  EXPECT_EQ(count->text, "COUNT");
  EXPECT_TRUE(count->star);
  EXPECT_EQ(ExprToSql(*count), "COUNT(*)");
  EXPECT_EQ(Canon("now()"), "NOW()");
  EXPECT_EQ(Canon("substring(s, 1, 2)"), "SUBSTRING(S, 1, 2)");
}

TEST(ParserExprTest, Lambdas) {
  ExprPtr t = Parse("TRANSFORM(arr, x => x + 1)");
  ASSERT_TRUE(t);
  ASSERT_EQ(t->children.size(), 2u);
  const Expr& lambda = *t->children[1];
  EXPECT_EQ(lambda.kind, ExprKind::kLambda);
  EXPECT_EQ(lambda.names, (std::vector<std::string>{"X"}));
  EXPECT_EQ(ExprToSql(*t), "TRANSFORM(ARR, X => (X + 1))");
  EXPECT_EQ(Canon("REDUCE(a, 0, (s, x) => s + x)"), "REDUCE(A, 0, (S, X) => (S + X))");
  EXPECT_EQ(Canon("TRANSFORM(m, (k, v) => k, (k, v) => v * 2)"),
            "TRANSFORM(M, (K, V) => K, (K, V) => (V * 2))");
  // A parenthesized expression is not a lambda.
  EXPECT_EQ(Canon("f((a), b)"), "F(A, B)");
}

TEST(ParserExprTest, Constructors) {
  EXPECT_EQ(Canon("ARRAY[1, 2, 3]"), "ARRAY[1, 2, 3]");
  EXPECT_EQ(Canon("array[]"), "ARRAY[]");
  EXPECT_EQ(Canon("MAP('a' := 1, 'b' := 2)"), "MAP('a':=1, 'b':=2)");
  ExprPtr s = Parse("STRUCT(name := 'x', `Age` := 3)");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->kind, ExprKind::kStruct);
  EXPECT_EQ(s->names, (std::vector<std::string>{"NAME", "Age"}));
  EXPECT_EQ(ExprToSql(*s), "STRUCT(NAME:='x', `Age`:=3)");
}

TEST(ParserExprTest, UnaryOperators) {
  EXPECT_EQ(Canon("-(a)"), "-A");
  EXPECT_EQ(Canon("- -a"), "- -A");
  EXPECT_EQ(Canon("+a"), "+A");
  EXPECT_EQ(Canon("NOT NOT a"), "(NOT (NOT A))");
  ExprPtr neg = Parse("-5");
  ASSERT_TRUE(neg);
  EXPECT_EQ(neg->kind, ExprKind::kIntegerLiteral);
  EXPECT_EQ(neg->int_value, -5);
}

TEST(ParserExprTest, PositionsAreOneBased) {
  ExprPtr e = Parse("a +\n  f(b)");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pos, (SourcePos{1, 1}));
  EXPECT_EQ(e->children[1]->pos, (SourcePos{2, 3}));
  EXPECT_EQ(e->children[1]->children[0]->pos, (SourcePos{2, 5}));
}

}  // namespace
}  // namespace skein::sql
