// ksqlDB's analysis rules for joins: conditions, key naming, projection of the join key,
// co-partitioning, join kinds and formats. Statements are written for these tests (not taken
// from ksqlDB's QTT files).

#include <gtest/gtest.h>

#include "compile_sql.h"
#include "skein/compiler/compiler.h"
#include "skein/sql/parser.h"

namespace skein::compiler {
namespace {

constexpr char kSources[] =
    "CREATE STREAM CARS (ID INT KEY, OWNER INT, MODEL STRING) "
    "WITH (kafka_topic='cars', value_format='JSON', partitions=2);"
    "CREATE STREAM TRIPS (ID INT KEY, KM INT) WITH (kafka_topic='trips', value_format='JSON', "
    "partitions=2);"
    "CREATE STREAM ODD (ID INT KEY, X INT) WITH (kafka_topic='odd', value_format='JSON', "
    "partitions=3);"
    "CREATE TABLE OWNERS (ID INT PRIMARY KEY, NAME STRING) "
    "WITH (kafka_topic='owners', value_format='JSON', partitions=2);"
    "CREATE TABLE GARAGES (ID INT PRIMARY KEY, CITY STRING) "
    "WITH (kafka_topic='garages', value_format='JSON', partitions=2);";

TEST(JoinRulesTest, ConditionMustCompareOneColumnOfEachSource) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  ExpectRejected(c,
                 "CREATE STREAM A AS SELECT * FROM CARS C JOIN TRIPS T WITHIN 1 HOUR ON C.ID = 0;",
                 "Invalid comparison expression '0' in join '(C.ID = 0)'. Each side of the join "
                 "comparision must contain references from exactly one source.");
  ExpectRejected(c,
                 "CREATE STREAM A AS SELECT * FROM CARS C JOIN TRIPS T WITHIN 1 HOUR "
                 "ON C.ID = T.ID AND C.ID = T.KM;",
                 "Invalid join condition: joins on multiple conditions are not yet supported.");
  ExpectRejected(
      c, "CREATE STREAM A AS SELECT * FROM CARS C JOIN TRIPS T WITHIN 1 HOUR ON C.X = T.ID;",
      "JOIN ON column 'C.X' cannot be resolved.");
  ExpectRejected(c,
                 "CREATE STREAM A AS SELECT * FROM CARS C JOIN TRIPS T WITHIN 1 HOUR ON ID = ID;",
                 "Column 'ID' is ambiguous. Could be C.ID or T.ID.");
  ExpectRejected(
      c, "CREATE STREAM A AS SELECT * FROM CARS C JOIN TRIPS T WITHIN 1 HOUR ON Z.ID = T.ID;",
      "'Z' is not a valid stream/table name or alias.");
  ExpectRejected(
      c, "CREATE STREAM A AS SELECT * FROM CARS C JOIN TRIPS T WITHIN 1 HOUR ON C.MODEL = T.ID;",
      "Invalid join condition: types don't match. Got C.MODEL{STRING} = T.ID{INTEGER}.");
  ExpectRejected(
      c, "CREATE STREAM A AS SELECT * FROM CARS C JOIN CARS D WITHIN 1 HOUR ON C.ID = D.ID;",
      "Can not join 'CARS' to 'CARS': self joins are not yet supported.");
}

TEST(JoinRulesTest, JoinKindsAndWindows) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  ExpectRejected(c, "CREATE STREAM A AS SELECT * FROM CARS C JOIN TRIPS T ON C.ID = T.ID;",
                 "Stream-Stream joins must have a WITHIN clause specified.");
  ExpectRejected(
      c, "CREATE STREAM A AS SELECT * FROM CARS C JOIN OWNERS O WITHIN 1 HOUR ON C.ID = O.ID;",
      "A window definition was provided for a Stream-Table join.");
  ExpectRejected(c, "CREATE STREAM A AS SELECT * FROM OWNERS O JOIN CARS C ON C.ID = O.ID;",
                 "Invalid join order: table-stream joins are not supported");
  ExpectRejected(c,
                 "CREATE STREAM A AS SELECT * FROM CARS C FULL OUTER JOIN OWNERS O ON C.ID = O.ID;",
                 "Invalid join type: full-outer join not supported for stream-table join.");
  ExpectRejected(c, "CREATE TABLE A AS SELECT * FROM OWNERS O JOIN GARAGES G ON O.NAME = G.CITY;",
                 "Invalid join condition: table-table joins require to join on the primary key of "
                 "the right input table. Got O.NAME = G.CITY.");
  ExpectRejected(c, "CREATE TABLE A AS SELECT * FROM CARS C JOIN OWNERS O ON C.ID = O.ID;",
                 "Invalid result type. Your SELECT query produces a STREAM.");
}

