#pragma once

// The local SQL engine of `skein test` and `skein qtt`: statements go through the SQL compiler,
// the plans run on skein::runtime's StageTask over in-memory topics (LocalRunner), the same
// operator code the executor runs over Kafka.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "skein/common/clock.h"
#include "skein/compiler/compiler.h"
#include "skein/runtime/in_memory_topics.h"
#include "skein/runtime/local_runner.h"
#include "skein/runtime/processing_log.h"
#include "skein/serde/schema_registry.h"
#include "skein/sql/statement.h"  // before compiler.h, which uses sql::Statement
#include "skein/testrunner/engine.h"

namespace skein::cli {

// One engine per test case (see testrunner::CaseEngine for the call order and error rules).
// Owns a Compiler (catalog), the in-memory topics, the processing log and the runner.
// Threading: single-threaded, driven by the test runner.
class LocalEngine final : public testrunner::CaseEngine {
 public:
  explicit LocalEngine(std::string tenant = "default");

  absl::Status Prepare(const testrunner::Case& test_case) override;
  absl::Status ExecuteStatements(std::string_view sql_text) override;
  absl::Status Produce(const testrunner::TestRecord& record) override;
  absl::Status RunUntilQuiescent() override;
  absl::StatusOr<std::vector<testrunner::TestRecord>> Output(const std::string& topic) override;
  absl::StatusOr<std::vector<testrunner::SourceInfo>> Sources() override;
  absl::StatusOr<std::vector<testrunner::TopicInfo>> Topics() override;

  const runtime::InMemoryProcessingLog& processing_log() const { return log_; }
  runtime::InMemoryTopics& topics() { return topics_; }

 private:
  // Formats and columns of one side (key or value) of a topic's records.
  struct Side {
    std::string format = "JSON";
    std::map<std::string, std::string> properties;
    std::vector<types::Column> columns;
    bool known_columns = false;
  };
  struct TopicFormats {
    Side key, value;
  };

  TopicFormats FormatsOf(const std::string& topic) const;
  // The window of a windowed source over `topic` (its records have windowed keys).
  std::optional<compiler::WindowInfo> WindowOf(const std::string& topic) const;
  absl::Status EnsureTopic(const std::string& name, int partitions);
  absl::Status InsertRows(const compiler::StatementResult& result);

  ManualClock clock_;
  // The case's schema registry (AVRO): seeded from the case's topics, installed as the thread's
  // default registry around every call so the runtime's formats use it. Declared before the
  // runner, whose formats point at it.
  serde::InMemorySchemaRegistry registry_;
  compiler::Compiler compiler_;
  runtime::InMemoryTopics topics_;
  runtime::InMemoryProcessingLog log_;
  runtime::LocalRunner runner_;
  std::map<std::string, TopicFormats> declared_;  // topics of the case file
};

// Factory for testrunner::RunQtt / RunSkeinTest.
std::unique_ptr<testrunner::CaseEngine> MakeLocalEngine();

}  // namespace skein::cli
