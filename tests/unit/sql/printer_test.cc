// Printer: canonical text, and parse -> print -> parse yielding the same tree.

#include "skein/sql/printer.h"

#include <gtest/gtest.h>

#include "skein/sql/parser.h"

namespace skein::sql {
namespace {

// Structural equality of expressions, ignoring source positions.
bool SameType(const DataType* a, const DataType* b);

bool SameExpr(const Expr* a, const Expr* b) {
  if (a == nullptr || b == nullptr) return a == b;
  if (a->kind != b->kind || a->text != b->text || a->qualifier != b->qualifier ||
      a->bool_value != b->bool_value || a->int_value != b->int_value || a->negated != b->negated ||
      a->star != b->star || a->escape != b->escape || a->names != b->names ||
      a->children.size() != b->children.size()) {
    return false;
  }
  if (a->kind == ExprKind::kUnary && a->unary_op != b->unary_op) return false;
  if (a->kind == ExprKind::kBinary && a->binary_op != b->binary_op) return false;
  if (a->kind == ExprKind::kDoubleLiteral && a->double_value != b->double_value) return false;
  for (size_t i = 0; i < a->children.size(); ++i) {
    if (!SameExpr(a->children[i].get(), b->children[i].get())) return false;
  }
  return SameExpr(a->operand.get(), b->operand.get()) &&
         SameExpr(a->else_result.get(), b->else_result.get()) &&
         SameType(a->type.get(), b->type.get());
}

bool SameType(const DataType* a, const DataType* b) {
  if (a == nullptr || b == nullptr) return a == b;
  if (a->kind != b->kind || a->name != b->name || a->precision != b->precision ||
      a->scale != b->scale || a->fields.size() != b->fields.size()) {
    return false;
  }
  for (size_t i = 0; i < a->fields.size(); ++i) {
    if (a->fields[i].name != b->fields[i].name ||
        !SameType(a->fields[i].type.get(), b->fields[i].type.get())) {
      return false;
    }
  }
  return SameType(a->element.get(), b->element.get()) && SameType(a->key.get(), b->key.get());
}

class ExprRoundTripTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ExprRoundTripTest, ParsePrintParseIsIdentity) {
  auto first = ParseExpression(GetParam());
  ASSERT_TRUE(first.ok()) << first.status();
  std::string printed = ExprToSql(**first);
  auto second = ParseExpression(printed);
  ASSERT_TRUE(second.ok()) << printed << ": " << second.status();
  EXPECT_TRUE(SameExpr(first->get(), second->get())) << GetParam() << "\n  -> " << printed;
  EXPECT_EQ(ExprToSql(**second), printed);
}

INSTANTIATE_TEST_SUITE_P(
    Expressions, ExprRoundTripTest,
    ::testing::Values("a + b * c - d / e % f", "-(1)", "-(-1)", "- -a", "-2147483648", "1.50",
                      "1.5E3", "'it''s'", "NOT a AND b OR c", "a || b || 'c'",
                      "a IS NOT DISTINCT FROM b", "x NOT LIKE 'a!%' ESCAPE '!'",
                      "x NOT IN (1, 2 + 3)", "x BETWEEN -1 AND +1",
                      "CASE x WHEN 1 THEN 'a' ELSE NULL END", "CASE WHEN a THEN b END",
                      "CAST(x AS STRUCT<`a b` ARRAY<MAP<STRING, DECIMAL(4, 2)>>>)", "COUNT(*)",
                      "TRANSFORM(m, (k, v) => k || 'x', (k, v) => v + 1)", "FILTER(a, x => x > 0)",
                      "ARRAY[1, NULL]", "MAP('a' := STRUCT(`f` := 1))",
                      "s.`Col`->`inner`->deep[0]['k']", "`select` + `lower`", "true = false",
                      "`1R` * 2", "f()"));

class StatementRoundTripTest : public ::testing::TestWithParam<const char*> {};

TEST_P(StatementRoundTripTest, PrintIsStableAndReparses) {
  auto first = ParseStatement(GetParam());
  ASSERT_TRUE(first.ok()) << first.status();
  std::string printed = StatementToSql(**first);
  auto second = ParseStatement(printed);
  ASSERT_TRUE(second.ok()) << printed << ": " << second.status();
  EXPECT_EQ((*second)->kind, (*first)->kind);
  EXPECT_EQ(StatementToSql(**second), printed);
}

INSTANTIATE_TEST_SUITE_P(
    Statements, StatementRoundTripTest,
    ::testing::Values(
        "CREATE OR REPLACE STREAM IF NOT EXISTS s (k INT KEY, `v` STRUCT<a INT>, h BYTES "
        "HEADER('x'), hs ARRAY<STRUCT<key STRING, value BYTES>> HEADERS) WITH "
        "(kafka_topic='t', partitions=2)",
        "CREATE SOURCE TABLE t (k STRING PRIMARY KEY) WITH (kafka_topic='t')",
        "CREATE TABLE o WITH (key_format='JSON') AS SELECT k, COUNT(*) c FROM s WINDOW HOPPING "
        "(SIZE 1 MINUTE, ADVANCE BY 5 SECONDS, RETENTION 2 DAYS, GRACE PERIOD 1 SECOND) WHERE "
        "x > 1 GROUP BY k HAVING COUNT(*) > 2 EMIT FINAL",
        "CREATE STREAM j AS SELECT * FROM a x FULL OUTER JOIN b y WITHIN (1 SECOND, 2 SECONDS) "
        "GRACE PERIOD 3 SECONDS ON x.id = y.id PARTITION BY x.k",
        "INSERT INTO o WITH (query_id='q') SELECT a.*, 1 AS one FROM a LIMIT 3",
        "INSERT INTO o (a, `B`) VALUES (1, 'x')", "DROP TABLE IF EXISTS t DELETE TOPIC",
        "DROP CONNECTOR c", "SHOW TABLES EXTENDED", "LIST QUERIES", "DESCRIBE s EXTENDED",
        "EXPLAIN CSAS_X_0", "EXPLAIN SELECT * FROM s EMIT CHANGES", "TERMINATE ALL",
        "SET 'a.b'='it''s'", "UNSET 'a.b'",
        "CREATE SINK CONNECTOR IF NOT EXISTS c WITH ('connector.class'='X')",
        "SELECT * FROM s WINDOW w SESSION (30 SECONDS) GROUP BY (a, b)"));

TEST(PrinterTest, CanonicalForms) {
  auto s = ParseStatement(
      "create stream out as select a as `x`, b from s join t on s.id = t.id where a > 1");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(StatementToSql(**s),
            "CREATE STREAM OUT AS SELECT A AS `x`, B FROM S INNER JOIN T ON (S.ID = T.ID) "
            "WHERE (A > 1)");
  EXPECT_EQ(FormatIdentifier("ABC_1"), "ABC_1");
  EXPECT_EQ(FormatIdentifier("abc"), "`abc`");
  EXPECT_EQ(FormatIdentifier("SELECT"), "`SELECT`");
  EXPECT_EQ(FormatIdentifier("a`b"), "`a``b`");
  EXPECT_EQ(FormatIdentifier("1R"), "`1R`");
  EXPECT_EQ(FormatStringLiteral("a'b"), "'a''b'");
}

}  // namespace
}  // namespace skein::sql
