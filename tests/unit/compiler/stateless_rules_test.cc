// ksqlDB's analysis rules for stateless queries: IN-list and constructor coercion, format
// defaults and validation, reserved aliases, table functions. Statements are written for
// these tests (not taken from ksqlDB's QTT files).

#include <gtest/gtest.h>

#include "compile_sql.h"
#include "skein/compiler/compiler.h"
#include "skein/sql/parser.h"

namespace skein::compiler {
namespace {

constexpr char kPets[] =
    "CREATE STREAM PETS (TAG STRING KEY, LEGS INT, WEIGHT DOUBLE, KIND STRING, OK BOOLEAN) "
    "WITH (kafka_topic='pets', value_format='JSON');";

TEST(StatelessRulesTest, InListLiteralsFollowTheOperandType) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kPets).ok());
  // Any literal converts to a STRING operand; a string literal is parsed as a number.
  EXPECT_TRUE(
      RunSql(c, "CREATE STREAM A AS SELECT * FROM PETS WHERE KIND IN (4, false, 'cat');").ok());
  EXPECT_TRUE(RunSql(c, "CREATE STREAM B AS SELECT * FROM PETS WHERE LEGS IN ('4', '6e0');").ok());
  ExpectRejected(c, "CREATE STREAM C AS SELECT * FROM PETS WHERE LEGS IN (4, 'four');",
                 "Invalid Predicate: invalid input syntax for type INTEGER: \"four\".");
  ExpectRejected(c, "CREATE STREAM D AS SELECT * FROM PETS WHERE OK IN (true, 'perhaps');",
                 "invalid input syntax for type BOOLEAN: \"perhaps\".");
  ExpectRejected(c, "CREATE STREAM E AS SELECT * FROM PETS WHERE KIND IN ('dog', WEIGHT);",
                 "Invalid Predicate: operator does not exist: STRING = DOUBLE (WEIGHT)");
  ExpectRejected(c, "CREATE STREAM F AS SELECT * FROM PETS WHERE LEGS IN (4, OK);",
                 "Invalid Predicate: operator does not exist: INTEGER = BOOLEAN (OK)");
}

TEST(StatelessRulesTest, InListConstructorsTakeTheOperandType) {
  Compiler c;
  ASSERT_TRUE(RunSql(c,
                     "CREATE STREAM BOXES (K STRING KEY, SIZES ARRAY<BIGINT>, "
                     "DIMS STRUCT<W BIGINT, H BIGINT>) WITH (kafka_topic='boxes', "
                     "value_format='JSON');")
                  .ok());
  auto arrays = RunSql(c,
                       "CREATE STREAM A AS SELECT * FROM BOXES WHERE SIZES IN (ARRAY['1', NULL], "
                       "ARRAY[2, 3]);");
  EXPECT_TRUE(arrays.ok()) << arrays.status();
  // Fields are matched by name; a missing one is NULL, an extra one is dropped.
  auto structs =
      RunSql(c,
             "CREATE STREAM B AS SELECT * FROM BOXES WHERE DIMS IN (STRUCT(H := 1, W := '2'), "
             "STRUCT(W := 5), STRUCT(W := 1, H := 2, D := 3));");
  EXPECT_TRUE(structs.ok()) << structs.status();
  ExpectRejected(c, "CREATE STREAM C AS SELECT * FROM BOXES WHERE SIZES IN (ARRAY['1', 'lots']);",
                 "Invalid Predicate: invalid input syntax for type BIGINT: \"lots\".");
  ExpectRejected(c, "CREATE STREAM D AS SELECT * FROM BOXES WHERE SIZES IN (ARRAY[K]);",
                 "Invalid Predicate: operator does not exist: ARRAY<BIGINT> = ARRAY<STRING>");
}

