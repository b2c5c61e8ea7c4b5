// DELIMITED, KAFKA and NONE formats, and the factory's validation.

#include "gtest/gtest.h"
#include "serde_test_util.h"

namespace skein::serde {
namespace {

using types::SqlType;

TEST(FactoryTest, RejectsUnknownFormatsPropsAndTypes) {
  auto s = MakeFormat("FOO", {}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "Unknown format: FOO");
  s = MakeFormat("json", {Col("A", SqlType::Integer())}, WithProps({{"DELIMITER", "|"}})).status();
  EXPECT_EQ(s.message(), "JSON does not support the following configs: [delimiter]");
  s = MakeFormat("KAFKA", {Col("A", SqlType::Boolean())}).status();
  EXPECT_EQ(s.message(), "The 'KAFKA' format does not support type 'BOOLEAN'");
  s = MakeFormat("KAFKA", {Col("A", SqlType::Array(SqlType::Integer()))}).status();
  EXPECT_EQ(s.message(), "The 'KAFKA' format does not support type 'ARRAY'");
  s = MakeFormat("KAFKA", {Col("A", SqlType::Integer())},
                 WithProps({{"WRAP_SINGLE_VALUE", "true"}}))
          .status();
  EXPECT_EQ(s.message(), "Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'.");
  s = MakeFormat("DELIMITED", {Col("A", SqlType::Struct({{"F", SqlType::Integer()}}))}).status();
  EXPECT_EQ(s.message(), "The 'DELIMITED' format does not support type 'STRUCT'");
  s = MakeFormat("JSON", {Col("M", SqlType::Map(SqlType::Integer(), SqlType::Double()))}).status();
  EXPECT_EQ(s.message(), "JSON only supports MAP types with STRING keys");
  s = MakeFormat("NONE", {Col("K", SqlType::String(), types::ColumnNamespace::kKey)}).status();
  EXPECT_EQ(
      s.message(),
      "The 'NONE' format can only be used when no columns are defined. Got: [`K` STRING KEY]");
  s = MakeFormat("DELIMITED", {Col("A", SqlType::Integer())},
                 WithProps({{"VALUE_DELIMITER", "<~>"}}))
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  s = MakeFormat("DELIMITED", {Col("A", SqlType::Integer())}, WithProps({{"VALUE_DELIMITER", ""}}))
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeFormat("JSON", {Col("A", SqlType::Integer()), Col("B", SqlType::Integer())},
                       WithProps({{"WRAP_SINGLE_VALUE", "false"}}))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DelimitedFormatTest, DecodesQuotedAndEmptyFields) {
  auto f = Make("DELIMITED", {Col("ID", SqlType::Bigint()), Col("NAME", SqlType::String()),
                              Col("V", SqlType::Integer()), Col("D", SqlType::Decimal(6, 4))});
  std::vector<Value> row(4);
  auto r = f->Decode(std::string_view(R"(100,"a, ""b""",,"12.0")"), row);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(row[0], Value::Bigint(100));
  EXPECT_EQ(row[1], Value::String("a, \"b\""));
  EXPECT_TRUE(row[2].is_null());
  EXPECT_EQ(row[3], Value::Decimal(120000, 4));
  EXPECT_EQ(EncodeOk(*f, row), R"(100,"a, ""b""",,12.0000)");
}

TEST(DelimitedFormatTest, ColumnCountMismatchAndBadNumbersFail) {
  auto f = Make("DELIMITED", {Col("A", SqlType::Integer()), Col("B", SqlType::Integer())});
  std::vector<Value> row(2);
  for (std::string_view bad : {"1", "1,2,3", "x,1", "\"1,2", "\"1\"x,2", "1,99999999999"}) {
    EXPECT_EQ(f->Decode(bad, row).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  auto s = f->Decode(std::string_view("1"), row).status();
  EXPECT_NE(s.message().find("expected 2 columns but got 1"), std::string::npos) << s;
}

TEST(DelimitedFormatTest, CustomDelimitersAndTypes) {
  auto f = Make("DELIMITED",
                {Col("B", SqlType::Boolean()), Col("I", SqlType::Integer()),
                 Col("D", SqlType::Double()), Col("S", SqlType::String())},
                WithProps({{"VALUE_DELIMITER", "TAB"}}));
  std::vector<Value> row(4);
  ASSERT_TRUE(f->Decode(std::string_view("true\t10\t10.3\tbob"), row).ok());
  EXPECT_EQ(row[0], Value::Boolean(true));
  EXPECT_EQ(row[2], Value::Double(10.3));
  EXPECT_EQ(EncodeOk(*f, row), "true\t10\t10.3\tbob");
  auto pipe = Make("DELIMITED", {Col("A", SqlType::String()), Col("B", SqlType::String())},
                   WithProps({{"delimiter", "$"}}));
  EXPECT_EQ(EncodeOk(*pipe, {Value::String("x,y"), Value::String("a$b")}), "x,y$\"a$b\"");
}

TEST(DelimitedFormatTest, SingleKeyColumnAndTombstones) {
  auto f =
      Make("DELIMITED", {Col("K", SqlType::String(), types::ColumnNamespace::kKey)}, KeyOptions());
  std::vector<Value> k(1);
  ASSERT_TRUE(f->Decode(std::string_view("\"You\""), k).ok());
  EXPECT_EQ(k[0], Value::String("You"));
  EXPECT_EQ(*f->Decode(std::nullopt, k), RecordKind::kNull);
  std::string out;
  EXPECT_EQ(*f->Encode(std::vector<Value>{Value()}, &out), RecordKind::kNull);
}

TEST(KafkaFormatTest, BigEndianPrimitives) {
  auto i = Make("KAFKA", {Col("V", SqlType::Integer())});
  std::vector<Value> row(1);
  ASSERT_TRUE(i->Decode(std::string_view("\x00\x00\x01\x02", 4), row).ok());
  EXPECT_EQ(row[0], Value::Integer(258));
  EXPECT_EQ(EncodeOk(*i, {Value::Integer(-1)}), std::string("\xff\xff\xff\xff", 4));
  EXPECT_EQ(i->Decode(std::string_view("\x01\x02", 2), row).status().code(),
            absl::StatusCode::kInvalidArgument);

  auto b = Make("KAFKA", {Col("V", SqlType::Bigint())});
  std::string enc = EncodeOk(*b, {Value::Bigint(998877665544332211LL)});
  ASSERT_EQ(enc.size(), 8u);
  ASSERT_TRUE(b->Decode(enc, row).ok());
  EXPECT_EQ(row[0], Value::Bigint(998877665544332211LL));

  auto d = Make("KAFKA", {Col("V", SqlType::Double())});
  enc = EncodeOk(*d, {Value::Double(1.1)});
  EXPECT_EQ(enc, std::string("\x3f\xf1\x99\x99\x99\x99\x99\x9a", 8));
  ASSERT_TRUE(d->Decode(enc, row).ok());
  EXPECT_EQ(row[0], Value::Double(1.1));

  auto s = Make("KAFKA", {Col("V", SqlType::String())});
  ASSERT_TRUE(s->Decode(std::string_view("bar"), row).ok());
  EXPECT_EQ(row[0], Value::String("bar"));
  EXPECT_EQ(*s->Decode(std::nullopt, row), RecordKind::kNull);
  EXPECT_TRUE(row[0].is_null());
}

TEST(NoneFormatTest, IgnoresBytesAndWritesNull) {
  auto f = Make("NONE", {});
  std::vector<Value> none;
  EXPECT_EQ(*f->Decode(std::string_view("data that should be ignored"), none),
            RecordKind::kPresent);
  std::string out = "x";
  EXPECT_EQ(*f->Encode(none, &out), RecordKind::kNull);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace skein::serde
