// Loader tests over small QTT-format and ksql-test-runner documents written for these tests.

#include "skein/testrunner/loader.h"

#include <gtest/gtest.h>

#include <string>

namespace skein::testrunner {
namespace {

TEST(StripJsonCommentsTest, RemovesCommentsOutsideStringsOnly) {
  const std::string text =
      "{\"url\": \"http://host//path\", // trailing\n"
      " \"q\": \"say \\\"//hi\\\"\" /* block\n comment */, \"n\": 1}";
  const std::string stripped = StripJsonComments(text);
  EXPECT_NE(stripped.find("\"http://host//path\""), std::string::npos);
  EXPECT_NE(stripped.find("\"say \\\"//hi\\\"\""), std::string::npos);
  EXPECT_EQ(stripped.find("trailing"), std::string::npos);
  EXPECT_EQ(stripped.find("block"), std::string::npos);
  EXPECT_EQ(stripped.find("comment"), std::string::npos);
  // Lines are preserved so positions in errors stay meaningful.
  EXPECT_EQ(std::count(stripped.begin(), stripped.end(), '\n'), 2);
  EXPECT_EQ(stripped.size(), text.size());
}

TEST(StripJsonCommentsTest, UnterminatedBlockCommentIsBlanked) {
  EXPECT_EQ(StripJsonComments("1 /* open"), "1        ");
}

constexpr char kQtt[] = R"json({
  "comments": ["written for the loader tests"],
  "tests": [
    // a plain case, with a comment between cases
    {
      "name": "plain filter",
      "statements": [
        "CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON');",
        "CREATE STREAM T AS SELECT * FROM S WHERE V <> 'x';"
      ],
      "inputs": [
        {"topic": "s", "key": 7, "value": {"V": "a"}, "timestamp": 5},
        {"topic": "s", "value": {"V": "x"}},
        {"topic": "s", "key": null, "value": null, "headers": [{"KEY": "h", "VALUE": "AQ=="}]}
      ],
      "outputs": [
        {"topic": "T", "key": 7, "value": {"V": "a"}, "timestamp": 5}
      ]
    },
    {
      "name": "per format",
      "format": ["JSON", "AVRO"],
      "statements": ["CREATE STREAM S (A INT) WITH (kafka_topic='s', value_format='{FORMAT}');"],
      "topics": [{"name": "s", "valueFormat": "{FORMAT}", "partitions": 2}],
      "inputs": [{"topic": "s", "value": {"A": 1}}],
      "outputs": []
    },
    {
      "name": "per config",
      "config": ["on", "off"],
      "properties": {"skein.some.switch": "{CONFIG}", "skein.number": 3},
      "statements": ["CREATE STREAM S (A INT) WITH (kafka_topic='s', value_format='JSON');"],
      "inputs": [{"topic": "s", "value": {"A": 1}}]
    },
    {
      "name": "both",
      "format": ["JSON", "DELIMITED"],
      "config": [true, false],
      "properties": {"p": "{CONFIG}"},
      "statements": ["CREATE STREAM S (A INT) WITH (kafka_topic='s', format='{FORMAT}');"],
      "inputs": [{"topic": "s", "value": 1}]
    },
    {
      "name": "windowed",
      "statements": ["CREATE TABLE C AS SELECT ID, COUNT(*) FROM S WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY ID;"],
      "inputs": [{"topic": "s", "key": 1, "value": {"V": 1}, "timestamp": 10}],
      "outputs": [
        {"topic": "C", "key": 1, "value": {"KSQL_COL_0": 1}, "timestamp": 10,
         "window": {"start": 0, "end": 1000, "type": "Time"}}
      ]
    },
    {
      "name": "rejected",
      "statements": ["CREATE STREAM S (A INT) WITH (kafka_topic='s', value_format='NOPE');"],
      "expectedException": {"type": "some.java.Exception", "message": "Unknown format: NOPE"}
    },
    {
      "name": "with post",
      "statements": ["CREATE STREAM S (ID BIGINT KEY, A INT) WITH (kafka_topic='s', format='JSON');"],
      "inputs": [{"topic": "s", "key": 1, "value": {"A": 1}}],
      "post": {
        "sources": [
          {"name": "S", "type": "Stream", "schema": "ID BIGINT KEY, A INT",
           "keyFormat": {"format": "json", "features": ["UNWRAP_SINGLES"]}, "valueFormat": "JSON",
           "valueFeatures": []}
        ],
        "topics": {
          "blacklist": ".*-repartition",
          "topics": [{"name": "s", "keyFormat": {"format": "JSON"}, "valueSchema": {"type": "object"}}]
        }
      }
    },
    {"name": "off", "enabled": false, "statements": ["SELECT 1;"], "inputs": []}
  ]
})json";

