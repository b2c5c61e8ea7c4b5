// JSON string escaping (skein/common/json_escape.h).

#include "skein/common/json_escape.h"

#include <string>

#include "gtest/gtest.h"

namespace skein {
namespace {

TEST(JsonEscapeTest, PlainTextIsCopied) {
  EXPECT_EQ(JsonQuote(""), "\"\"");
  EXPECT_EQ(JsonQuote("hello world"), "\"hello world\"");
  EXPECT_EQ(JsonQuote("h\xc3\xa9llo \xe2\x82\xac"), "\"h\xc3\xa9llo \xe2\x82\xac\"");  // UTF-8 kept
}

TEST(JsonEscapeTest, QuotesBackslashesAndShortForms) {
  EXPECT_EQ(JsonQuote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(JsonQuote("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(JsonQuote("/"), "\"/\"");  // solidus needs no escape
}

TEST(JsonEscapeTest, OtherControlCharactersAsUpperCaseHex) {
  EXPECT_EQ(JsonQuote(std::string("\0", 1)), R"("\u0000")");
  EXPECT_EQ(JsonQuote("\x01x\x1f"), R"("\u0001x\u001F")");
  EXPECT_EQ(JsonQuote("\x7f"), "\"\x7f\"");  // DEL is not a JSON control character
}

TEST(JsonEscapeTest, AppendsWithoutClearing) {
  std::string out = "[";
  AppendJsonString("a\"", &out);
  out += ",";
  AppendJsonEscaped("b\n", &out);
  EXPECT_EQ(out, R"(["a\"",b\n)");
}

}  // namespace
}  // namespace skein
