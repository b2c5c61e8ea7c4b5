#pragma once

// Loaders that turn test files into expanded Cases:
//  - ksqlDB QTT files (`{"tests":[...]}` with `//` comments), one Case per `format` entry x
//    `config` value;
//  - ksql-test-runner files (`skein test --statements S.sql --input I.json --output O.json`).
// Stateless free functions; safe from any thread.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/testrunner/test_case.h"

namespace skein::testrunner {

// Removes `//` line comments and `/* */` block comments that lie outside JSON strings; a
// comment's characters become spaces (newlines kept) so error offsets still point at the
// original line. Text inside strings, escapes included, is untouched.
std::string StripJsonComments(std::string_view text);

// Parses the text of a QTT file and expands its cases. `file_name` fills Case::file.
// Expansion: for each `format` entry F the case is copied with every `{FORMAT}` in it
// replaced by F and " - F" appended to its name; for each `config` value V every "{CONFIG}"
// is replaced by V and " - V" appended. Cases are returned in file order, expansions in list
// order. Returns INVALID_ARGUMENT (with the case index/name) for malformed JSON or cases.
absl::StatusOr<std::vector<Case>> ParseQtt(std::string_view text, std::string_view file_name);

// Reads and parses one QTT file. NOT_FOUND when unreadable.
absl::StatusOr<std::vector<Case>> LoadQttFile(const std::string& path);

// The `*.json` files under `path_or_dir` (sorted by name), or `path_or_dir` itself when it is
// a file. NOT_FOUND when it does not exist.
absl::StatusOr<std::vector<std::string>> ListQttFiles(const std::string& path_or_dir);

// Builds the single Case of a ksql-test-runner invocation from the contents of its three
// files. `input_json` is `{"inputs":[RECORD...]}`, `output_json` is `{"outputs":[...]}` with
// RECORD = {topic, key?, value, timestamp?, headers?, window?}. The statement text is kept
// whole (one Case::statements entry); splitting it is the engine's job. `name` names the case.
absl::StatusOr<Case> ParseTestRunnerCase(std::string_view name, std::string_view statements_sql,
                                         std::string_view input_json, std::string_view output_json);

// Reads the three files and calls ParseTestRunnerCase (named after the statements file).
absl::StatusOr<Case> LoadTestRunnerCase(const std::string& statements_path,
                                        const std::string& input_path,
                                        const std::string& output_path);

}  // namespace skein::testrunner