TEST(JoinRulesTest, CoPartitioning) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  ExpectRejected(c,
                 "CREATE STREAM A AS SELECT * FROM CARS C JOIN ODD D WITHIN 1 HOUR ON C.ID = D.ID;",
                 "Can't join `CARS` with `ODD` since the number of partitions don't match. `CARS` "
                 "partitions = 2; `ODD` partitions = 3. Please repartition either one so that the "
                 "number of partitions match.");
  // A side joined on a value column is repartitioned (to the other side's partition count).
  auto r = RunSql(c,
                  "CREATE STREAM B AS SELECT D.ID, C.ID AS CID FROM CARS C JOIN ODD D WITHIN 1 "
                  "HOUR ON C.OWNER = D.ID;");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->plan.has_value());
  EXPECT_EQ(r->plan->stages_size(), 2);
  EXPECT_EQ(r->plan->stages(0).operators(0).source().topic().name(), "cars");
  EXPECT_EQ(r->plan->stages(0).operators(2).sink().topic().partitions(), 3u);
  EXPECT_TRUE(r->plan->stages(1).operators(1).has_join());
}

TEST(JoinRulesTest, KeyFormatMismatchRepartitionsTheRightSide) {
  Compiler c;
  ASSERT_TRUE(RunSql(c,
                     "CREATE STREAM A (ID INT KEY, X INT) WITH (kafka_topic='a', "
                     "key_format='DELIMITED', value_format='JSON');"
                     "CREATE TABLE B (ID INT PRIMARY KEY, Y INT) WITH (kafka_topic='b', "
                     "key_format='KAFKA', value_format='JSON');")
                  .ok());
  auto r = RunSql(c, "CREATE STREAM J AS SELECT A.ID, X, Y FROM A JOIN B ON A.ID = B.ID;");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->plan.has_value());
  ASSERT_EQ(r->plan->stages_size(), 2);
  // The table is rewritten with the stream's key format and still read as a table.
  const auto& sink = r->plan->stages(0).operators(2).sink();
  EXPECT_EQ(sink.topic().key_format().name(), "DELIMITED");
  EXPECT_TRUE(sink.is_table());
  EXPECT_TRUE(r->plan->stages(1).right_operators(0).source().is_table());
}

