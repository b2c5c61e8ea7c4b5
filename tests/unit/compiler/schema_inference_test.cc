// CREATE STREAM/TABLE over AVRO without columns takes them from the host's schema inferer.

#include <gtest/gtest.h>

#include "skein/compiler/compiler.h"
#include "skein/sql/parser.h"

namespace skein::compiler {
namespace {

using types::SqlType;

absl::StatusOr<StatementResult> RunOne(Compiler& c, const std::string& sql) {
  auto parsed = sql::ParseStatements(sql);
  if (!parsed.ok()) return parsed.status();
  return c.Execute(*parsed->at(0).statement, parsed->at(0).text);
}

types::Column Col(std::string name, SqlType t) {
  types::Column c;
  c.name = std::move(name);
  c.type = std::move(t);
  return c;
}

// Knows value schemas for "orders" (a record) and "counts" (a bare long), key for "orders".
void InstallInferer(Compiler& c, std::vector<std::string>* calls) {
  c.mutable_catalog().set_schema_inferer([calls](const std::string& topic, bool is_key,
                                                 bool single) -> absl::StatusOr<InferredSchema> {
    calls->push_back(topic + (is_key ? ":key" : ":value") + (single ? ":single" : ""));
    InferredSchema s;
    if (topic == "orders" && is_key) {
      s.columns = {Col("ROWKEY", SqlType::String())};
      s.unwrapped = true;
      return s;
    }
    if (topic == "orders" && single) {
      s.columns = {Col("ROWVAL", SqlType::Struct({{"QTY", SqlType::Integer()}}))};
      s.unwrapped = true;
      return s;
    }
    if (topic == "orders") {
      s.columns = {Col("QTY", SqlType::Integer()), Col("NOTE", SqlType::String())};
      return s;
    }
    if (topic == "counts" && !is_key) {
      s.columns = {Col("ROWVAL", SqlType::Bigint())};
      s.unwrapped = true;
      return s;
    }
    return absl::NotFoundError("no schema");
  });
}

TEST(SchemaInferenceTest, ValueColumnsComeFromTheRegistry) {
  Compiler c;
  std::vector<std::string> calls;
  InstallInferer(c, &calls);
  auto r = RunOne(c, "CREATE STREAM O WITH (kafka_topic='orders', value_format='AVRO');");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text, "QTY INTEGER, NOTE STRING");
  EXPECT_EQ(calls, std::vector<std::string>{"orders:value"});
}

TEST(SchemaInferenceTest, KeyAndValueInferredWithAvroFormat) {
  Compiler c;
  std::vector<std::string> calls;
  InstallInferer(c, &calls);
  auto r = RunOne(c, "CREATE TABLE T WITH (kafka_topic='orders', format='AVRO');");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text, "ROWKEY STRING KEY, QTY INTEGER, NOTE STRING");
}

TEST(SchemaInferenceTest, AnonymousSchemaIsUnwrapped) {
  Compiler c;
  std::vector<std::string> calls;
  InstallInferer(c, &calls);
  auto r = RunOne(c, "CREATE STREAM N WITH (kafka_topic='counts', value_format='AVRO');");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->schema_text, "ROWVAL BIGINT");
  const DataSource* s = c.catalog().FindSource("N");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->value_format.properties.at("WRAP_SINGLE_VALUE"), "false");
  // WRAP_SINGLE_VALUE=false asks for the whole record as one column.
  auto single = RunOne(c,
                       "CREATE STREAM W WITH (kafka_topic='orders', value_format='AVRO', "
                       "wrap_single_value=false);");
  ASSERT_TRUE(single.ok()) << single.status();
  EXPECT_EQ(single->schema_text, "ROWVAL STRUCT<`QTY` INTEGER>");
}

TEST(SchemaInferenceTest, DeclaredColumnsAndOtherFormatsAreNotInferred) {
  Compiler c;
  std::vector<std::string> calls;
  InstallInferer(c, &calls);
  ASSERT_TRUE(RunOne(c,
                     "CREATE STREAM D (K STRING KEY, A INT) WITH (kafka_topic='orders', "
                     "value_format='AVRO', key_format='KAFKA');")
                  .ok());
  ASSERT_TRUE(RunOne(c,
                     "CREATE STREAM J (A INT) WITH (kafka_topic='orders', "
                     "value_format='JSON');")
                  .ok());
  EXPECT_TRUE(calls.empty());
}

TEST(SchemaInferenceTest, MissingValueSchemaIsRejected) {
  Compiler c;
  std::vector<std::string> calls;
  InstallInferer(c, &calls);
  auto r = RunOne(c, "CREATE STREAM X WITH (kafka_topic='nothing', value_format='AVRO');");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("does not exist in the Schema Registry"), std::string::npos);
}

}  // namespace
}  // namespace skein::compiler