TEST(ParseQttTest, ExpandsFormatsAndConfigsInOrder) {
  absl::StatusOr<std::vector<Case>> cases = ParseQtt(kQtt, "mine.json");
  ASSERT_TRUE(cases.ok()) << cases.status();
  std::vector<std::string> names;
  for (const Case& c : *cases) names.push_back(c.name);
  const std::vector<std::string> expected = {"plain filter",
                                             "per format - JSON",
                                             "per format - AVRO",
                                             "per config - on",
                                             "per config - off",
                                             "both - JSON - true",
                                             "both - JSON - false",
                                             "both - DELIMITED - true",
                                             "both - DELIMITED - false",
                                             "windowed",
                                             "rejected",
                                             "with post",
                                             "off"};
  EXPECT_EQ(names, expected);
  for (const Case& c : *cases) EXPECT_EQ(c.file, "mine.json");
}

TEST(ParseQttTest, ReadsRecords) {
  absl::StatusOr<std::vector<Case>> cases = ParseQtt(kQtt, "mine.json");
  ASSERT_TRUE(cases.ok()) << cases.status();
  const Case& c = (*cases)[0];
  ASSERT_EQ(c.statements.size(), 2u);
  EXPECT_EQ(c.statements[1], "CREATE STREAM T AS SELECT * FROM S WHERE V <> 'x';");
  ASSERT_EQ(c.inputs.size(), 3u);
  EXPECT_EQ(c.inputs[0].topic, "s");
  EXPECT_EQ(c.inputs[0].key, "7");
  EXPECT_EQ(c.inputs[0].value, R"({"V":"a"})");
  EXPECT_EQ(c.inputs[0].timestamp, 5);
  EXPECT_EQ(c.inputs[1].key, "null");  // absent key
  EXPECT_FALSE(c.inputs[1].timestamp.has_value());
  EXPECT_EQ(c.inputs[2].value, "null");
  ASSERT_TRUE(c.inputs[2].headers.has_value());
  EXPECT_EQ(*c.inputs[2].headers, R"([{"KEY":"h","VALUE":"AQ=="}])");
  ASSERT_EQ(c.outputs.size(), 1u);
  EXPECT_EQ(c.outputs[0].topic, "T");
  EXPECT_FALSE(c.expected_exception.has_value());
  EXPECT_FALSE(c.post.has_value());
  EXPECT_TRUE(c.enabled);
  EXPECT_EQ(c.format, "");
}

TEST(ParseQttTest, SubstitutesFormatEverywhere) {
  absl::StatusOr<std::vector<Case>> cases = ParseQtt(kQtt, "mine.json");
  ASSERT_TRUE(cases.ok()) << cases.status();
  const Case& avro = (*cases)[2];
  EXPECT_EQ(avro.format, "AVRO");
  EXPECT_EQ(avro.statements[0],
            "CREATE STREAM S (A INT) WITH (kafka_topic='s', value_format='AVRO');");
  ASSERT_EQ(avro.topics.size(), 1u);
  EXPECT_EQ(avro.topics[0].name, "s");
  EXPECT_EQ(avro.topics[0].value_format.format, "AVRO");
  EXPECT_EQ(avro.topics[0].partitions, 2);
  EXPECT_TRUE(avro.outputs.empty());
}

TEST(ParseQttTest, SubstitutesConfigInProperties) {
  absl::StatusOr<std::vector<Case>> cases = ParseQtt(kQtt, "mine.json");
  ASSERT_TRUE(cases.ok()) << cases.status();
  EXPECT_EQ((*cases)[3].properties.at("skein.some.switch"), "on");
  EXPECT_EQ((*cases)[4].properties.at("skein.some.switch"), "off");
  EXPECT_EQ((*cases)[4].properties.at("skein.number"), "3");
  const Case& both = (*cases)[8];
  EXPECT_EQ(both.properties.at("p"), "false");
  EXPECT_EQ(both.statements[0],
            "CREATE STREAM S (A INT) WITH (kafka_topic='s', format='DELIMITED');");
}

TEST(ParseQttTest, ReadsWindows) {
  absl::StatusOr<std::vector<Case>> cases = ParseQtt(kQtt, "mine.json");
  ASSERT_TRUE(cases.ok()) << cases.status();
  const Case& c = (*cases)[9];
  ASSERT_EQ(c.outputs.size(), 1u);
  ASSERT_TRUE(c.outputs[0].window.has_value());
  EXPECT_EQ(c.outputs[0].window->start, 0);
  EXPECT_EQ(c.outputs[0].window->end, 1000);
  EXPECT_EQ(c.outputs[0].window->type, "time");  // lower-cased
  EXPECT_FALSE(c.inputs[0].window.has_value());
}

