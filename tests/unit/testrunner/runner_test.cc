// The runner's protocol and verdicts, driven by a scripted CaseEngine that returns canned
// outputs (no SQL is executed here: this tests the runner, not an engine).

#include "skein/testrunner/runner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "skein/testrunner/loader.h"

namespace skein::testrunner {
namespace {

// What a scripted engine does, and what it saw. Shared between the test and the engines the
// factory makes (one per case).
struct Script {
  std::map<std::string, absl::Status> statement_errors;  // statement text -> its error
  absl::Status produce_error;
  absl::Status run_error;
  std::map<std::string, std::vector<TestRecord>> outputs;
  std::vector<SourceInfo> sources;
  std::vector<TopicInfo> topics;

  std::vector<std::string> calls;
  std::vector<TestRecord> produced;
  int engines_made = 0;
};

// Test double for CaseEngine. Owned by the runner; single-threaded.
class ScriptedEngine : public CaseEngine {
 public:
  explicit ScriptedEngine(Script* script) : script_(script) {}

  absl::Status Prepare(const Case& test_case) override {
    script_->calls.push_back("prepare " + test_case.name);
    return absl::OkStatus();
  }
  absl::Status ExecuteStatements(std::string_view sql_text) override {
    script_->calls.push_back("execute " + std::string(sql_text));
    auto it = script_->statement_errors.find(std::string(sql_text));
    return it == script_->statement_errors.end() ? absl::OkStatus() : it->second;
  }
  absl::Status Produce(const TestRecord& record) override {
    script_->calls.push_back("produce");
    script_->produced.push_back(record);
    return script_->produce_error;
  }
  absl::Status RunUntilQuiescent() override {
    script_->calls.push_back("run");
    return script_->run_error;
  }
  absl::StatusOr<std::vector<TestRecord>> Output(const std::string& topic) override {
    script_->calls.push_back("output " + topic);
    auto it = script_->outputs.find(topic);
    if (it == script_->outputs.end()) return absl::NotFoundError("no topic " + topic);
    return it->second;
  }
  absl::StatusOr<std::vector<SourceInfo>> Sources() override { return script_->sources; }
  absl::StatusOr<std::vector<TopicInfo>> Topics() override { return script_->topics; }