TEST(JoinRulesTest, KeyNamingAndProjection) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  // The key is the left join column; columns of both sources are prefixed, others are not.
  auto r = RunSql(
      c, "CREATE STREAM A AS SELECT * FROM CARS C JOIN TRIPS T WITHIN 1 HOUR ON C.ID = T.ID;");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text,
            "C_ID INTEGER KEY, C_OWNER INTEGER, C_MODEL STRING, T_ID INTEGER, T_KM INTEGER");
  r = RunSql(c,
             "CREATE STREAM B AS SELECT T.ID, MODEL, KM FROM CARS C JOIN TRIPS T WITHIN 1 HOUR ON "
             "C.ID = T.ID;");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text, "T_ID INTEGER KEY, MODEL STRING, KM INTEGER");
  // FULL OUTER joins get a synthetic ROWKEY key.
  r = RunSql(c,
             "CREATE STREAM C1 AS SELECT ROWKEY AS K, MODEL FROM CARS C FULL OUTER JOIN TRIPS T "
             "WITHIN 1 HOUR ON C.ID = T.ID;");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text, "K INTEGER KEY, MODEL STRING");
  ExpectRejected(
      c,
      "CREATE STREAM D AS SELECT MODEL, KM FROM CARS C JOIN TRIPS T WITHIN 1 HOUR ON C.ID = T.ID;",
      "The query used to build `D` must include the join expressions C.ID or T.ID in its "
      "projection (eg, SELECT C.ID...).");
  ExpectRejected(
      c,
      "CREATE STREAM E AS SELECT MODEL FROM CARS C FULL OUTER JOIN TRIPS T WITHIN 1 HOUR ON C.ID = "
      "T.ID;",
      "must include the join expression ROWKEY in its projection (eg, SELECT ROWKEY...).\n"
      "ROWKEY was added as a synthetic key column because the join criteria did not "
      "match any source column.");
  ExpectRejected(
      c,
      "CREATE STREAM F AS SELECT C.ID, C.ID AS K2, MODEL FROM CARS C JOIN TRIPS T WITHIN 1 HOUR ON "
      "C.ID = T.ID;",
      "The projection contains a key column (`C_ID`) more than once, aliased as: C_ID and K2.");
}

TEST(JoinRulesTest, ForeignKeyJoinKeepsTheLeftKey) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  ASSERT_TRUE(RunSql(c,
                     "CREATE TABLE CARS_T (ID INT PRIMARY KEY, OWNER INT) WITH "
                     "(kafka_topic='cars_t', value_format='JSON', partitions=2);")
                  .ok());
  auto r = RunSql(
      c, "CREATE TABLE A AS SELECT C.ID, NAME FROM CARS_T C JOIN OWNERS O ON C.OWNER = O.ID;");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text, "C_ID INTEGER KEY, NAME STRING");
  ASSERT_TRUE(r->plan.has_value());
  EXPECT_TRUE(r->plan->stages(0).operators(1).join().foreign_key());
}

TEST(JoinRulesTest, GroupByOverStreamTableJoinRepartitionsTheJoinOutput) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  auto r = RunSql(c,
                  "CREATE TABLE KM_BY_NAME AS SELECT O.NAME, SUM(T.KM) AS KM, COUNT(*) AS N "
                  "FROM TRIPS T JOIN OWNERS O ON T.ID = O.ID WHERE T.KM > 0 GROUP BY O.NAME "
                  "HAVING COUNT(*) > 1;");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->plan.has_value());
  // The join stage ends in the rekey by the group key and the repartition sink; the aggregate
  // reads that topic in the next stage.
  ASSERT_EQ(r->plan->stages_size(), 2);
  const auto& join = r->plan->stages(0);
  ASSERT_GE(join.operators_size(), 4);
  EXPECT_TRUE(join.operators(1).has_join());
  EXPECT_TRUE(join.operators(2).has_filter());
  EXPECT_TRUE(join.operators(join.operators_size() - 2).has_rekey());
  const auto& repartition = join.operators(join.operators_size() - 1).sink();
  EXPECT_NE(repartition.topic().name().find("KM_BY_NAME-Aggregate-GroupBy-repartition"),
            std::string::npos);
  const auto& agg = r->plan->stages(1);
  EXPECT_EQ(agg.id(), 1u);
  EXPECT_EQ(agg.operators(0).source().topic().name(), repartition.topic().name());
  EXPECT_TRUE(agg.operators(1).has_aggregate());
  EXPECT_EQ(agg.operators(1).aggregate().calls_size(), 2);
  EXPECT_TRUE(agg.operators(1).aggregate().has_having());
  EXPECT_EQ(r->schema_text, "NAME STRING KEY, KM INTEGER, N BIGINT");
}

