// Robustness: mutated and truncated statements must yield OK or INVALID_ARGUMENT with a
// position — never a crash, a hang or another status code.

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "skein/sql/parser.h"
#include "skein/sql/printer.h"

namespace skein::sql {
namespace {

const std::vector<std::string>& Seeds() {
  static const auto* seeds = new std::vector<std::string>{
      "CREATE STREAM s (k STRING KEY, v INT, m MAP<STRING, ARRAY<STRUCT<a INT>>>) WITH "
      "(kafka_topic='s', value_format='JSON');",
      "CREATE TABLE t AS SELECT k, COUNT(*) AS c, SUM(v) FROM s WINDOW TUMBLING (SIZE 1 "
      "MINUTE, GRACE PERIOD 0 SECONDS) WHERE v > 0 AND k LIKE 'a%' GROUP BY k HAVING "
      "COUNT(*) > 1 EMIT CHANGES;",
      "SELECT a.x->y[1], CASE WHEN b IS NULL THEN 'n' ELSE CAST(b AS STRING) END FROM a LEFT "
      "JOIN b WITHIN (1 SECOND, 2 SECONDS) ON a.id = b.id PARTITION BY a.k LIMIT 5;",
      "INSERT INTO o (a, b) VALUES (ARRAY[1, 2], MAP('k' := STRUCT(f := -1.5E3)));",
      "SELECT TRANSFORM(arr, (x, i) => x * i), REDUCE(a, 0, (s, x) => s + x) FROM s "
      "WHERE v NOT BETWEEN 1 AND 2 OR v IN (3, 4) -- tail\n;",
      "DROP TABLE IF EXISTS t DELETE TOPIC; SHOW STREAMS EXTENDED; SET 'a'='b'; TERMINATE "
      "ALL; /* c */ EXPLAIN SELECT * FROM s;"};
  return *seeds;
}

void CheckOne(const std::string& sql) {
  ParseError error;
  auto result = ParseStatements(sql, &error);
  if (result.ok()) {
    // Whatever parses must print to text that parses to the same canonical text.
    for (const ParsedStatement& p : *result) {
      std::string printed = StatementToSql(*p.statement);
      auto again = ParseStatement(printed);
      ASSERT_TRUE(again.ok()) << sql << "\n printed: " << printed << "\n " << again.status();
      ASSERT_EQ(StatementToSql(**again), printed) << sql;
    }
    return;
  }
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << sql;
  ASSERT_GE(error.line, 1) << sql;
  ASSERT_GE(error.column, 1) << sql;
  ASSERT_EQ(
      std::string(result.status().message())
          .rfind("line " + std::to_string(error.line) + ":" + std::to_string(error.column) + ": ",
                 0),
      0u)
      << result.status();
}

TEST(RobustnessTest, TruncatedStatements) {
  int ok = 0, failed = 0;
  for (const std::string& seed : Seeds()) {
    for (size_t n = 0; n <= seed.size(); ++n) {
      CheckOne(seed.substr(0, n));
      ParseStatements(seed.substr(0, n)).ok() ? ++ok : ++failed;
    }
  }
  // Most prefixes are incomplete statements; a full statement parses.
  EXPECT_GT(failed, ok);
  EXPECT_GT(ok, 0);
}

TEST(RobustnessTest, RandomMutations) {
  std::mt19937 rng(20240611);  // fixed seed: reproducible
  const std::string alphabet = "abcXYZ_019 \n\t'`\"()[]<>=!|-+*/%,.;:>{}#$@\\\x01\xff";
  const std::vector<std::string> words = {"SELECT", "FROM",
                                          "WHERE",  "(",
                                          ")",      "'",
                                          "`",      "CASE",
                                          "END",    "NOT",
                                          ",",      "->",
                                          "=>",     "--",
                                          "/*",     "*/",
                                          "ARRAY",  "<",
                                          ">",      "STRUCT",
                                          "WITHIN", "JOIN",
                                          "EMIT",   ";",
                                          "1.5E",   "99999999999999999999999"};
  int ok = 0, failed = 0;
  for (int iter = 0; iter < 6000; ++iter) {
    std::string sql = Seeds()[rng() % Seeds().size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !sql.empty(); ++e) {
      size_t at = rng() % sql.size();
      switch (rng() % 5) {
        case 0:
          sql.erase(at, 1 + rng() % 6);
          break;
        case 1:
          sql.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        case 2:
          sql[at] = alphabet[rng() % alphabet.size()];
          break;
        case 3:
          sql.insert(at, " " + words[rng() % words.size()] + " ");
          break;
        default:
          sql.resize(at);
          break;
      }
    }
    CheckOne(sql);
    if (::testing::Test::HasFatalFailure()) return;
    ParseStatements(sql).ok() ? ++ok : ++failed;
  }
  EXPECT_EQ(ok + failed, 6000);
  EXPECT_GT(failed, 0);
}

}  // namespace
}  // namespace skein::sql