 private:
  Script* script_;
};

CaseEngineFactory FactoryFor(Script* script) {
  return [script]() -> std::unique_ptr<CaseEngine> {
    ++script->engines_made;
    return std::make_unique<ScriptedEngine>(script);
  };
}

TestRecord Rec(std::string topic, std::string key, std::string value,
               std::optional<int64_t> ts = std::nullopt) {
  TestRecord record;
  record.topic = std::move(topic);
  record.key = std::move(key);
  record.value = std::move(value);
  record.timestamp = ts;
  return record;
}

Case BasicCase() {
  Case c;
  c.name = "basic";
  c.statements = {"CREATE STREAM A ...;", "CREATE STREAM B AS SELECT ...;"};
  c.inputs = {Rec("a", "1", R"({"X":1})", 7), Rec("a", "2", R"({"X":2})")};
  c.outputs = {Rec("B", "1", R"({"Y":2})", 7), Rec("C", "1", "1"), Rec("B", "2", R"({"Y":4})")};
  return c;
}

Script PassingScript() {
  Script script;
  script.outputs["B"] = {Rec("B", "1", R"({"Y":2})", 7), Rec("B", "2", R"({"Y":4})", 0)};
  script.outputs["C"] = {Rec("C", "1", "1", 3)};
  return script;
}

TEST(RunCaseTest, PassesAndFollowsTheProtocol) {
  Script script = PassingScript();
  CaseResult result = RunCase(BasicCase(), FactoryFor(&script));
  EXPECT_EQ(result.outcome, Outcome::kPass) << result.detail;
  const std::vector<std::string> calls = {"prepare basic",
                                          "execute CREATE STREAM A ...;",
                                          "execute CREATE STREAM B AS SELECT ...;",
                                          "produce",
                                          "produce",
                                          "run",
                                          "output B",
                                          "output C"};
  EXPECT_EQ(script.calls, calls);
  ASSERT_EQ(script.produced.size(), 2u);
  EXPECT_EQ(script.produced[0].timestamp, 7);
  EXPECT_EQ(script.produced[1].timestamp, 0);  // a missing input timestamp is 0
  EXPECT_EQ(script.produced[1].key, "2");
  EXPECT_EQ(script.engines_made, 1);
}

TEST(RunCaseTest, FailsOnTheFirstDifferentRecord) {
  Script script = PassingScript();
  script.outputs["B"][1].value = R"({"Y":5})";
  CaseResult result = RunCase(BasicCase(), FactoryFor(&script));
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_NE(result.detail.find("topic B record 1: value $.Y: expected 4, got 5"), std::string::npos)
      << result.detail;
  EXPECT_NE(result.detail.find(R"(expected: topic=B key=2 value={"Y":4})"), std::string::npos);
  EXPECT_NE(result.detail.find(R"(actual:   topic=B key=2 value={"Y":5} timestamp=0)"),
            std::string::npos);
}

TEST(RunCaseTest, FailsOnRecordCounts) {
  Script extra = PassingScript();
  extra.outputs["C"].push_back(Rec("C", "9", "9"));
  CaseResult result = RunCase(BasicCase(), FactoryFor(&extra));
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_NE(result.detail.find("topic C: expected 1 records, got 2"), std::string::npos);
  EXPECT_NE(result.detail.find("first extra:   topic=C key=9"), std::string::npos);

  Script missing = PassingScript();
  missing.outputs["B"].pop_back();
  result = RunCase(BasicCase(), FactoryFor(&missing));
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_NE(result.detail.find("first missing: topic=B key=2"), std::string::npos);

  Script no_topic = PassingScript();
  no_topic.outputs.erase("C");
  result = RunCase(BasicCase(), FactoryFor(&no_topic));
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_NE(result.detail.find("topic C: expected 1 records, but the topic does not exist"),
            std::string::npos);
}

TEST(RunCaseTest, ExpectedExceptionMatchesRejectionMessageSubstring) {
  Case c;
  c.name = "negative";
  c.statements = {"OK;", "BAD;", "NEVER;"};
  c.expected_exception = ExpectedException{"io.x.KsqlStatementException", "Unknown format"};
  Script script;
  script.statement_errors["BAD;"] = absl::InvalidArgumentError("line 1:5: Unknown format: FOO");
  EXPECT_EQ(RunCase(c, FactoryFor(&script)).outcome, Outcome::kPass);
  EXPECT_EQ(script.calls.back(), "execute BAD;");  // stops at the rejection

  c.expected_exception->message = "something else";
  CaseResult result = RunCase(c, FactoryFor(&script));
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_NE(result.detail.find("something else"), std::string::npos);
  EXPECT_NE(result.detail.find("Unknown format: FOO"), std::string::npos);

  // Only a type: any rejection will do.
  c.expected_exception->message.clear();
  EXPECT_EQ(RunCase(c, FactoryFor(&script)).outcome, Outcome::kPass);
}

TEST(RunCaseTest, PositionsCountLinesOverTheWholeCaseScript) {
  // ksqlDB parses a case's statements as one script joined by newlines.
  Case c;
  c.name = "positions";
  c.statements = {"OK;", "TWO\nLINES;", "BAD;"};
  c.expected_exception =
      ExpectedException{"", "line 4:5: Syntax Error\nmissing ')' (the '(' at line 4:2)"};
  Script script;
  script.statement_errors["BAD;"] =
      absl::InvalidArgumentError("line 1:5: Syntax Error\nmissing ')' (the '(' at line 1:2)");
  EXPECT_EQ(RunCase(c, FactoryFor(&script)).outcome, Outcome::kPass);
}

TEST(RunCaseTest, KsqlLineColPositionsMatchEngineLinePositions) {
  // ksqlDB sometimes writes `Line: L, Col: C:` where the engine writes `line L:C:`.
  Case c;
  c.name = "line col";
  c.statements = {"OK;", "TWO\nLINES;", "BAD;"};
  c.expected_exception = ExpectedException{"", "Line: 4, Col: 7: Unknown format: FOO"};
  Script script;
  script.statement_errors["BAD;"] = absl::InvalidArgumentError("line 1:7: Unknown format: FOO");
  EXPECT_EQ(RunCase(c, FactoryFor(&script)).outcome, Outcome::kPass);

  // The position still has to be the same one.
  c.expected_exception->message = "Line: 4, Col: 8: Unknown format: FOO";
  EXPECT_EQ(RunCase(c, FactoryFor(&script)).outcome, Outcome::kFail);
  c.expected_exception->message = "Line: 1, Col: 7: Unknown format: FOO";
  EXPECT_EQ(RunCase(c, FactoryFor(&script)).outcome, Outcome::kFail);
}

TEST(RunCaseTest, ExpectedExceptionFromTheRun) {
  Case c = BasicCase();
  c.expected_exception = ExpectedException{"", "overflow"};
  Script script = PassingScript();
  script.run_error = absl::InternalError("arithmetic overflow in query");
  EXPECT_EQ(RunCase(c, FactoryFor(&script)).outcome, Outcome::kPass);
}

TEST(RunCaseTest, ExpectedExceptionNotRaisedFails) {
  Case c = BasicCase();
  c.expected_exception = ExpectedException{"", "must fail"};
  Script script = PassingScript();
  CaseResult result = RunCase(c, FactoryFor(&script));
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_NE(result.detail.find("every statement was accepted"), std::string::npos);
}

TEST(RunCaseTest, UnexpectedRejectionFailsAndEngineFailureErrors) {
  Script rejecting = PassingScript();
  rejecting.statement_errors["CREATE STREAM A ...;"] = absl::InvalidArgumentError("no such type");
  CaseResult result = RunCase(BasicCase(), FactoryFor(&rejecting));
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_NE(result.detail.find("no such type"), std::string::npos);

  Script broken = PassingScript();
  broken.produce_error = absl::InternalError("disk on fire");
  result = RunCase(BasicCase(), FactoryFor(&broken));
  EXPECT_EQ(result.outcome, Outcome::kError);
  EXPECT_NE(result.detail.find("disk on fire"), std::string::npos);

  EXPECT_EQ(RunCase(BasicCase(), CaseEngineFactory()).outcome, Outcome::kError);
}

TEST(RunCaseTest, SkipsDisabledAndUnsupportedFormats) {
  Script script = PassingScript();
  Case disabled = BasicCase();
  disabled.enabled = false;
  EXPECT_EQ(RunCase(disabled, FactoryFor(&script)).outcome, Outcome::kSkip);

  Case proto = BasicCase();
  proto.format = "PROTOBUF";
  EXPECT_EQ(RunCase(proto, FactoryFor(&script)).outcome, Outcome::kSkip);

  Case in_statement = BasicCase();
  in_statement.statements[0] = "CREATE STREAM A (X INT) WITH (kafka_topic='a', format='json_sr');";
  EXPECT_EQ(SkipReason(in_statement), "format JSON_SR unsupported");

  Case in_topic = BasicCase();
  in_topic.topics.push_back(TopicSpec{});
  in_topic.topics[0].key_format.format = "PROTOBUF_NOSR";
  EXPECT_EQ(RunCase(in_topic, FactoryFor(&script)).outcome, Outcome::kSkip);
  EXPECT_EQ(script.engines_made, 0);

  Case avro = BasicCase();
  avro.format = "AVRO";
  EXPECT_EQ(SkipReason(avro), "");
}

TEST(RunCaseTest, PostConditionsOnSourcesAndTopics) {
  Case c = BasicCase();
  c.post = PostConditions{};
  ExpectedSource source;
  source.name = "B";
  source.type = "stream";
  source.schema = "K INT KEY, Y  bigint";
  source.key_format = FormatSpec{"KAFKA", {}, {}};
  source.value_features = std::vector<std::string>{};
  c.post->sources.push_back(source);
  ExpectedTopic topic;
  topic.name = "B";
  topic.value_format = FormatSpec{"JSON", {}, {}};
  c.post->topics.push_back(topic);
  c.post->topic_denylist = ".*-repartition";

  Script script = PassingScript();
  script.sources = {SourceInfo{"B", "STREAM", "K INT KEY, Y BIGINT", "KAFKA", "JSON", {}, {}, "B"}};
  script.topics = {TopicInfo{"a", 1, "KAFKA", "JSON", "", ""},
                   TopicInfo{"B", 1, "KAFKA", "JSON", "", ""}};
  CaseResult result = RunCase(c, FactoryFor(&script));
  EXPECT_EQ(result.outcome, Outcome::kPass) << result.detail;

  Script wrong_schema = script;
  wrong_schema.sources[0].schema = "K INT KEY, Y INT";
  result = RunCase(c, FactoryFor(&wrong_schema));
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_NE(result.detail.find("post: source B schema"), std::string::npos);

  // Type spellings and back-quotes are canonicalised: INT = INTEGER, VARCHAR = STRING.
  Script spelled = script;
  spelled.sources[0].schema = "`K` INTEGER KEY, `Y` BIGINT";
  EXPECT_EQ(RunCase(c, FactoryFor(&spelled)).outcome, Outcome::kPass);
  Case nested = c;
  nested.post->sources[0].schema = "K INT KEY, S STRUCT<F1 VARCHAR, `f2` INT>";
  Script nested_script = script;
  nested_script.sources[0].schema = "`K` INTEGER KEY, `S` STRUCT<`F1` STRING, `f2` INTEGER>";
  result = RunCase(nested, FactoryFor(&nested_script));
  EXPECT_EQ(result.outcome, Outcome::kPass) << result.detail;
  nested_script.sources[0].schema = "`K` INTEGER KEY, `S` STRUCT<`F1` STRING, `F2` INTEGER>";
  EXPECT_EQ(RunCase(nested, FactoryFor(&nested_script)).outcome, Outcome::kFail)
      << "quoted names keep their case";

  Script table = script;
  table.sources[0].type = "table";
  EXPECT_EQ(RunCase(c, FactoryFor(&table)).outcome, Outcome::kFail);
  // A table's `PRIMARY KEY` is its KEY; whether it is a table is the type's business.
  Case primary = c;
  primary.post->sources[0].type = "table";
  primary.post->sources[0].schema = "K INT PRIMARY KEY, Y BIGINT";
  EXPECT_EQ(RunCase(primary, FactoryFor(&table)).outcome, Outcome::kPass);
  primary.post->sources[0].schema = "K INT PRIMARY, Y BIGINT";
  EXPECT_EQ(RunCase(primary, FactoryFor(&table)).outcome, Outcome::kFail);

  Script features = script;
  features.sources[0].value_features = {"WRAP_SINGLES"};
  EXPECT_EQ(RunCase(c, FactoryFor(&features)).outcome, Outcome::kFail);

  Script repartition = script;
  repartition.topics.push_back(TopicInfo{"q-Agg-repartition", 1, "KAFKA", "JSON", "", ""});
  result = RunCase(c, FactoryFor(&repartition));
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_NE(result.detail.find("should not exist"), std::string::npos);

  Script delimited = script;
  delimited.topics[1].value_format = "DELIMITED";
  EXPECT_EQ(RunCase(c, FactoryFor(&delimited)).outcome, Outcome::kFail);

  Script missing = script;
  missing.sources.clear();
  EXPECT_EQ(RunCase(c, FactoryFor(&missing)).outcome, Outcome::kFail);
}

// Writes files under a fresh directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    path_ =
        std::filesystem::temp_directory_path() /
        ("skein_testrunner_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) {
    const std::filesystem::path file = path_ / name;
    std::ofstream(file) << text;
    return file.string();
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

constexpr char kFileOne[] = R"json({"tests": [
  {"name": "good", "statements": ["S1;"], "inputs": [{"topic": "a", "value": 1}],
   "outputs": [{"topic": "B", "value": 2}]},
  {"name": "bad", "statements": ["S1;"], "inputs": [{"topic": "a", "value": 1}],
   "outputs": [{"topic": "B", "value": 3}]},
  {"name": "protobuf only", "format": ["PROTOBUF"], "statements": ["S1;"],
   "inputs": [{"topic": "a", "value": 1}]}
]})json";