TEST(JoinRulesTest, GroupByOverTableTableJoinAggregatesTheChangelog) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  auto r = RunSql(c,
                  "CREATE TABLE BY_CITY AS SELECT G.CITY, COUNT(*) AS N FROM OWNERS O "
                  "JOIN GARAGES G ON O.ID = G.ID GROUP BY G.CITY;");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->plan.has_value());
  ASSERT_EQ(r->plan->stages_size(), 2);
  const auto& join = r->plan->stages(0);
  EXPECT_TRUE(join.operators(1).has_join());
  ASSERT_TRUE(join.operators(2).has_group_by_change());
  // The join's changelog is keyed by the join key, column 0 of its output.
  ASSERT_EQ(join.operators(2).group_by_change().input_key_columns_size(), 1);
  EXPECT_EQ(join.operators(2).group_by_change().input_key_columns(0), 0u);
  EXPECT_TRUE(r->plan->stages(1).operators(1).aggregate().changelog_input());
}

TEST(JoinRulesTest, GroupByOverJoinErrorsNameJoinColumnsWithUnderscores) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  ExpectRejected(c,
                 "CREATE TABLE A AS SELECT O.NAME, SUM(T.KM) FROM TRIPS T JOIN OWNERS O "
                 "ON T.ID = O.ID GROUP BY O.NAME HAVING SUM(T.KM) > 'x';",
                 "Cannot compare SUM(T_KM) (INTEGER) to 'x' (STRING)");
  ExpectRejected(c,
                 "CREATE TABLE A AS SELECT O.NAME, SUM(T.KM), WINDOWSTART AS WS FROM TRIPS T "
                 "JOIN OWNERS O ON T.ID = O.ID WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY O.NAME;",
                 "SELECT column 'WINDOWSTART' cannot be resolved.");
}

// ---- joins of three or more sources: folded left to right, one join stage per join.

TEST(JoinRulesTest, NWayJoinOnOneKeyChainsJoinStagesThroughAnIntermediateTopic) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  auto r = RunSql(c,
                  "CREATE STREAM A AS SELECT * FROM CARS C LEFT JOIN OWNERS O ON C.ID = O.ID "
                  "JOIN GARAGES G ON C.ID = G.ID;");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text,
            "C_ID INTEGER KEY, C_OWNER INTEGER, C_MODEL STRING, O_ID INTEGER, O_NAME STRING, "
            "G_ID INTEGER, G_CITY STRING");
  ASSERT_TRUE(r->plan.has_value());
  ASSERT_EQ(r->plan->stages_size(), 2);
  const auto& first = r->plan->stages(0);
  ASSERT_EQ(first.operators_size(), 4);
  EXPECT_EQ(first.operators(0).source().topic().name(), "cars");
  EXPECT_EQ(first.right_operators(0).source().topic().name(), "owners");
  EXPECT_EQ(first.operators(1).join().store_prefix(), "Join");
  // Joined on the same key: the first join's result keeps its key (column 0 of its output).
  ASSERT_TRUE(first.operators(2).has_project());
  EXPECT_EQ(first.operators(2).project().exprs(0).column(), 0u);
  const auto& mid = first.operators(3).sink();
  EXPECT_EQ(mid.topic().name(), "_skein-default-A-Join2-left-repartition");
  EXPECT_EQ(mid.topic().partitions(), 2u);
  EXPECT_FALSE(mid.is_table());
  const auto& second = r->plan->stages(1);
  EXPECT_EQ(second.operators(0).source().topic().name(), mid.topic().name());
  EXPECT_EQ(second.right_operators(0).source().topic().name(), "garages");
  EXPECT_EQ(second.operators(1).join().store_prefix(), "Join2");
  EXPECT_EQ(second.operators(1).join().type(), v1::JoinOp::TYPE_INNER);
  EXPECT_EQ(second.operators(3).sink().topic().name(), "A");
  // Every join column of a chain on one key can be the key; none projected is an error.
  ExpectRejected(c,
                 "CREATE STREAM B AS SELECT MODEL FROM CARS C LEFT JOIN OWNERS O ON C.ID = O.ID "
                 "LEFT JOIN GARAGES G ON C.ID = G.ID;",
                 "The query used to build `B` must include the join expressions C.ID, O.ID or G.ID "
                 "in its projection (eg, SELECT C.ID...).");
  r = RunSql(c,
             "CREATE STREAM B2 AS SELECT G.ID, NAME, CITY FROM CARS C LEFT JOIN OWNERS O ON "
             "C.ID = O.ID LEFT JOIN GARAGES G ON O.ID = G.ID;");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text, "G_ID INTEGER KEY, NAME STRING, CITY STRING");
}

