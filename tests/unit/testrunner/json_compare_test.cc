// Comparison rules of expected vs actual JSON text and records.

#include "skein/testrunner/json_compare.h"

#include <gtest/gtest.h>

#include <string>

namespace skein::testrunner {
namespace {

bool Same(const std::string& expected, const std::string& actual) {
  absl::StatusOr<bool> result = JsonMatches(expected, actual);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() && *result;
}

TEST(JsonMatchesTest, Scalars) {
  EXPECT_TRUE(Same("null", "null"));
  EXPECT_FALSE(Same("null", "0"));
  EXPECT_FALSE(Same("0", "null"));
  EXPECT_TRUE(Same("true", "true"));
  EXPECT_FALSE(Same("true", "false"));
  EXPECT_FALSE(Same("true", "\"true\""));
  EXPECT_TRUE(Same("\"a b\"", "\"a b\""));
  EXPECT_FALSE(Same("\"a\"", "\"A\""));
  EXPECT_FALSE(Same("\"1\"", "\"1.0\""));
}

TEST(JsonMatchesTest, Numbers) {
  EXPECT_TRUE(Same("1", "1"));
  EXPECT_FALSE(Same("1", "2"));
  EXPECT_TRUE(Same("10", "10.0"));     // an actual DOUBLE 10.0 matches an expected 10
  EXPECT_TRUE(Same("10.50", "10.5"));  // decimal scale is not checked from text
  EXPECT_TRUE(Same("1.5E3", "1500"));
  EXPECT_FALSE(Same("0.1", "0.10000001"));
  EXPECT_TRUE(Same("9223372036854775807", "9223372036854775807"));
  EXPECT_FALSE(Same("9223372036854775807", "9223372036854775806"));
  EXPECT_TRUE(Same("18446744073709551615", "18446744073709551615"));
  EXPECT_FALSE(Same("9223372036854775808", "9223372036854775807"));
  EXPECT_FALSE(Same("1", "\"1\""));
  // An expected decimal written as a string matches the number.
  EXPECT_TRUE(Same("\"12.30\"", "12.3"));
  EXPECT_FALSE(Same("\"12.30\"", "12.31"));
  EXPECT_FALSE(Same("\"abc\"", "12.3"));
}

TEST(JsonMatchesTest, ObjectsMatchByFieldWithUpperCaseFallback) {
  EXPECT_TRUE(Same(R"({"A":1,"B":"x"})", R"({"B":"x","A":1})"));
  EXPECT_TRUE(Same(R"({"a":1})", R"({"A":1})"));
  EXPECT_FALSE(Same(R"({"A":1})", R"({"A":1,"B":2})"));  // field count differs
  EXPECT_FALSE(Same(R"({"A":1,"B":2})", R"({"A":1})"));
  EXPECT_FALSE(Same(R"({"A":1,"B":null})", R"({"A":1,"C":null})"));  // same count, other name
  EXPECT_TRUE(Same(R"({"S":{"X":[1,{"Y":null}]}})", R"({"S":{"X":[1,{"Y":null}]}})"));
  EXPECT_FALSE(Same(R"({"A":1})", "[1]"));
}

TEST(JsonMatchesTest, Arrays) {
  EXPECT_TRUE(Same("[]", "[]"));
  EXPECT_TRUE(Same("[1,\"a\",null]", "[1,\"a\",null]"));
  EXPECT_FALSE(Same("[1,2]", "[2,1]"));
  EXPECT_FALSE(Same("[1,2]", "[1,2,3]"));
}

TEST(JsonMatchesTest, ExplainsTheFirstDifference) {
  std::string why;
  absl::StatusOr<bool> result =
      JsonMatches(R"({"A":{"L":[1,2,3]}})", R"({"A":{"L":[1,2,4]}})", &why);
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(*result);
  EXPECT_EQ(why, "$.A.L[2]: expected 3, got 4");
}

TEST(JsonMatchesTest, InvalidJsonIsAnError) {
  EXPECT_FALSE(JsonMatches("{", "1").ok());
  EXPECT_FALSE(JsonMatches("1", "nope").ok());
}

TestRecord Record(std::string key, std::string value, std::optional<int64_t> ts) {
  TestRecord record;
  record.topic = "T";
  record.key = std::move(key);
  record.value = std::move(value);
  record.timestamp = ts;
  return record;
}

TEST(RecordMatchesTest, TimestampCheckedOnlyWhenExpected) {
  EXPECT_TRUE(*RecordMatches(Record("1", "2", std::nullopt), Record("1", "2", 99)));
  EXPECT_TRUE(*RecordMatches(Record("1", "2", 99), Record("1", "2", 99)));
  std::string why;
  EXPECT_FALSE(*RecordMatches(Record("1", "2", 98), Record("1", "2", 99), &why));
  EXPECT_EQ(why, "timestamp: expected 98, got 99");
}

TEST(RecordMatchesTest, KeyValueTopicWindowAndHeaders) {
  std::string why;
  EXPECT_FALSE(*RecordMatches(Record("1", "2", 0), Record("2", "2", 0), &why));
  EXPECT_EQ(why, "key $: expected 1, got 2");
  EXPECT_FALSE(*RecordMatches(Record("1", R"({"A":1})", 0), Record("1", R"({"A":2})", 0), &why));
  EXPECT_EQ(why, "value $.A: expected 1, got 2");

  TestRecord other_topic = Record("1", "2", 0);
  other_topic.topic = "U";
  EXPECT_FALSE(*RecordMatches(Record("1", "2", 0), other_topic));

  TestRecord windowed = Record("1", "2", 0);
  windowed.window = WindowSpec{0, 1000, "time"};
  EXPECT_FALSE(*RecordMatches(windowed, Record("1", "2", 0), &why));
  EXPECT_EQ(why, "window: expected [0,1000,time], got none");
  EXPECT_FALSE(*RecordMatches(Record("1", "2", 0), windowed));
  TestRecord shifted = windowed;
  shifted.window->end = 2000;
  EXPECT_FALSE(*RecordMatches(windowed, shifted));
  EXPECT_TRUE(*RecordMatches(windowed, windowed));

  TestRecord with_headers = Record("1", "2", 0);
  with_headers.headers = R"([{"KEY":"a","VALUE":"AQ=="}])";
  EXPECT_TRUE(*RecordMatches(Record("1", "2", 0), with_headers));  // not expected: unchecked
  EXPECT_FALSE(*RecordMatches(with_headers, Record("1", "2", 0)));
  EXPECT_TRUE(*RecordMatches(with_headers, with_headers));
}

TEST(FormatRecordTest, OneReadableLine) {
  TestRecord record = Record("\"k\"", R"({"A":1})", 5);
  record.window = WindowSpec{0, 10, "session"};
  EXPECT_EQ(FormatRecord(record),
            R"(topic=T key="k" value={"A":1} timestamp=5 window=[0,10,session])");
}

}  // namespace
}  // namespace skein::testrunner