TEST(StatelessRulesTest, ArrayConstructorCoercion) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kPets).ok());
  auto r = RunSql(c, "CREATE STREAM A AS SELECT TAG, ARRAY['3e0', LEGS, NULL] AS L FROM PETS;");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text, "TAG STRING KEY, L ARRAY<INTEGER>");
  ExpectRejected(c, "CREATE STREAM B AS SELECT TAG, ARRAY[LEGS, 'many'] AS L FROM PETS;",
                 "invalid input syntax for type INTEGER: \"many\".");
  ExpectRejected(c, "CREATE STREAM C AS SELECT TAG, ARRAY[] AS L FROM PETS;",
                 "Array constructor cannot be empty.");
  ExpectRejected(c, "CREATE STREAM D AS SELECT TAG, ARRAY[NULL, NULL] AS L FROM PETS;",
                 "Cannot construct an array with all NULL elements");
  ExpectRejected(c, "CREATE STREAM E AS SELECT TAG, STRUCT(A := LEGS, A := KIND) AS S FROM PETS;",
                 "Duplicate field names found in STRUCT");
}

TEST(StatelessRulesTest, ExpressionRules) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kPets).ok());
  ExpectRejected(c, "CREATE STREAM A AS SELECT TAG, NULL = NULL AS X FROM PETS;",
                 "Comparison with NULL not supported: NULL = NULL");
  ExpectRejected(c, "CREATE STREAM B AS SELECT TAG, CASE WHEN OK THEN NULL END AS X FROM PETS;",
                 "Invalid Case expression. All case branches have NULL type");
  ExpectRejected(c, "CREATE STREAM C AS SELECT TAG, CAST(LEGS AS ARRAY<INT>) AS X FROM PETS;",
                 "Invalid Select: Cast of INTEGER to ARRAY<INTEGER> is not supported");
  ExpectRejected(c, "CREATE STREAM D AS SELECT TAG, LEGS AS ROWTIME FROM PETS;",
                 "`ROWTIME` is a reserved column name. You cannot use it as an alias");
  ExpectRejected(c, "CREATE STREAM E (A NULL) WITH (kafka_topic='e', value_format='JSON');",
                 "Syntax Error");
}

TEST(StatelessRulesTest, ProjectionAndPartitionRules) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kPets).ok());
  ExpectRejected(c, "CREATE STREAM A AS SELECT TAG, NULL AS NOTHING FROM PETS;",
                 "Can't infer a type of null. Please explicitly cast it");
  ExpectRejected(c, "CREATE STREAM B AS SELECT * FROM PETS PARTITION BY KIND, NULL;",
                 "Cannot PARTITION BY multiple columns including NULL");
  ExpectRejected(c, "CREATE STREAM C AS SELECT * FROM PETS PARTITION BY ();",
                 "PARTITION BY requires at least one expression");
  ExpectRejected(c, "CREATE STREAM D AS SELECT KIND, TAG FROM PETS PARTITION BY KIND, LEGS;",
                 "must include the partitioning expressions PETS.KIND and PETS.LEGS in its "
                 "projection (eg, SELECT PETS.KIND, PETS.LEGS...).");
  ExpectRejected(c, "INSERT INTO `pets` (TAG, LEGS) VALUES ('rex', 4);",
                 "Did you mean PETS? Hint: try removing double quotes from the source name.");
}

TEST(StatelessRulesTest, StructFieldNamesGetSuffixesOnClash) {
  Compiler c;
  ASSERT_TRUE(RunSql(c,
                     "CREATE STREAM S (K STRING KEY, N INT, P STRUCT<N INT, M INT>, "
                     "Q STRUCT<N INT>) WITH (kafka_topic='s', value_format='JSON');")
                  .ok());
  auto r = RunSql(c, "CREATE STREAM O AS SELECT K, P->N, Q->N, P->M, N FROM S;");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text, "K STRING KEY, N_1 INTEGER, N_2 INTEGER, M INTEGER, N INTEGER");
}