constexpr char kFileTwo[] = R"json({"tests": [
  // negative case
  {"name": "rejected", "statements": ["NOPE;"], "expectedException": {"message": "nope"}}
]})json";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(RunQttTest, ReportsPerCasePerFileAndTotal) {
  TempDir dir;
  dir.Write("one.json", kFileOne);
  dir.Write("two.json", kFileTwo);
  dir.Write("ignored.txt", "not json");
  Script script;
  script.outputs["B"] = {Rec("B", "null", "2")};
  script.statement_errors["NOPE;"] = absl::InvalidArgumentError("nope, not this");

  std::ostringstream out;
  int code = RunQtt({dir.path()}, "", /*verbose=*/true, FactoryFor(&script), out);
  EXPECT_EQ(code, 1);
  const std::vector<std::string> lines = Lines(out.str());
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), "2 passed, 1 failed, 1 skipped");
  EXPECT_NE(out.str().find("PASS one.json: good\n"), std::string::npos);
  EXPECT_NE(out.str().find("FAIL one.json: bad\n"), std::string::npos);
  EXPECT_NE(out.str().find("value $: expected 3, got 2"), std::string::npos);
  EXPECT_NE(out.str().find("SKIP one.json: protobuf only - PROTOBUF\n"), std::string::npos);
  EXPECT_NE(out.str().find("PASS two.json: rejected\n"), std::string::npos);
  EXPECT_NE(out.str().find("== one.json: 1 passed, 1 failed, 0 errors, 1 skipped\n"),
            std::string::npos);
  EXPECT_NE(out.str().find("== two.json: 1 passed, 0 failed, 0 errors, 0 skipped\n"),
            std::string::npos);
}

