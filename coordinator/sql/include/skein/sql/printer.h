#pragma once

// Canonical SQL printers in ksqlDB's style: binary operators and predicates are fully
// parenthesized (`(A + B)`, `(X IS NULL)`), identifiers are upper-case bare words unless they need
// backquotes, keywords are upper case. Parsing the output yields the same tree, so the printed
// text doubles as a structural fingerprint (used for KSQL_COL naming and EXPLAIN).
// Stateless free functions: thread-safe.

#include <string>

#include "skein/sql/ast.h"
#include "skein/sql/statement.h"

namespace skein::sql {

std::string ExprToSql(const Expr& expr);
std::string TypeToSql(const DataType& type);
std::string QueryToSql(const Query& query);
std::string StatementToSql(const Statement& statement);

// `NAME` as is when it is a valid unquoted upper-case identifier and not reserved, else
// backquoted with embedded backquotes doubled.
std::string FormatIdentifier(const std::string& name);

// 'value' with embedded quotes doubled.
std::string FormatStringLiteral(const std::string& value);

}  // namespace skein::sql
