// Loading of ksql-test-runner inputs: a .sql file plus input.json / output.json.

#include <filesystem>
#include <optional>
#include <string>

#include "json_text.h"
#include "simdjson.h"
#include "skein/common/status.h"
#include "skein/testrunner/loader.h"

namespace skein::testrunner {
namespace {

// The records of `{"<list_key>": [...]}`.
absl::StatusOr<std::vector<TestRecord>> ParseRecordList(std::string_view json,
                                                        std::string_view list_key,
                                                        std::string_view what) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  // ksql-test-runner files are plain JSON, but tolerate comments as QTT files do.
  const std::string text = StripJsonComments(json);
  SKEIN_RETURN_IF_ERROR(internal::ParseJson(parser, text, what, &root));
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(std::string(what) + ": expected an object");
  }
  std::optional<simdjson::dom::element> list = internal::Field(obj, list_key);
  simdjson::dom::array items;
  if (!list || list->get_array().get(items) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(std::string(what) + ": expected an array `" +
                                      std::string(list_key) + "`");
  }
  std::vector<TestRecord> records;
  size_t index = 0;
  for (simdjson::dom::element item : items) {
    SKEIN_ASSIGN_OR_RETURN(
        TestRecord record,
        internal::ParseRecord(item, std::string(what) + " record " + std::to_string(index++)));
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace

absl::StatusOr<Case> ParseTestRunnerCase(std::string_view name, std::string_view statements_sql,
                                         std::string_view input_json,
                                         std::string_view output_json) {
  Case c;
  c.name = std::string(name);
  c.statements.emplace_back(statements_sql);
  SKEIN_ASSIGN_OR_RETURN(c.inputs, ParseRecordList(input_json, "inputs", "input file"));
  SKEIN_ASSIGN_OR_RETURN(c.outputs, ParseRecordList(output_json, "outputs", "output file"));
  return c;
}

absl::StatusOr<Case> LoadTestRunnerCase(const std::string& statements_path,
                                        const std::string& input_path,
                                        const std::string& output_path) {
  SKEIN_ASSIGN_OR_RETURN(std::string sql, internal::ReadFile(statements_path));
  SKEIN_ASSIGN_OR_RETURN(std::string input, internal::ReadFile(input_path));
  SKEIN_ASSIGN_OR_RETURN(std::string output, internal::ReadFile(output_path));
  return ParseTestRunnerCase(statements_path, sql, input, output);
}

}  // namespace skein::testrunner
