// ksqlDB's analysis rules for GROUP BY queries: what may be selected, key naming, plan shape
// (repartition or not), windows, EMIT FINAL and table sources. Statements are written for
// these tests (not taken from ksqlDB's QTT files).

#include <gtest/gtest.h>

#include "compile_sql.h"
#include "skein/compiler/compiler.h"
#include "skein/sql/parser.h"

namespace skein::compiler {
namespace {

constexpr char kSales[] =
    "CREATE STREAM SALES (ID INT KEY, SHOP STRING, ITEM STRING, PRICE DOUBLE, QTY INT) "
    "WITH (kafka_topic='sales', value_format='JSON');"
    "CREATE TABLE STOCK (SKU STRING PRIMARY KEY, SHOP STRING, QTY INT) "
    "WITH (kafka_topic='stock', value_format='JSON');";

class AggregateRulesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(RunSql(c_, kSales).ok()); }
  Compiler c_;
};

TEST_F(AggregateRulesTest, NonAggregateSelectItemsMustBeGrouped) {
  ExpectRejected(c_, "CREATE TABLE A AS SELECT SHOP, ITEM, COUNT(*) FROM SALES GROUP BY SHOP;",
                 "Non-aggregate SELECT expression(s) not part of GROUP BY: ITEM");
  ExpectRejected(c_, "CREATE TABLE B AS SELECT SHOP, QTY * SUM(PRICE) FROM SALES GROUP BY SHOP;",
                 "Non-aggregate SELECT expression(s) not part of GROUP BY: (QTY * SUM(PRICE))");
  ExpectRejected(c_,
                 "CREATE TABLE C AS SELECT SHOP, COUNT(*) FROM SALES GROUP BY SHOP "
                 "HAVING ITEM = 'x';",
                 "Non-aggregate HAVING expression not part of GROUP BY: ITEM");
  // Expressions of grouped columns are fine.
  EXPECT_TRUE(
      RunSql(c_,
             "CREATE TABLE D AS SELECT SHOP, UCASE(SHOP) AS U, COUNT(*) FROM SALES GROUP BY SHOP;")
          .ok());
}

TEST_F(AggregateRulesTest, GroupByNeedsAggregatesAndRejectsThemInsideIt) {
  ExpectRejected(c_, "CREATE TABLE A AS SELECT SHOP FROM SALES GROUP BY SHOP;",
                 "GROUP BY requires aggregate functions in either the SELECT or HAVING clause.");
  ExpectRejected(c_, "CREATE TABLE B AS SELECT COUNT(*) FROM SALES GROUP BY SUM(QTY);",
                 "GROUP BY does not support aggregate functions: SUM is an aggregate function.");
  ExpectRejected(c_, "CREATE TABLE C AS SELECT SHOP, SUM(COUNT(*)) FROM SALES GROUP BY SHOP;",
                 "Aggregate functions can not be nested: SUM(COUNT())");
  ExpectRejected(c_, "CREATE TABLE D AS SELECT SHOP, COUNT(*) FROM SALES GROUP BY SHOP, SHOP;",
                 "Duplicate GROUP BY expression: SALES.SHOP");
  ExpectRejected(c_, "CREATE TABLE E AS SELECT SHOP, NOPE(QTY) FROM SALES GROUP BY SHOP;",
                 "Can't find any functions with the name 'NOPE'");
  ExpectRejected(c_, "CREATE TABLE F AS SELECT COUNT(*) FROM SALES;",
                 "CREATE TABLE AS SELECT statement does not support aggregate function "
                 "[COUNT(ROWTIME)] without a GROUP BY clause.");
}

TEST_F(AggregateRulesTest, KeysComeFromTheGroupingExpressions) {
  ExpectRejected(c_, "CREATE TABLE A AS SELECT COUNT(*) AS N FROM SALES GROUP BY SHOP;",
                 "must include the grouping expression SHOP in its projection");
  ExpectRejected(c_,
                 "CREATE TABLE B AS SELECT SHOP, SHOP AS S2, COUNT(*) FROM SALES GROUP BY SHOP;",
                 "The projection contains a key column more than once: `SHOP` and `S2`.");
  auto r = RunSql(c_,
                  "CREATE TABLE C WITH (KEY_FORMAT='JSON') AS SELECT ITEM, SHOP AS WHERE_SOLD, "
                  "COUNT(*), SUM(QTY) AS Q "
                  "FROM SALES GROUP BY SHOP, ITEM;");
  ASSERT_TRUE(r.ok()) << r.status();
  // Keys in GROUP BY order; an unaliased aggregate gets the first free KSQL_COL_n.
  EXPECT_EQ(r->schema_text, "WHERE_SOLD STRING KEY, ITEM STRING KEY, KSQL_COL_0 BIGINT, Q INTEGER");
}

TEST_F(AggregateRulesTest, RepartitionsUnlessGroupedBySourceKey) {
  auto by_key = RunSql(c_, "CREATE TABLE A AS SELECT ID, COUNT(*) AS N FROM SALES GROUP BY ID;");
  ASSERT_TRUE(by_key.ok()) << by_key.status();
  ASSERT_TRUE(by_key->plan.has_value());
  EXPECT_EQ(by_key->plan->stages_size(), 1);
  auto by_value =
      RunSql(c_, "CREATE TABLE B AS SELECT SHOP, COUNT(*) AS N FROM SALES GROUP BY SHOP;");
  ASSERT_TRUE(by_value.ok()) << by_value.status();
  ASSERT_EQ(by_value->plan->stages_size(), 2);
  const auto& stage0 = by_value->plan->stages(0);
  const auto& stage1 = by_value->plan->stages(1);
  EXPECT_TRUE(stage0.operators(1).has_rekey());
  EXPECT_EQ(stage0.operators(stage0.operators_size() - 1).sink().topic().name(),
            stage1.operators(0).source().topic().name());
  EXPECT_TRUE(stage1.operators(1).has_aggregate());
}

