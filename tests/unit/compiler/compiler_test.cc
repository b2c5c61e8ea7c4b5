#include "skein/compiler/compiler.h"

#include <gtest/gtest.h>

#include "compile_sql.h"
#include "skein/sql/parser.h"

namespace skein::compiler {
namespace {

constexpr char kInput[] =
    "CREATE STREAM INPUT (ID INT KEY, NAME STRING, AGE INT) WITH (kafka_topic='input', "
    "value_format='JSON');";

TEST(CompilerTest, CreateStreamSchema) {
  Compiler c;
  auto r = RunSql(c, kInput);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->kind, StatementResult::Kind::kSourceCreated);
  EXPECT_EQ(r->schema_text, "ID INTEGER KEY, NAME STRING, AGE INTEGER");
  const DataSource* s = c.catalog().FindSource("INPUT");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->key_format.name, "KAFKA");
  EXPECT_EQ(s->value_format.name, "JSON");
}

TEST(CompilerTest, TableNeedsPrimaryKey) {
  Compiler c;
  auto r = RunSql(c, "CREATE TABLE T (ID INT KEY, V INT) WITH (kafka_topic='t', format='JSON');");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is a 'KEY' column: please use 'PRIMARY KEY' for tables"),
            std::string::npos);
  auto missing = RunSql(c, "CREATE STREAM S (V INT) WITH (value_format='JSON');");
  EXPECT_NE(missing.status().message().find("Missing required property \"KAFKA_TOPIC\""),
            std::string::npos);
}

TEST(CompilerTest, CsasKeepsKeyAndNamesQuery) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kInput).ok());
  auto r = RunSql(c,
                  "CREATE STREAM OUTPUT AS SELECT ID, UCASE(NAME), AGE + 1 AS A1 FROM INPUT "
                  "WHERE AGE > 10;");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->query_id, "CSAS_OUTPUT_0");
  EXPECT_EQ(r->schema_text, "ID INTEGER KEY, KSQL_COL_0 STRING, A1 INTEGER");
  ASSERT_TRUE(r->plan.has_value());
  const auto& ops = r->plan->stages(0).operators();
  ASSERT_EQ(ops.size(), 4);
  EXPECT_TRUE(ops[0].has_source());
  EXPECT_TRUE(ops[1].has_filter());
  EXPECT_EQ(ops[1].filter().predicate().call().function(), ">");
  EXPECT_EQ(ops[2].project().exprs(1).call().function(), "UCASE");
  EXPECT_EQ(ops[3].sink().topic().name(), "OUTPUT");
  EXPECT_EQ(ops[3].sink().topic().value_format().name(), "JSON");
}

TEST(CompilerTest, KeyMissingFromProjection) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kInput).ok());
  auto r = RunSql(c, "CREATE STREAM OUTPUT AS SELECT NAME FROM INPUT;");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("must include the key column ID in its projection"),
            std::string::npos);
}

TEST(CompilerTest, PartitionByRekeys) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kInput).ok());
  auto star = RunSql(c, "CREATE STREAM O1 AS SELECT * FROM INPUT PARTITION BY NAME;");
  ASSERT_TRUE(star.ok()) << star.status();
  EXPECT_EQ(star->schema_text, "NAME STRING KEY, AGE INTEGER, ID INTEGER");
  EXPECT_TRUE(star->plan->stages(0).operators(1).has_rekey());
  auto expr =
      RunSql(c, "CREATE STREAM O2 AS SELECT NAME, ID, ABS(ID) FROM INPUT PARTITION BY ABS(ID);");
  ASSERT_TRUE(expr.ok()) << expr.status();
  EXPECT_EQ(expr->schema_text, "KSQL_COL_0 INTEGER KEY, NAME STRING, ID INTEGER");
  auto none = RunSql(c, "CREATE STREAM O3 AS SELECT ID, NAME FROM INPUT PARTITION BY NULL;");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->schema_text, "ID INTEGER, NAME STRING");
  EXPECT_EQ(none->query_id, "CSAS_O3_2");
}

TEST(CompilerTest, TypeErrorsCarryPosition) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kInput).ok());
  auto r = RunSql(c, "CREATE STREAM OUTPUT AS SELECT ID, NAME FROM INPUT WHERE AGE >= 'x';");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(
                "Error in WHERE expression: Cannot compare AGE (INTEGER) to 'x' (STRING) with "
                "GREATER_THAN_OR_EQUAL."),
            std::string::npos)
      << r.status();
  EXPECT_NE(r.status().message().find("line 1:"), std::string::npos);
}

TEST(CompilerTest, DropRefusesWhileQueriesRun) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kInput).ok());
  ASSERT_TRUE(RunSql(c, "CREATE STREAM OUTPUT AS SELECT * FROM INPUT;").ok());
  EXPECT_FALSE(RunSql(c, "DROP STREAM INPUT;").ok());
  ASSERT_TRUE(RunSql(c, "TERMINATE CSAS_OUTPUT_0;").ok());
  EXPECT_TRUE(RunSql(c, "DROP STREAM INPUT;").ok());
  EXPECT_TRUE(RunSql(c, "DROP STREAM IF EXISTS INPUT;").ok());
}

TEST(CompilerTest, InsertValuesCoerces) {
  Compiler c;
  ASSERT_TRUE(RunSql(c,
                     "CREATE STREAM S (K STRING KEY, V BIGINT) WITH (kafka_topic='s', "
                     "value_format='JSON');")
                  .ok());
  auto r = RunSql(c, "INSERT INTO S (K, V, ROWTIME) VALUES ('a', 5, 100);");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0].values[1], types::Value::Bigint(5));
  EXPECT_EQ(r->rows[0].rowtime, 100);
}

}  // namespace
}  // namespace skein::compiler
