// Runs the statements of every stateless ksqlDB QTT case (no GROUP BY / JOIN / WINDOW) through
// parse + compile, and counts how many compile and how many expected failures are rejected.
// The QTT files are read at run time from $SKEIN_SOURCE_DIR/../shared/conformance/qtt.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <regex>

#include "skein/compiler/compiler.h"
#include "skein/sql/parser.h"

namespace skein::compiler {
namespace {

TEST(QttCompileTest, StatelessCasesCompile) {
  const char* src = std::getenv("SKEIN_SOURCE_DIR");
  if (src == nullptr) GTEST_SKIP() << "SKEIN_SOURCE_DIR not set";
  const std::filesystem::path dir = std::filesystem::path(src) / ".." / "shared/conformance/qtt";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no QTT files at " << dir;
  const std::regex stateful("GROUP BY|JOIN|WINDOW|\\{", std::regex::icase);
  int ok = 0, failed = 0, rejected = 0, accepted_bad = 0, exact_message = 0;
  std::vector<std::string> failures;
  simdjson::dom::parser parser;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    simdjson::dom::element doc;
    if (parser.load(entry.path().string()).get(doc)) continue;
    simdjson::dom::array tests;
    if (doc["tests"].get_array().get(tests)) continue;
    for (auto test : tests) {
      std::string all;
      std::vector<std::string> statements;
      simdjson::dom::array stmts;
      if (test["statements"].get_array().get(stmts)) continue;
      for (auto s : stmts) {
        std::string_view sv;
        if (s.get_string().get(sv)) continue;
        statements.emplace_back(sv);
        all += std::string(sv) + "\n";
      }
      if (std::regex_search(all, stateful)) continue;
      // JSON cases only (the format matrix of other formats belongs to the serde suites).
      if (all.find("'JSON'") == std::string::npos && all.find("'json'") == std::string::npos) {
        continue;
      }
      std::string expected_message;
      bool expect_error = false;
      simdjson::dom::element ex;
      if (!test["expectedException"].get(ex)) {
        expect_error = true;
        std::string_view m;
        if (!ex["message"].get_string().get(m)) expected_message = std::string(m);
      }
      std::string_view name;
      if (test["name"].get_string().get(name)) name = "?";
      Compiler compiler;
      absl::Status status;
      for (const auto& s : statements) {
        auto parsed = sql::ParseStatements(s);
        if (!parsed.ok()) {
          status = parsed.status();
          break;
        }
        for (const auto& p : *parsed) {
          auto r = compiler.Execute(*p.statement, p.text);
          if (!r.ok()) {
            status = r.status();
            break;
          }
        }
        if (!status.ok()) break;
      }
      const std::string where = entry.path().filename().string() + " / " + std::string(name);
      if (expect_error) {
        if (!status.ok()) {
          ++rejected;
          if (std::string(status.message()).find(expected_message) != std::string::npos) {
            ++exact_message;
          }
        } else {
          ++accepted_bad;
          failures.push_back(where + ": accepted, expected: " + expected_message.substr(0, 100));
        }
      } else if (status.ok()) {
        ++ok;
      } else {
        ++failed;
        failures.push_back(where + ": " + std::string(status.message()).substr(0, 160));
      }
    }
  }
  std::cout << "stateless JSON QTT cases: compiled " << ok << ", failed " << failed
            << "; expected errors rejected " << rejected << " (message matched " << exact_message
            << "), wrongly accepted " << accepted_bad << "\n";
  for (size_t i = 0; i < failures.size() && i < 40; ++i) std::cout << "  " << failures[i] << "\n";
  // Floors measured when this test was written; raise them as the compiler grows.
  EXPECT_GE(ok, 300);
  EXPECT_GE(rejected, 78);
}

}  // namespace
}  // namespace skein::compiler