TEST(StatelessRulesTest, FormatDefaultsAndValidation) {
  Compiler c;
  ExpectRejected(c, "CREATE STREAM A (V INT) WITH (kafka_topic='a');",
                 "Statement is missing the 'VALUE_FORMAT' property from the WITH clause.");
  c.mutable_catalog().SetProperty("ksql.persistence.default.format.value", "JSON");
  ASSERT_TRUE(RunSql(c, "CREATE STREAM B (V INT) WITH (kafka_topic='b');").ok());
  EXPECT_EQ(c.catalog().FindSource("B")->value_format.name, "JSON");

  ExpectRejected(c,
                 "CREATE STREAM C (V INT) WITH (kafka_topic='c', value_format='DELIMITED', "
                 "value_delimiter='||');",
                 "Invalid delimiter value: '||'. Delimiter must be a single character or "
                 "TAB,SPACE\nExample valid value: ';'");
  ExpectRejected(c,
                 "CREATE STREAM D (V INT) WITH (kafka_topic='d', value_format='DELIMITED', "
                 "value_delimiter=' ');",
                 "please use the special values 'TAB' or 'SPACE'");
  ExpectRejected(c,
                 "CREATE STREAM E (V INT) WITH (kafka_topic='e', value_format='JSON', "
                 "value_delimiter=';');",
                 "JSON does not support the following configs: [delimiter]");
  ExpectRejected(c,
                 "CREATE STREAM G (V INT) WITH (kafka_topic='g', value_format='JSON', "
                 "value_avro_schema_full_name='com.example.V');",
                 "JSON does not support the following configs: [fullSchemaName]");
  ExpectRejected(c,
                 "CREATE STREAM H (V INT) WITH (kafka_topic='h', value_format='AVRO', "
                 "value_avro_schema_full_name=' ');",
                 "fullSchemaName cannot be empty. Format configuration: {fullSchemaName=}");
  ExpectRejected(c,
                 "CREATE STREAM F (V INT) WITH (kafka_topic='f', value_format='KAFKA', "
                 "wrap_single_value=true);",
                 "Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'.");
  ExpectRejected(c, "CREATE STREAM G (V INT) WITH (kafka_topic='g', value_format='NONE');",
                 "Got: [`V` INTEGER]");
  ExpectRejected(c, "CREATE STREAM H WITH (key_format='BOGUS') AS SELECT * FROM B;",
                 "Unknown format: BOGUS");
}

TEST(StatelessRulesTest, DerivedSourcesDoNotInheritUnwrappingOrNoneKeys) {
  Compiler c;
  ASSERT_TRUE(RunSql(c,
                     "CREATE STREAM S (V INT, W INT) WITH (kafka_topic='s', key_format='NONE', "
                     "value_format='JSON');")
                  .ok());
  ASSERT_TRUE(RunSql(c,
                     "CREATE STREAM U (V INT) WITH (kafka_topic='u', value_format='JSON', "
                     "wrap_single_value=false);")
                  .ok());
  ASSERT_TRUE(RunSql(c, "CREATE STREAM U2 AS SELECT * FROM U;").ok());
  EXPECT_EQ(c.catalog().FindSource("U2")->value_format.properties.count("WRAP_SINGLE_VALUE"), 0u);
  ASSERT_TRUE(RunSql(c, "CREATE STREAM K1 AS SELECT * FROM S PARTITION BY W;").ok());
  EXPECT_EQ(c.catalog().FindSource("K1")->key_format.name, "KAFKA");
  ASSERT_TRUE(RunSql(c, "CREATE STREAM K2 WITH (key_format='NONE') AS SELECT * FROM U;").ok());
  EXPECT_EQ(c.catalog().FindSource("K2")->key_format.name, "NONE");
}

TEST(StatelessRulesTest, ExplodeBecomesFlatMap) {
  Compiler c;
  ASSERT_TRUE(RunSql(c,
                     "CREATE STREAM S (K STRING KEY, XS ARRAY<BIGINT>) WITH (kafka_topic='s', "
                     "value_format='JSON');")
                  .ok());
  auto r = RunSql(c, "CREATE STREAM O AS SELECT K, EXPLODE(XS) AS X FROM S;");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text, "K STRING KEY, X BIGINT");
  const auto& ops = r->plan->stages(0).operators();
  ASSERT_EQ(ops.size(), 3);
  ASSERT_TRUE(ops[1].has_flat_map());
  EXPECT_EQ(ops[1].flat_map().exprs(1).call().function(), "EXPLODE");
}

}  // namespace
}  // namespace skein::compiler