TEST(JoinRulesTest, NWayJoinOnAnotherKeyRekeysTheIntermediateResult) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  auto r = RunSql(c,
                  "CREATE STREAM A AS SELECT G.ID, MODEL, NAME, CITY FROM CARS C "
                  "JOIN OWNERS O ON C.ID = O.ID JOIN GARAGES G ON C.OWNER = G.ID;");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text, "G_ID INTEGER KEY, MODEL STRING, NAME STRING, CITY STRING");
  ASSERT_TRUE(r->plan.has_value());
  ASSERT_EQ(r->plan->stages_size(), 2);
  // The intermediate result is keyed by C.OWNER: [JOINKEY][C.ID, C.OWNER, ...] -> column 2.
  const auto& project = r->plan->stages(0).operators(2).project();
  EXPECT_EQ(project.exprs(0).column(), 2u);
  EXPECT_EQ(project.output().columns(0).namespace_(), v1::COLUMN_NAMESPACE_KEY);
  // The key was an expression in the first join: its columns are no key candidates.
  ExpectRejected(c,
                 "CREATE STREAM B AS SELECT MODEL FROM CARS C JOIN OWNERS O ON C.ID + 1 = O.ID "
                 "JOIN GARAGES G ON C.ID = G.ID;",
                 "must include the join expressions C.ID or G.ID in its projection (eg, SELECT "
                 "C.ID...).");
  ExpectRejected(c,
                 "CREATE STREAM B AS SELECT MODEL FROM CARS C JOIN OWNERS O ON C.ID = O.ID "
                 "JOIN GARAGES G ON C.ID + 1 = G.ID;",
                 "must include the join expression G.ID in its projection (eg, SELECT G.ID...).");
  // An ON expression equal to the previous join's key (as written there) stays on that key.
  r = RunSql(c,
             "CREATE STREAM E AS SELECT C.ID, MODEL, KM, CITY FROM CARS C JOIN TRIPS T WITHIN 1 "
             "HOUR ON C.ID = ABS(T.ID) JOIN GARAGES G ON ABS(T.ID) = G.ID;");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text, "C_ID INTEGER KEY, MODEL STRING, KM INTEGER, CITY STRING");
  ASSERT_EQ(r->plan->stages_size(), 3);  // TRIPS repartitioned, then the two joins
  EXPECT_EQ(r->plan->stages(1).operators(2).project().exprs(0).column(), 0u);
  // A stream joined on a value column first is repartitioned, then the result is rekeyed.
  r = RunSql(c,
             "CREATE STREAM D AS SELECT T.ID, KM, CITY FROM TRIPS T JOIN OWNERS O ON T.KM = O.ID "
             "JOIN GARAGES G ON T.ID = G.ID;");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->plan->stages_size(), 3);
  EXPECT_EQ(r->plan->stages(0).operators(2).sink().topic().name(),
            "_skein-default-D-Join-left-repartition");
  EXPECT_EQ(r->plan->stages(1).operators(3).sink().topic().name(),
            "_skein-default-D-Join2-left-repartition");
}

