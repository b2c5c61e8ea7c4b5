// JSON format: ksqlDB's decoding rules and exact output text.

#include "gtest/gtest.h"
#include "serde_test_util.h"

namespace skein::serde {
namespace {

using types::SqlType;

TEST(JsonFormatTest, DecodesObjectCaseInsensitivelyWithMissingAsNull) {
  auto f = Make("JSON", {Col("ID", SqlType::Bigint()), Col("NAME", SqlType::String()),
                         Col("PRICE", SqlType::Double())});
  std::vector<Value> row(3);
  auto r = f->Decode(std::string_view(R"({"id": 7, "Name": "bob", "extra": [1, {"x": 2}]})"), row);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, RecordKind::kPresent);
  EXPECT_EQ(row[0], Value::Bigint(7));
  EXPECT_EQ(row[1], Value::String("bob"));
  EXPECT_TRUE(row[2].is_null());
}

TEST(JsonFormatTest, ExactNameWinsOverCaseInsensitiveMatch) {
  SqlType st = SqlType::Struct({{"FOO", SqlType::String()}, {"foo", SqlType::String()}});
  auto f = Make("JSON", {Col("S", st)});
  std::vector<Value> row(1);
  ASSERT_TRUE(f->Decode(std::string_view(R"({"s": {"foo": "lower", "FOO": "upper"}})"), row).ok());
  ASSERT_FALSE(row[0].is_null());
  EXPECT_EQ(row[0].items()[0], Value::String("upper"));
  EXPECT_EQ(row[0].items()[1], Value::String("lower"));
}

TEST(JsonFormatTest, NullRecordsAndTombstones) {
  auto f = Make("JSON", {Col("V", SqlType::Integer())});
  std::vector<Value> row(1, Value::Integer(5));
  EXPECT_EQ(*f->Decode(std::string_view("null"), row), RecordKind::kNull);
  EXPECT_TRUE(row[0].is_null());
  EXPECT_EQ(*f->Decode(std::nullopt, row), RecordKind::kNull);
}

TEST(JsonFormatTest, CoercesScalarsLikeKsql) {
  auto f =
      Make("JSON", {Col("I", SqlType::Integer()), Col("B", SqlType::Bigint()),
                    Col("D", SqlType::Double()), Col("S", SqlType::String()),
                    Col("T", SqlType::Boolean()), Col("A", SqlType::Array(SqlType::String()))});
  std::vector<Value> row(6);
  auto r =
      f->Decode(std::string_view(
                    R"({"I":"49","B":3.9,"D":"1.5","S":12.50,"T":"true","A":[1,true,"x",null]})"),
                row);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(row[0], Value::Integer(49));
  EXPECT_EQ(row[1], Value::Bigint(3));
  EXPECT_EQ(row[2], Value::Double(1.5));
  EXPECT_EQ(row[3], Value::String("12.50"));
  EXPECT_EQ(row[4], Value::Boolean(true));
  EXPECT_EQ(row[5], Value::Array({Value::String("1"), Value::String("true"), Value::String("x"),
                                  Value::Null()}));
}

TEST(JsonFormatTest, DecimalsAreExact) {
  auto f = Make("JSON", {Col("A", SqlType::Decimal(33, 16)), Col("B", SqlType::Decimal(4, 2))});
  std::vector<Value> row(2);
  ASSERT_TRUE(
      f->Decode(std::string_view(R"({"A": 12345678901234567.1234567890123456, "B": "10.1"})"), row)
          .ok());
  EXPECT_EQ(types::FormatDecimal(row[0].decimal_unscaled(), row[0].decimal_scale()),
            "12345678901234567.1234567890123456");
  EXPECT_EQ(row[1], Value::Decimal(1010, 2));
  auto bad = f->Decode(std::string_view(R"({"B": 10.123})"), row);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(JsonFormatTest, UnwrappedKeysAndValues) {
  auto key =
      Make("JSON", {Col("K", SqlType::Double(), types::ColumnNamespace::kKey)}, KeyOptions());
  std::vector<Value> k(1);
  ASSERT_TRUE(key->Decode(std::string_view("654.321"), k).ok());
  EXPECT_EQ(k[0], Value::Double(654.321));
  EXPECT_EQ(EncodeOk(*key, k), "654.321");
  EXPECT_EQ(key->Decode(std::string_view("1 2"), k).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(key->Decode(std::string_view("[1]"), k).status().code(),
            absl::StatusCode::kInvalidArgument);

  auto val = Make("JSON", {Col("V", SqlType::Map(SqlType::String(), SqlType::Double()))},
                  WithProps({{"wrap_single_value", "false"}}));
  std::vector<Value> v(1);
  ASSERT_TRUE(val->Decode(std::string_view(R"({"a": 45.67})"), v).ok());
  EXPECT_EQ(v[0], Value::Map({{Value::String("a"), Value::Double(45.67)}}));
  EXPECT_EQ(EncodeOk(*val, v), R"({"a":45.67})");
  std::string out = "junk";
  std::vector<Value> nulls(1);
  EXPECT_EQ(*val->Encode(nulls, &out), RecordKind::kNull);
  EXPECT_TRUE(out.empty());
}

TEST(JsonFormatTest, EncodesKsqlText) {
  SqlType st = SqlType::Struct({{"F0", SqlType::Integer()}, {"f1", SqlType::String()}});
  auto f = Make("JSON", {Col("D", SqlType::Double()), Col("N", SqlType::Decimal(5, 3)),
                         Col("S", st), Col("B", SqlType::Bytes()), Col("T", SqlType::Timestamp()),
                         Col("E", SqlType::String()), Col("X", SqlType::Array(SqlType::Bigint()))});
  std::vector<Value> row = {Value::Double(1.0),
                            Value::Decimal(10120, 3),
                            Value::Struct({Value::Integer(1), Value::Null()}),
                            Value::Bytes("hi"),
                            Value::Timestamp(1526075913000),
                            Value::String("q\"\\\n\x01"),
                            Value::Array({Value::Bigint(12), Value::Null()})};
  EXPECT_EQ(EncodeOk(*f, row),
            R"({"D":1.0,"N":10.120,"S":{"F0":1,"f1":null},"B":"aGk=","T":1526075913000,)"
            R"("E":"q\"\\\n\u0001","X":[12,null]})");
  // And it reads back to the same values.
  std::vector<Value> back(row.size());
  ASSERT_TRUE(f->Decode(EncodeOk(*f, row), back).ok());
  EXPECT_EQ(back, row);
}

TEST(JsonFormatTest, DoublesUseJavaText) {
  auto f = Make("JSON", {Col("D", SqlType::Double())}, WithProps({{"WRAP_SINGLE_VALUE", "false"}}));
  EXPECT_EQ(EncodeOk(*f, {Value::Double(1e10)}), "1.0E10");
  EXPECT_EQ(EncodeOk(*f, {Value::Double(9876.54321)}), "9876.54321");
  EXPECT_EQ(EncodeOk(*f, {Value::Double(-0.5)}), "-0.5");
}

TEST(JsonFormatTest, MalformedInputIsInvalidArgument) {
  auto f =
      Make("JSON", {Col("PRICE", SqlType::Double()), Col("L", SqlType::Array(SqlType::Integer()))});
  std::vector<Value> row(2);
  for (std::string_view bad :
       {"{", "{\"PRICE\": }", "[1,2]", "{\"PRICE\": true}", "{\"L\": {\"a\": 1}}",
        "{\"PRICE\": 1} trailing", "", "nul", "{\"PRICE\": \"abc\"}"}) {
    auto r = f->Decode(bad, row);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  auto r = f->Decode(std::string_view(R"({"PRICE": true})"), row);
  EXPECT_NE(r.status().message().find("column PRICE"), std::string::npos) << r.status();
}

}  // namespace
}  // namespace skein::serde
