#pragma once

// Helpers of the compiler's unit tests: run SQL text through a Compiler.

#include <gtest/gtest.h>

#include <string>

#include "skein/compiler/compiler.h"
#include "skein/sql/parser.h"

namespace skein::compiler {

// Runs every statement of `sql`; returns the last result (or the first error).
inline absl::StatusOr<StatementResult> RunSql(Compiler& c, const std::string& sql) {
  auto parsed = sql::ParseStatements(sql);
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<StatementResult> last = absl::InternalError("no statement");
  for (const auto& p : *parsed) {
    last = c.Execute(*p.statement, p.text);
    if (!last.ok()) return last;
  }
  return last;
}

// Expects `sql` to be rejected with a message containing `part`.
inline void ExpectRejected(Compiler& c, const std::string& sql, const std::string& part) {
  auto r = RunSql(c, sql);
  ASSERT_FALSE(r.ok()) << sql;
  EXPECT_NE(r.status().message().find(part), std::string::npos) << r.status();
}

}  // namespace skein::compiler