TEST(ParseQttTest, ReadsExpectedExceptionPostAndEnabled) {
  absl::StatusOr<std::vector<Case>> cases = ParseQtt(kQtt, "mine.json");
  ASSERT_TRUE(cases.ok()) << cases.status();
  const Case& rejected = (*cases)[10];
  ASSERT_TRUE(rejected.expected_exception.has_value());
  EXPECT_EQ(rejected.expected_exception->type, "some.java.Exception");
  EXPECT_EQ(rejected.expected_exception->message, "Unknown format: NOPE");

  const Case& post = (*cases)[11];
  ASSERT_TRUE(post.post.has_value());
  ASSERT_EQ(post.post->sources.size(), 1u);
  const ExpectedSource& source = post.post->sources[0];
  EXPECT_EQ(source.name, "S");
  EXPECT_EQ(source.type, "stream");
  EXPECT_EQ(source.schema, "ID BIGINT KEY, A INT");
  ASSERT_TRUE(source.key_format.has_value());
  EXPECT_EQ(source.key_format->format, "JSON");
  EXPECT_EQ(source.key_format->features, std::vector<std::string>{"UNWRAP_SINGLES"});
  ASSERT_TRUE(source.value_format.has_value());
  EXPECT_EQ(source.value_format->format, "JSON");
  ASSERT_TRUE(source.value_features.has_value());
  EXPECT_TRUE(source.value_features->empty());
  EXPECT_FALSE(source.key_features.has_value());
  EXPECT_EQ(post.post->topic_denylist, ".*-repartition");
  ASSERT_EQ(post.post->topics.size(), 1u);
  EXPECT_EQ(post.post->topics[0].name, "s");
  EXPECT_EQ(post.post->topics[0].value_schema, R"({"type":"object"})");
  EXPECT_FALSE(post.post->topics[0].key_schema.has_value());

  EXPECT_FALSE((*cases)[12].enabled);
}

TEST(ParseQttTest, RejectsMalformedDocuments) {
  EXPECT_FALSE(ParseQtt("{\"tests\": [", "bad.json").ok());
  EXPECT_FALSE(ParseQtt(R"({"tests": [{"statements": ["SELECT 1;"]}]})", "x.json").ok());
  EXPECT_FALSE(ParseQtt(R"({"tests": [{"name": "n"}]})", "x.json").ok());
  absl::StatusOr<std::vector<Case>> bad_record = ParseQtt(
      R"({"tests": [{"name": "n", "statements": [], "inputs": [{"value": 1}]}]})", "x.json");
  ASSERT_FALSE(bad_record.ok());
  EXPECT_NE(bad_record.status().message().find("(n)"), absl::string_view::npos);
  EXPECT_TRUE(ParseQtt(R"({"tests": []})", "x.json").ok());
}

TEST(ParseTestRunnerCaseTest, BuildsOneCaseFromTheThreeFiles) {
  const char* sql =
      "CREATE STREAM A (X INT) WITH (kafka_topic='a', value_format='JSON');\n"
      "CREATE STREAM B AS SELECT X * 2 AS Y FROM A;\n";
  const char* input = R"({"inputs": [{"topic": "a", "key": "k", "value": {"X": 2}}]})";
  const char* output = R"({"outputs": [{"topic": "B", "key": "k", "value": {"Y": 4},
      "timestamp": 0, "window": {"start": 0, "end": 10, "type": "session"}}]})";
  absl::StatusOr<Case> c = ParseTestRunnerCase("s.sql", sql, input, output);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->name, "s.sql");
  ASSERT_EQ(c->statements.size(), 1u);
  EXPECT_EQ(c->statements[0], sql);
  ASSERT_EQ(c->inputs.size(), 1u);
  EXPECT_EQ(c->inputs[0].key, "\"k\"");
  ASSERT_EQ(c->outputs.size(), 1u);
  EXPECT_EQ(c->outputs[0].value, R"({"Y":4})");
  EXPECT_EQ(c->outputs[0].window, (WindowSpec{0, 10, "session"}));

  EXPECT_FALSE(ParseTestRunnerCase("s.sql", sql, R"({"records": []})", output).ok());
  EXPECT_FALSE(ParseTestRunnerCase("s.sql", sql, input, "[]").ok());
}

TEST(LoadTestRunnerCaseTest, MissingFileIsNotFound) {
  absl::StatusOr<Case> c =
      LoadTestRunnerCase("/nonexistent/s.sql", "/nonexistent/i.json", "/nonexistent/o.json");
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace skein::testrunner
