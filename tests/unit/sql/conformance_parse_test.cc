// Reads ksqlDB's query-translation test files at run time (never copied into the repo) and
// checks that the parser accepts the statements of every case that is expected to succeed.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "skein/sql/parser.h"
#include "skein/sql/printer.h"

namespace skein::sql {
namespace {

namespace fs = std::filesystem;

// The files allow `//` line comments, which JSON does not: blank them out, leaving strings.
std::string StripLineComments(const std::string& in) {
  std::string out;
  out.reserve(in.size());
  bool in_string = false;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < in.size()) {
        out.push_back(in[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '/' && i + 1 < in.size() && in[i + 1] == '/') {
      while (i < in.size() && in[i] != '\n') ++i;
      out.push_back('\n');
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

fs::path QttDir() {
  const char* src = std::getenv("SKEIN_SOURCE_DIR");
  fs::path base = src != nullptr ? fs::path(src) : fs::current_path();
  return base / ".." / "shared" / "conformance" / "qtt";
}

TEST(SqlConformanceParseTest, ParsesPositiveQttStatements) {
  fs::path dir = QttDir();
  if (!fs::is_directory(dir)) GTEST_SKIP() << "no conformance files at " << dir;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());

  int cases = 0, cases_ok = 0, statements = 0, statements_ok = 0, round_trip_failures = 0;
  std::vector<std::string> failures;
  simdjson::dom::parser json;
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::stringstream buf;
    buf << in.rdbuf();
    simdjson::padded_string text(StripLineComments(buf.str()));
    simdjson::dom::element root;
    ASSERT_EQ(json.parse(text).get(root), simdjson::SUCCESS) << file;
    simdjson::dom::array tests;
    if (root["tests"].get_array().get(tests) != simdjson::SUCCESS) continue;
    for (simdjson::dom::element test : tests) {
      simdjson::dom::element ignored;
      if (test["expectedException"].get(ignored) == simdjson::SUCCESS) continue;
      simdjson::dom::array stmts;
      if (test["statements"].get_array().get(stmts) != simdjson::SUCCESS) continue;
      std::string_view name = "?";
      if (test["name"].get_string().get(name) != simdjson::SUCCESS) name = "?";
      ++cases;
      bool case_ok = true;
      for (simdjson::dom::element s : stmts) {
        std::string_view sv;
        if (s.get_string().get(sv) != simdjson::SUCCESS) continue;
        std::string sql(sv);
        ReplaceAll(sql, "{FORMAT}", "JSON");
        ++statements;
        ParseError error;
        auto parsed = ParseStatements(sql, &error);
        if (!parsed.ok()) {
          case_ok = false;
          failures.push_back(file.filename().string() + " / " + std::string(name) + ": " +
                             std::string(parsed.status().message()) + "\n    " + sql);
          continue;
        }
        ++statements_ok;
        // Every accepted statement must survive print -> parse -> print unchanged.
        for (const auto& p : *parsed) {
          std::string printed = StatementToSql(*p.statement);
          auto again = ParseStatement(printed);
          if (!again.ok() || StatementToSql(**again) != printed) {
            ++round_trip_failures;
            failures.push_back(
                "round trip: " + printed + "\n    " +
                (again.ok() ? StatementToSql(**again) : std::string(again.status().message())));
          }
        }
      }
      if (case_ok) ++cases_ok;
    }
  }
  std::cout << "conformance: " << cases_ok << "/" << cases << " positive cases, " << statements_ok
            << "/" << statements << " statements parsed\n";
  for (const std::string& f : failures) std::cout << "  FAIL " << f << "\n";
  ASSERT_GT(cases, 0);
  EXPECT_GE(cases_ok * 100, cases * 95) << "too many positive cases fail to parse";
  EXPECT_EQ(round_trip_failures, 0);
}

}  // namespace
}  // namespace skein::sql
