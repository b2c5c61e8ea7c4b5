// ksqlDB's pull-query restrictions, with the position of the offending clause.

#include "pull_rules.h"

#include "gtest/gtest.h"
#include "skein/sql/parser.h"

namespace skein::coordinator {
namespace {

absl::Status Check(const std::string& sql) {
  absl::StatusOr<sql::StatementPtr> stmt = sql::ParseStatement(sql);
  EXPECT_TRUE(stmt.ok()) << stmt.status();
  if (!stmt.ok()) return stmt.status();
  return CheckPullQueryRules(*(*stmt)->As<sql::SelectStatement>().query);
}

void ExpectRejected(const std::string& sql, const std::string& prefix) {
  absl::Status s = Check(sql);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << sql;
  EXPECT_EQ(std::string(s.message()).substr(0, prefix.size()), prefix) << s;
  EXPECT_NE(s.message().find("Add EMIT CHANGES if you intended to issue a push query."),
            std::string::npos)
      << s;
}

TEST(PullRulesTest, AcceptsLookupsRangesScansAndLimit) {
  EXPECT_TRUE(Check("SELECT * FROM t WHERE k = 'a';").ok());
  EXPECT_TRUE(Check("SELECT k, v FROM t WHERE k IN ('a', 'b') AND WINDOWSTART >= 10;").ok());
  EXPECT_TRUE(Check("SELECT * FROM t WHERE k >= 'a' AND k < 'c';").ok());
  EXPECT_TRUE(Check("SELECT * FROM t LIMIT 3;").ok());
}

TEST(PullRulesTest, RejectsClausesKsqlDbRejectsAtTheirPosition) {
  ExpectRejected("SELECT * FROM a JOIN b ON a.k = b.k;",
                 "line 1:22: Pull queries don't support JOIN clauses.");
  ExpectRejected("SELECT k, COUNT(*) FROM t\nGROUP BY k;",
                 "line 2:10: Pull queries don't support GROUP BY clauses.");
  ExpectRejected("SELECT * FROM t PARTITION BY v;",
                 "line 1:30: Pull queries don't support PARTITION BY clauses.");
  ExpectRejected("SELECT k, COUNT(*) FROM t WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY k;",
                 "line 1:34: Pull queries don't support WINDOW clauses.");
  ExpectRejected("SELECT k FROM t WHERE ROWOFFSET > 3;",
                 "line 1:23: Pull queries don't support ROWPARTITION or ROWOFFSET in WHERE");
  ExpectRejected("SELECT ROWPARTITION FROM t;",
                 "line 1:8: Pull queries don't support ROWPARTITION or ROWOFFSET in SELECT");
}

}  // namespace
}  // namespace skein::coordinator