TEST(RunQttTest, FilterAndQuietMode) {
  TempDir dir;
  const std::string one = dir.Write("one.json", kFileOne);
  Script script;
  script.outputs["B"] = {Rec("B", "null", "2")};
  std::ostringstream out;
  EXPECT_EQ(RunQtt({one}, "goo", /*verbose=*/false, FactoryFor(&script), out), 0);
  EXPECT_EQ(out.str(),
            "== one.json: 1 passed, 0 failed, 0 errors, 0 skipped\n"
            "1 passed, 0 failed, 0 skipped\n");
}

TEST(RunQttTest, BadFilesAndMissingPaths) {
  TempDir dir;
  const std::string broken = dir.Write("broken.json", "{\"tests\": [");
  Script script;
  std::ostringstream out;
  EXPECT_EQ(RunQtt({broken}, "", false, FactoryFor(&script), out), 1);
  EXPECT_EQ(Lines(out.str()).back(), "0 passed, 1 failed, 0 skipped");

  std::ostringstream empty_out;
  TempDir empty;
  EXPECT_EQ(RunQtt({empty.path()}, "", false, FactoryFor(&script), empty_out), 2);

  std::ostringstream missing_out;
  EXPECT_EQ(RunQtt({dir.path() + "/nope"}, "", false, FactoryFor(&script), missing_out), 1);
}