TEST(JoinRulesTest, NWayTableJoinsStayChangelogsAndMayEndInAForeignKeyJoin) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  ASSERT_TRUE(RunSql(c,
                     "CREATE TABLE PEOPLE (ID INT PRIMARY KEY, TOWN STRING) WITH "
                     "(kafka_topic='people', value_format='JSON', partitions=2);"
                     "CREATE TABLE TOWNS (NAME STRING PRIMARY KEY, ZIP INT) WITH "
                     "(kafka_topic='towns', value_format='JSON', partitions=2);")
                  .ok());
  auto r = RunSql(c,
                  "CREATE TABLE A AS SELECT P.ID, O.NAME, ZIP FROM PEOPLE P JOIN OWNERS O ON "
                  "P.ID = O.ID LEFT JOIN TOWNS T ON P.TOWN = T.NAME;");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->plan.has_value());
  ASSERT_EQ(r->plan->stages_size(), 2);
  EXPECT_TRUE(r->plan->stages(0).operators(3).sink().is_table());
  EXPECT_TRUE(r->plan->stages(1).operators(0).source().is_table());
  EXPECT_TRUE(r->plan->stages(1).operators(1).join().foreign_key());
  // The foreign-key join is keyed by the left key (INT), not by the foreign key (STRING).
  const auto& project = r->plan->stages(1).operators(2).project();
  EXPECT_EQ(project.output().columns(0).name(), "P_ID");
  EXPECT_EQ(project.exprs(0).type().kind(), v1::TYPE_KIND_INTEGER);
}

TEST(JoinRulesTest, NWayJoinRejectedForms) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  ExpectRejected(c,
                 "CREATE STREAM A AS SELECT * FROM CARS C JOIN OWNERS O ON C.ID = O.ID "
                 "JOIN OWNERS P ON C.ID = P.ID;",
                 "line 1:75: N-way joins do not support multiple occurrences of the same "
                 "source. Source: 'OWNERS'");
  ExpectRejected(c,
                 "CREATE STREAM A AS SELECT * FROM CARS C JOIN OWNERS O ON C.ID = O.ID "
                 "JOIN GARAGES G ON C.ID = O.ID;",
                 "line 1:88: A join criteria is expected to reference the source (`G`) in the "
                 "FROM clause, "
                 "instead the right source references `O` and the left source references `C`");
  ExpectRejected(c,
                 "CREATE STREAM A AS SELECT * FROM CARS C JOIN OWNERS O ON C.ID = O.ID "
                 "JOIN GARAGES G ON C.OWNER = C.ID;",
                 "Each side of the join must reference exactly one source and not the same "
                 "source. Left side references `C` and right references `C`");
  ExpectRejected(c,
                 "CREATE STREAM A AS SELECT * FROM OWNERS O JOIN GARAGES G ON O.ID = G.ID "
                 "JOIN CARS C ON G.ID = C.ID;",
                 "Invalid join order: table-stream joins are not supported; only stream-table "
                 "joins. Got GARAGES [INNER] JOIN CARS.");
  ExpectRejected(c,
                 "CREATE STREAM A AS SELECT * FROM CARS C JOIN OWNERS O ON C.ID = O.ID "
                 "JOIN TRIPS T ON C.ID = T.ID;",
                 "Stream-Stream joins must have a WITHIN clause specified.");
  ExpectRejected(c,
                 "CREATE STREAM A AS SELECT * FROM CARS C JOIN OWNERS O ON C.ID = O.ID "
                 "JOIN ODD D WITHIN 1 HOUR ON C.ID = D.ID;",
                 "Can't join `CARS` with `ODD` since the number of partitions don't match. "
                 "`CARS` partitions = 2; `ODD` partitions = 3.");
  ExpectRejected(c,
                 "CREATE STREAM A AS SELECT * FROM CARS C JOIN OWNERS O ON C.ID = O.ID "
                 "JOIN GARAGES G ON C.ID = X.ID;",
                 "'X' is not a valid stream/table name or alias.");
  ExpectRejected(c,
                 "CREATE TABLE A AS SELECT * FROM CARS C JOIN OWNERS O ON C.ID = O.ID "
                 "JOIN GARAGES G ON C.ID = G.ID;",
                 "Invalid result type. Your SELECT query produces a STREAM.");
  // Rekeyed on another column, the partition counts need not match.
  auto r = RunSql(c,
                  "CREATE STREAM B AS SELECT D.ID, MODEL, X FROM CARS C JOIN OWNERS O ON "
                  "C.ID = O.ID JOIN ODD D WITHIN 1 HOUR ON C.OWNER = D.ID;");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->plan->stages(0).operators(3).sink().topic().partitions(), 3u);
}

