// Schema inference from registered Avro schemas, and the thread's default registry.

#include "gtest/gtest.h"
#include "serde_test_util.h"
#include "skein/serde/avro_schema.h"
#include "skein/serde/schema_registry.h"

namespace skein::serde {
namespace {

using types::SqlType;

TEST(AvroInferTest, RecordFieldsBecomeUpperCaseColumns) {
  bool is_record = false;
  auto cols = ColumnsFromAvroSchema(
      R"({"type":"record","name":"Order","namespace":"shop","fields":[
           {"name":"orderId","type":"long"},
           {"name":"note","type":["null","string"],"default":null},
           {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":6,
                                    "scale":2}},
           {"name":"placed","type":{"type":"long","logicalType":"timestamp-millis"}},
           {"name":"day","type":{"type":"int","logicalType":"date"}},
           {"name":"tags","type":{"type":"array","items":"string"}},
           {"name":"qty","type":{"type":"map","values":["null","int"]}},
           {"name":"state","type":{"type":"enum","name":"State","symbols":["NEW","DONE"]}},
           {"name":"ratio","type":"float"},
           {"name":"addr","type":{"type":"record","name":"Addr","fields":[
              {"name":"zip","type":"string"}]}},
           {"name":"addr2","type":["null","shop.Addr"]}]})",
      /*is_key=*/false, &is_record);
  ASSERT_TRUE(cols.ok()) << cols.status();
  EXPECT_TRUE(is_record);
  SqlType addr = SqlType::Struct({{"ZIP", SqlType::String()}});
  std::vector<Column> want = {
      Col("ORDERID", SqlType::Bigint()),
      Col("NOTE", SqlType::String()),
      Col("AMOUNT", SqlType::Decimal(6, 2)),
      Col("PLACED", SqlType::Timestamp()),
      Col("DAY", SqlType::Date()),
      Col("TAGS", SqlType::Array(SqlType::String())),
      Col("QTY", SqlType::Map(SqlType::String(), SqlType::Integer())),
      Col("STATE", SqlType::String()),
      Col("RATIO", SqlType::Double()),
      Col("ADDR", addr),
      Col("ADDR2", addr),
  };
  ASSERT_EQ(cols->size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ((*cols)[i].name, want[i].name);
    EXPECT_EQ((*cols)[i].type, want[i].type) << want[i].name;
  }
}

TEST(AvroInferTest, AnonymousSchemaIsOneColumn) {
  bool is_record = true;
  auto value = ColumnsFromAvroSchema(R"(["null",{"type":"array","items":"long"}])",
                                     /*is_key=*/false, &is_record);
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_FALSE(is_record);
  ASSERT_EQ(value->size(), 1u);
  EXPECT_EQ((*value)[0].name, "ROWVAL");
  EXPECT_EQ((*value)[0].type, SqlType::Array(SqlType::Bigint()));

  auto key = ColumnsFromAvroSchema(R"("string")", /*is_key=*/true);
  ASSERT_TRUE(key.ok()) << key.status();
  ASSERT_EQ(key->size(), 1u);
  EXPECT_EQ((*key)[0].name, "ROWKEY");
  EXPECT_EQ((*key)[0].ns, types::ColumnNamespace::kKey);
}

TEST(AvroInferTest, RejectsWhatSqlCannotHold) {
  EXPECT_EQ(ColumnsFromAvroSchema(R"(["int","string"])", false).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ColumnsFromAvroSchema("{not json", false).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ColumnsFromAvroSchema(R"({"type":"record","name":"R","fields":[
                                       {"name":"x","type":"NoSuchType"}]})",
                                  false)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AvroInferTest, DefaultRegistryIsScopedToTheThread) {
  EXPECT_EQ(DefaultSchemaRegistry(), nullptr);
  EXPECT_EQ(MakeFormat("AVRO", {Col("A", SqlType::Integer())}).status().code(),
            absl::StatusCode::kInvalidArgument);
  InMemorySchemaRegistry outer, inner;
  {
    ScopedDefaultSchemaRegistry s1(&outer);
    EXPECT_EQ(DefaultSchemaRegistry(), &outer);
    {
      ScopedDefaultSchemaRegistry s2(&inner);
      EXPECT_EQ(DefaultSchemaRegistry(), &inner);
      auto f = MakeFormat("AVRO", {Col("A", SqlType::Integer())});
      ASSERT_TRUE(f.ok()) << f.status();
      std::string bytes;
      std::vector<Value> in = {Value::Integer(42)};
      ASSERT_TRUE((*f)->Encode(in, &bytes).ok());
      // The generated schema went to the inner registry only.
      int32_t id = 0;
      std::string_view payload;
      ASSERT_TRUE(ParseConfluentHeader(bytes, &id, &payload).ok());
      EXPECT_TRUE(inner.GetById(id).ok());
      EXPECT_FALSE(outer.GetById(id).ok());
      std::vector<Value> out(1);
      ASSERT_TRUE((*f)->Decode(std::string_view(bytes), out).ok());
      EXPECT_EQ(out[0].integer(), 42);
    }
    EXPECT_EQ(DefaultSchemaRegistry(), &outer);
  }
  EXPECT_EQ(DefaultSchemaRegistry(), nullptr);
}

}  // namespace
}  // namespace skein::serde