TEST(RunSkeinTestTest, PassAndReadableFailure) {
  TempDir dir;
  const std::string sql =
      dir.Write("statements.sql", "CREATE STREAM A ...;\nCREATE STREAM B ...;\n");
  const std::string input =
      dir.Write("input.json", R"({"inputs": [{"topic": "a", "key": "k", "value": {"X": 1}}]})");
  const std::string output =
      dir.Write("output.json", R"({"outputs": [{"topic": "B", "key": "k", "value": {"Y": 2}}]})");
  Script script;
  script.outputs["B"] = {Rec("B", "\"k\"", R"({"Y":2})", 0)};
  std::ostringstream out;
  EXPECT_EQ(RunSkeinTest(sql, input, output, FactoryFor(&script), out), 0);
  EXPECT_EQ(out.str(), "Test passed!\n");
  // The whole .sql text goes to the engine in one call.
  EXPECT_EQ(script.calls[1], "execute CREATE STREAM A ...;\nCREATE STREAM B ...;\n");

  script.outputs["B"][0].value = R"({"Y":3})";
  std::ostringstream fail_out;
  EXPECT_EQ(RunSkeinTest(sql, input, output, FactoryFor(&script), fail_out), 1);
  EXPECT_NE(fail_out.str().find("Test failed:"), std::string::npos);
  EXPECT_NE(fail_out.str().find("value $.Y: expected 2, got 3"), std::string::npos);

  std::ostringstream missing_out;
  EXPECT_EQ(RunSkeinTest(sql, input, dir.path() + "/none.json", FactoryFor(&script), missing_out),
            1);
}

}  // namespace
}  // namespace skein::testrunner
