#pragma once

// Recursive-descent parser for the ksqlDB SQL dialect (see ast.h for the tree).
//
// Entry points are stateless free functions: thread-safe, no global state. They never throw and
// never abort on any input; nesting deeper than kMaxNestingDepth is reported as an error rather
// than overflowing the stack.
//
// Errors are INVALID_ARGUMENT with a message of the form
//   line 1:15: Syntax Error
//   unexpected 'FORM' — expected FROM. Hint: did you mean FROM?
// ("Syntax Error" and the position as ksqlDB reports them; a missing closing symbol reads as
// ksqlDB's "missing ')' at ','") and, when the caller passes a ParseError*, the same facts in
// structured form.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/sql/ast.h"
#include "skein/sql/statement.h"

namespace skein::sql {

// How deep expressions/types/parentheses may nest before the parser gives up.
inline constexpr int kMaxNestingDepth = 200;

// First line of every parse error's message, ksqlDB's wording.
inline constexpr std::string_view kSyntaxError = "Syntax Error";

// Structured form of a parse error (the status message is built from it).
struct ParseError {
  int line = 0;         // 1-based
  int column = 0;       // 1-based
  std::string token;    // offending token's text, or "end of input"
  std::string message;  // everything after "line L:C: ": "Syntax Error\n<details>"
};

// One statement with the exact text it was parsed from.
struct ParsedStatement {
  StatementPtr statement;
  std::string text;  // source text of the statement without the terminating ';'
  size_t begin = 0;  // byte offsets of `text` in the input
  size_t end = 0;
};

// Parses `;`-separated statements (the last `;` is optional; empty statements are skipped).
// On error returns INVALID_ARGUMENT and fills `*error` when non-null.
absl::StatusOr<std::vector<ParsedStatement>> ParseStatements(std::string_view sql,
                                                             ParseError* error = nullptr);

// Parses exactly one statement (a trailing ';' is allowed).
absl::StatusOr<StatementPtr> ParseStatement(std::string_view sql, ParseError* error = nullptr);

// Parses a standalone expression (used by tests and by tools that take expressions).
absl::StatusOr<ExprPtr> ParseExpression(std::string_view sql, ParseError* error = nullptr);

// Parses a standalone type such as `MAP<STRING, ARRAY<INT>>`.
absl::StatusOr<DataTypePtr> ParseDataType(std::string_view sql, ParseError* error = nullptr);

}  // namespace skein::sql