TEST_F(AggregateRulesTest, WindowsAndEmitFinal) {
  auto r = RunSql(c_,
                  "CREATE TABLE A AS SELECT ID, COUNT(*) AS N, WINDOWSTART AS WS FROM SALES "
                  "WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 10 SECONDS) GROUP BY ID;");
  ASSERT_TRUE(r.ok()) << r.status();
  const auto& agg = r->plan->stages(0).operators(1).aggregate();
  EXPECT_EQ(agg.window().size_ms(), 60000);
  EXPECT_EQ(agg.window().advance_ms(), 10000);
  EXPECT_EQ(agg.window().grace_ms(), 24 * 3600 * 1000);  // ksqlDB's default grace
  const auto& sink = r->plan->stages(0).operators(r->plan->stages(0).operators_size() - 1).sink();
  EXPECT_EQ(sink.windowed_key().kind(), v1::WindowedKey::KIND_TIME);
  const DataSource* a = c_.catalog().FindSource("A");
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->window.has_value());
  EXPECT_EQ(a->window->kind, "HOPPING");
  EXPECT_EQ(a->window->size_millis, 60000);

  ExpectRejected(c_, "CREATE TABLE B AS SELECT ID, COUNT(*) FROM SALES GROUP BY ID EMIT FINAL;",
                 "EMIT FINAL is only supported for windowed aggregations.");
  auto fin = RunSql(c_,
                    "CREATE TABLE C AS SELECT ID, COUNT(*) AS N FROM SALES "
                    "WINDOW SESSION (5 MINUTES) GROUP BY ID EMIT FINAL;");
  ASSERT_TRUE(fin.ok()) << fin.status();
  EXPECT_TRUE(fin->plan->stages(0).operators(1).aggregate().emit_final());
}

TEST_F(AggregateRulesTest, TableSourcesRetractAndRejectStreamOnlyFunctions) {
  ExpectRejected(c_, "CREATE TABLE A AS SELECT SHOP, MIN(QTY), MAX(QTY) FROM STOCK GROUP BY SHOP;",
                 "The aggregation functions MIN and MAX cannot be applied to a table source, "
                 "only to a stream source.");
  auto r = RunSql(c_, "CREATE TABLE B AS SELECT SHOP, SUM(QTY) AS Q FROM STOCK GROUP BY SHOP;");
  ASSERT_TRUE(r.ok()) << r.status();
  // Stage 0 turns the table's changelog into group changes, repartitioned by the group.
  ASSERT_EQ(r->plan->stages_size(), 2);
  const auto& change = r->plan->stages(0).operators(1).group_by_change();
  ASSERT_EQ(change.input_key_columns_size(), 1);
  EXPECT_EQ(change.input_key_columns(0), 0u);
  EXPECT_EQ(change.args_size(), 1);
  const auto& agg = r->plan->stages(1).operators(1).aggregate();
  EXPECT_TRUE(agg.changelog_input());
  ASSERT_EQ(agg.calls_size(), 1);
  EXPECT_EQ(agg.calls(0).args_size(), 1);
  EXPECT_EQ(agg.calls(0).undo_args_size(), 1);
  ExpectRejected(c_, "CREATE STREAM C AS SELECT SHOP, COUNT(*) FROM SALES GROUP BY SHOP;",
                 "Your SELECT query produces a TABLE.");
}

TEST_F(AggregateRulesTest, WindowedSourcesFromWithProperties) {
  ExpectRejected(c_,
                 "CREATE TABLE W1 (K STRING PRIMARY KEY, N BIGINT) WITH (kafka_topic='w1', "
                 "value_format='JSON', WINDOW_TYPE='SESSION', WINDOW_SIZE='10 SECONDS');",
                 "'WINDOW_SIZE' should not be set for SESSION windows.");
  ExpectRejected(c_,
                 "CREATE TABLE W2 (K STRING PRIMARY KEY, N BIGINT) WITH (kafka_topic='w2', "
                 "value_format='JSON', WINDOW_TYPE='TUMBLING');",
                 "'WINDOW_SIZE' must be set for TUMBLING windows.");
  ASSERT_TRUE(RunSql(c_,
                     "CREATE STREAM W3 (K STRING KEY, N BIGINT) WITH (kafka_topic='w3', "
                     "value_format='JSON', WINDOW_TYPE='Hopping', WINDOW_SIZE='2 MINUTES');")
                  .ok());
  const DataSource* w3 = c_.catalog().FindSource("W3");
  ASSERT_NE(w3, nullptr);
  ASSERT_TRUE(w3->window.has_value());
  EXPECT_EQ(w3->window->kind, "HOPPING");
  EXPECT_EQ(w3->window->size_millis, 120000);
  // A query over it keeps the windowed key and may read the window bounds.
  auto r = RunSql(c_, "CREATE STREAM W4 AS SELECT * FROM W3 WHERE WINDOWEND - WINDOWSTART > 0;");
  ASSERT_TRUE(r.ok()) << r.status();
  const auto& stage = r->plan->stages(0);
  EXPECT_EQ(stage.operators(0).source().windowed_key().kind(), v1::WindowedKey::KIND_TIME);
  EXPECT_EQ(stage.operators(stage.operators_size() - 1).sink().windowed_key().size_ms(), 120000);
}

}  // namespace
}  // namespace skein::compiler