TEST(JoinRulesTest, GroupByOverNWayJoinAggregatesTheLastJoin) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  auto r = RunSql(c,
                  "CREATE TABLE BY_CITY AS SELECT G.CITY, COUNT(*) AS N, MAX(O.NAME) AS M "
                  "FROM CARS C JOIN OWNERS O ON C.ID = O.ID JOIN GARAGES G ON C.ID = G.ID "
                  "GROUP BY G.CITY;");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text, "CITY STRING KEY, N BIGINT, M STRING");
  ASSERT_TRUE(r->plan.has_value());
  ASSERT_EQ(r->plan->stages_size(), 3);
  EXPECT_TRUE(r->plan->stages(0).operators(1).has_join());
  EXPECT_TRUE(r->plan->stages(1).operators(1).has_join());
  EXPECT_TRUE(r->plan->stages(2).operators(1).has_aggregate());
}

TEST(JoinRulesTest, StarWithGroupByOverAJoinExpandsEveryJoinedSource) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  ExpectRejected(c,
                 "CREATE TABLE A AS SELECT *, COUNT(*) AS N FROM CARS C JOIN OWNERS O "
                 "ON C.ID = O.ID GROUP BY C.MODEL;",
                 "Non-aggregate SELECT expression(s) not part of GROUP BY: C.ID, C.OWNER, O.ID, "
                 "O.NAME");
  auto r = RunSql(c,
                  "CREATE TABLE B WITH (key_format='JSON') AS SELECT O.*, COUNT(*) AS N FROM "
                  "CARS C JOIN OWNERS O ON C.ID = O.ID JOIN GARAGES G ON C.ID = G.ID "
                  "GROUP BY O.NAME, O.ID;");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text, "O_NAME STRING KEY, O_ID INTEGER KEY, N BIGINT");
}

TEST(JoinRulesTest, StarWithPartitionByOverAJoinListsEachSourcesPseudoColumns) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  // As ksqlDB plans it: per source its values, ROWTIME, ROWPARTITION, ROWOFFSET, then its key;
  // an unqualified partitioning column (MODEL) matches the projected C.MODEL.
  auto r = RunSql(c,
                  "CREATE STREAM A AS SELECT * FROM CARS C JOIN TRIPS T WITHIN 1 HOUR ON "
                  "C.OWNER = T.KM PARTITION BY ID;");
  ASSERT_FALSE(r.ok());  // ID is ambiguous (CARS and TRIPS)
  r = RunSql(c,
             "CREATE STREAM B AS SELECT * FROM CARS C JOIN OWNERS O ON C.ID = O.ID "
             "PARTITION BY MODEL;");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text,
            "C_MODEL STRING KEY, C_OWNER INTEGER, C_ROWTIME BIGINT, C_ROWPARTITION INTEGER, "
            "C_ROWOFFSET BIGINT, C_ID INTEGER, O_NAME STRING, O_ROWTIME BIGINT, "
            "O_ROWPARTITION INTEGER, O_ROWOFFSET BIGINT, O_ID INTEGER");
}

}  // namespace
}  // namespace skein::compiler
