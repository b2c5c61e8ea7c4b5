// AVRO format: ksqlDB-shaped schemas, Confluent framing, round trips, writer-schema reads.

#include <random>

#include "gtest/gtest.h"
#include "serde_test_util.h"
#include "skein/serde/avro_schema.h"
#include "skein/serde/schema_registry.h"

namespace skein::serde {
namespace {

using types::SqlType;

FormatOptions AvroOptions(SchemaRegistry* registry, bool is_key = false) {
  FormatOptions o;
  o.is_key = is_key;
  o.schema_registry = registry;
  o.subject = is_key ? "topic-key" : "topic-value";
  return o;
}

TEST(AvroSchemaTest, NamesAndShapesLikeKsql) {
  auto schema =
      AvroSchemaJson({Col("ID", SqlType::Bigint()), Col("P", SqlType::Decimal(4, 2)),
                      Col("S", SqlType::Struct({{"F1", SqlType::Array(SqlType::String())}}))},
                     /*unwrapped=*/false);
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_EQ(*schema,
            R"({"type":"record","name":"KsqlDataSourceSchema",)"
            R"("namespace":"io.confluent.ksql.avro_schemas","fields":[)"
            R"({"name":"ID","type":["null","long"],"default":null},)"
            R"({"name":"P","type":["null",{"type":"bytes","logicalType":"decimal",)"
            R"("precision":4,"scale":2}],"default":null},)"
            R"({"name":"S","type":["null",{"type":"record","name":"KsqlDataSourceSchema_S",)"
            R"("namespace":"io.confluent.ksql.avro_schemas","fields":[{"name":"F1","type":)"
            R"(["null",{"type":"array","items":["null","string"]}],"default":null}]}],)"
            R"("default":null}]})");
  EXPECT_EQ(*AvroSchemaJson({Col("K", SqlType::Integer())}, /*unwrapped=*/true),
            R"(["null","int"])");
  EXPECT_FALSE(
      AvroSchemaJson({Col("M", SqlType::Map(SqlType::Integer(), SqlType::Integer()))}, false).ok());
}

TEST(SchemaRegistryTest, InMemoryIdsAndFraming) {
  InMemorySchemaRegistry registry;
  EXPECT_EQ(*registry.Register("a-value", "\"int\""), 1);
  EXPECT_EQ(*registry.Register("b-value", "\"long\""), 2);
  EXPECT_EQ(*registry.Register("c-value", "\"int\""), 1);
  EXPECT_EQ(*registry.LatestId("b-value"), 2);
  EXPECT_EQ(registry.LatestId("zzz").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(registry.GetById(9).status().code(), absl::StatusCode::kNotFound);
  std::string framed;
  AppendConfluentHeader(258, &framed);
  framed += "xy";
  EXPECT_EQ(framed, std::string("\0\0\0\x01\x02xy", 7));
  int32_t id = 0;
  std::string_view payload;
  ASSERT_TRUE(ParseConfluentHeader(framed, &id, &payload).ok());
  EXPECT_EQ(id, 258);
  EXPECT_EQ(payload, "xy");
  EXPECT_FALSE(ParseConfluentHeader("\x01\0\0\0\x01", &id, &payload).ok());
  EXPECT_FALSE(ParseConfluentHeader("\0\0", &id, &payload).ok());
}

TEST(AvroFormatTest, RoundTripsEveryType) {
  InMemorySchemaRegistry registry;
  SqlType st = SqlType::Struct({{"A", SqlType::Integer()}, {"B", SqlType::Bytes()}});
  std::vector<Column> cols = {Col("B", SqlType::Boolean()),
                              Col("I", SqlType::Integer()),
                              Col("L", SqlType::Bigint()),
                              Col("D", SqlType::Double()),
                              Col("N", SqlType::Decimal(20, 3)),
                              Col("S", SqlType::String()),
                              Col("T", SqlType::Timestamp()),
                              Col("DT", SqlType::Date()),
                              Col("TM", SqlType::Time()),
                              Col("A", SqlType::Array(SqlType::Integer())),
                              Col("M", SqlType::Map(SqlType::String(), st)),
                              Col("X", st)};
  auto f = Make("AVRO", cols, AvroOptions(&registry));
  ASSERT_NE(f, nullptr);
  std::vector<Value> row = {
      Value::Boolean(true),
      Value::Integer(-3),
      Value::Bigint(1LL << 40),
      Value::Double(2.5),
      Value::Decimal(-12345678901234567, 3),
      Value::String("héllo"),
      Value::Timestamp(1651182287943),
      Value::Date(19110),
      Value::Time(78287943),
      Value::Array({Value::Integer(1), Value::Null()}),
      Value::Map({{Value::String("k"), Value::Struct({Value::Integer(5), Value::Bytes("\x01")})}}),
      Value()};
  std::string enc = EncodeOk(*f, row);
  ASSERT_GT(enc.size(), 5u);
  EXPECT_EQ(enc[0], '\0');
  std::vector<Value> back(cols.size());
  auto r = f->Decode(enc, back);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(back, row);
}

TEST(AvroFormatTest, DecimalBytesAreMinimalTwosComplement) {
  InMemorySchemaRegistry registry;
  auto f = Make("AVRO", {Col("N", SqlType::Decimal(4, 2))}, AvroOptions(&registry, true));
  // Unwrapped: union branch 1 (zigzag 0x02), bytes length 1 (0x02), value 0x80 needs 2 bytes.
  EXPECT_EQ(EncodeOk(*f, {Value::Decimal(-1, 2)}), std::string("\0\0\0\0\x01\x02\x02\xff", 8));
  EXPECT_EQ(EncodeOk(*f, {Value::Decimal(128, 2)}), std::string("\0\0\0\0\x01\x02\x04\x00\x80", 9));
}

TEST(AvroFormatTest, ReadsWithTheWriterSchemaByFieldName) {
  InMemorySchemaRegistry registry;
  // Another producer wrote the fields in a different order, lower case, plus an extra one.
  auto writer = Make("AVRO",
                     {Col("extra", SqlType::String()), Col("price", SqlType::Integer()),
                      Col("id", SqlType::Bigint())},
                     AvroOptions(&registry));
  std::string enc = EncodeOk(*writer, {Value::String("x"), Value::Integer(7), Value::Bigint(9)});
  InMemorySchemaRegistry* shared = &registry;
  auto reader = Make("AVRO", {Col("ID", SqlType::Bigint()), Col("PRICE", SqlType::Double())},
                     AvroOptions(shared));
  std::vector<Value> row(2);
  ASSERT_TRUE(reader->Decode(enc, row).ok());
  EXPECT_EQ(row[0], Value::Bigint(9));
  EXPECT_EQ(row[1], Value::Double(7.0));
}

TEST(AvroFormatTest, ErrorsAreInvalidArgument) {
  InMemorySchemaRegistry registry;
  auto f = Make("AVRO", {Col("A", SqlType::Integer()), Col("S", SqlType::String())},
                AvroOptions(&registry));
  std::vector<Value> row(2);
  EXPECT_EQ(f->Decode(std::string_view("\x01\0\0\0\x01", 5), row).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(f->Decode(std::string_view("\0\0\0\0\x63\x02", 6), row).status().code(),
            absl::StatusCode::kInvalidArgument);  // unknown schema id 99
  EXPECT_EQ(f->Decode(std::string_view("\0\0\0\0\x01\x02", 6), row).status().code(),
            absl::StatusCode::kInvalidArgument);  // truncated
  EXPECT_EQ(MakeFormat("AVRO", {Col("A", SqlType::Integer())}).status().code(),
            absl::StatusCode::kInvalidArgument);  // no registry
  EXPECT_EQ(*f->Decode(std::nullopt, row), RecordKind::kNull);
}

TEST(AvroFormatTest, RandomBytesNeverCrash) {
  InMemorySchemaRegistry registry;
  auto f = Make("AVRO",
                {Col("A", SqlType::Integer()), Col("S", SqlType::String()),
                 Col("L", SqlType::Array(SqlType::Decimal(10, 2))),
                 Col("M", SqlType::Map(SqlType::String(), SqlType::Double()))},
                AvroOptions(&registry));
  std::string valid =
      EncodeOk(*f, {Value::Integer(1), Value::String("abc"), Value::Array({Value::Decimal(125, 2)}),
                    Value::Map({{Value::String("k"), Value::Double(1.5)}})});
  std::mt19937_64 rng(99);
  std::vector<Value> row(4);
  int ok = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string in = valid;
    // Keep the header (so the schema is found) and damage the payload.
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      size_t pos = 5 + rng() % (in.size() - 5);
      if (rng() % 2 == 0) {
        in[pos] = static_cast<char>(rng() & 0xff);
      } else {
        in.resize(pos);
        if (in.size() <= 5) break;
      }
    }
    auto r = f->Decode(in, row);
    if (r.ok()) {
      ++ok;
    } else {
      ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
    }
  }
  EXPECT_GT(ok, 0);
}

// Decodes `payload` framed with the id of `writer_schema` (registered in `registry`).
absl::StatusOr<RecordKind> DecodeWith(Format& f, InMemorySchemaRegistry& registry,
                                      std::string_view writer_schema, std::string_view payload,
                                      std::vector<Value>& row) {
  auto id = registry.Register("writer-value", writer_schema);
  if (!id.ok()) return id.status();
  std::string framed;
  AppendConfluentHeader(*id, &framed);
  framed.append(payload);
  return f.Decode(framed, row);
}

TEST(AvroSchemaTest, NamesAvroDoesNotAllowAreRejectedWithKsqlDbWording) {
  auto bad_start = AvroSchemaJson({Col("1A", SqlType::Integer())}, /*unwrapped=*/false);
  EXPECT_EQ(bad_start.status().message(),
            "Schema is not compatible with Avro: Illegal initial character: 1A");
  auto bad_char = AvroSchemaJson({Col("S", SqlType::Struct({{"a-b", SqlType::Integer()}}))},
                                 /*unwrapped=*/false);
  EXPECT_EQ(bad_char.status().message(),
            "Schema is not compatible with Avro: Illegal character in: a-b");
  EXPECT_TRUE(AvroSchemaJson({Col("_a1", SqlType::Integer())}, /*unwrapped=*/false).ok());
}

TEST(AvroFormatTest, LengthsAndCountsAreCheckedBeforeAvroAllocates) {
  InMemorySchemaRegistry registry;
  auto f = Make("AVRO", {Col("S", SqlType::String())}, AvroOptions(&registry, true));
  std::vector<Value> row(1);
  // A string of length -21 (zig-zag 0x29) and one of 2^40 bytes with 1 byte present.
  for (std::string_view payload :
       {std::string_view("\x29\x2e", 2), std::string_view("\x80\x80\x80\x80\x80\x40z", 7)}) {
    auto r = DecodeWith(*f, registry, R"("string")", payload, row);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  }
  // 2^40 nulls take no bytes, so only the item cap stops them.
  auto nulls =
      Make("AVRO", {Col("A", SqlType::Array(SqlType::String()))}, AvroOptions(&registry, true));
  auto r = DecodeWith(*nulls, registry, R"({"type":"array","items":"null"})",
                      std::string_view("\x80\x80\x80\x80\x80\x40\x00", 7), row);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  // A union branch that does not exist.
  r = DecodeWith(*f, registry, R"(["null","string"])", std::string_view("\x04", 1), row);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
}

TEST(AvroFormatTest, ArrayBlocksWithByteSizesDecode) {
  InMemorySchemaRegistry registry;
  auto f =
      Make("AVRO", {Col("A", SqlType::Array(SqlType::String()))}, AvroOptions(&registry, true));
  std::vector<Value> row(1);
  // One block of -2 items (so a byte size, 4, follows): "ab", "c"; then the end block.
  auto r = DecodeWith(*f, registry, R"({"type":"array","items":"string"})",
                      std::string_view("\x03\x08\x04"
                                       "ab\x02"
                                       "c\x00",
                                       9),
                      row);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(row[0], Value::Array({Value::String("ab"), Value::String("c")}));
}

TEST(AvroFormatTest, DecimalOfSixteenBytesAtTheInt128MinimumIsAnError) {
  InMemorySchemaRegistry registry;
  auto f = Make("AVRO", {Col("N", SqlType::Decimal(10, 2))}, AvroOptions(&registry, true));
  std::vector<Value> row(1);
  std::string payload = "\x20\x80";  // 16 bytes: 0x80 then 15 zeros
  payload.append(15, '\0');
  auto r = DecodeWith(*f, registry,
                      R"({"type":"bytes","logicalType":"decimal","precision":10,"scale":2})",
                      payload, row);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
}

}  // namespace
}  // namespace skein::serde
