#pragma once

// The recursive-descent parser behind parser.h. Private to skein::sql.
// One Parser per call of a public entry point; single-threaded; holds the token vector and a
// cursor. Grammar functions return StatusOr; the first error is also kept as a ParseError.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/sql/ast.h"
#include "skein/sql/lexer.h"
#include "skein/sql/parser.h"

namespace skein::sql::internal {

class Parser {
 public:
  Parser(std::string_view sql, std::vector<Token> tokens) : sql_(sql), tokens_(std::move(tokens)) {}

  // Statements (parser_stmt.cc).
  absl::StatusOr<StatementPtr> ParseStatement();
  absl::StatusOr<std::unique_ptr<Query>> ParseQuery();

  // Expressions and types (parser_expr.cc).
  absl::StatusOr<ExprPtr> ParseExpr();
  // ksqlDB's `valueExpression`: arithmetic and concatenation over primaries, but no top-level
  // predicate or AND/OR/NOT (those need parentheses), as in GROUP BY and PARTITION BY.
  absl::StatusOr<ExprPtr> ParseValueExpr();
  absl::StatusOr<DataTypePtr> ParseType();

  // Token access and errors (parser_common.cc).
  const Token& Peek(size_t ahead = 0) const;
  const Token& Next();
  size_t Position() const { return pos_; }
  void Reset(size_t pos) { pos_ = pos; }
  bool AtEnd() const { return Peek().kind == TokenKind::kEnd; }
  bool IsKeyword(const Token& t, std::string_view kw) const {
    return t.kind == TokenKind::kWord && t.text == kw;
  }
  bool IsSymbol(const Token& t, std::string_view sym) const {
    return t.kind == TokenKind::kSymbol && t.text == sym;
  }
  bool PeekKeyword(std::string_view kw, size_t ahead = 0) const {
    return IsKeyword(Peek(ahead), kw);
  }
  bool PeekSymbol(std::string_view sym, size_t ahead = 0) const {
    return IsSymbol(Peek(ahead), sym);
  }
  bool AcceptKeyword(std::string_view kw);
  bool AcceptSymbol(std::string_view sym);
  absl::Status ExpectKeyword(std::string_view kw);
  absl::Status ExpectSymbol(std::string_view sym);
  // Expects ')' closing the '(' token `open`, with a hint pointing at it when missing.
  absl::Status ExpectClose(const Token& open);
  // After a list item: a hint if the next token looks like the start of another item.
  std::string MissingCommaHint() const;

  // A name: a non-reserved word or a quoted identifier. `what` names it in errors.
  absl::StatusOr<std::string> ParseIdentifier(std::string_view what);
  bool PeekIdentifier(size_t ahead = 0) const;

  // Builds (and records) "unexpected <token> — expected <expected>[. Hint: <hint>]".
  absl::Status Unexpected(const Token& at, std::string_view expected, std::string hint = "");
  absl::Status ErrorAt(SourcePos pos, std::string token, std::string message);
  // Records a lexer error (message "line L:C: ...").
  absl::Status RecordLexError(const absl::Status& status);

  const ParseError& error() const { return error_; }
  std::string_view sql() const { return sql_; }

  // Guards recursion: Enter() fails past kMaxNestingDepth; Leave() undoes a successful Enter().
  absl::Status Enter();
  void Leave() { --depth_; }

 private:
  // parser_expr.cc
  absl::StatusOr<ExprPtr> ParseOr();
  absl::StatusOr<ExprPtr> ParseAnd();
  absl::StatusOr<ExprPtr> ParseNot();
  absl::StatusOr<ExprPtr> ParsePredicate();
  absl::StatusOr<ExprPtr> ParseConcat();
  absl::StatusOr<ExprPtr> ParseAdditive();
  absl::StatusOr<ExprPtr> ParseMultiplicative();
  absl::StatusOr<ExprPtr> ParseUnary();
  absl::StatusOr<ExprPtr> ParsePostfix();
  absl::StatusOr<ExprPtr> ParsePrimary();
  absl::StatusOr<ExprPtr> ParseCase(const Token& case_token);
  absl::StatusOr<ExprPtr> ParseCast(const Token& cast_token);
  absl::StatusOr<ExprPtr> ParseFunctionCall(const Token& name_token, std::string name);
  absl::StatusOr<ExprPtr> ParseConstructor(const Token& keyword);
  absl::StatusOr<ExprPtr> ParseFunctionArg();
  absl::StatusOr<ExprPtr> ParseNumber(const Token& token, bool negative, SourcePos pos);
  absl::StatusOr<DataTypePtr> ParseTypeInner();
  bool LooksLikeLambda() const;

  // parser_stmt.cc
  absl::StatusOr<StatementPtr> ParseCreate();
  absl::StatusOr<StatementPtr> ParseInsert();
  absl::StatusOr<StatementPtr> ParseDrop();
  absl::StatusOr<StatementPtr> ParseShow();
  absl::StatusOr<StatementPtr> ParseDescribe();
  absl::StatusOr<StatementPtr> ParseExplain();
  absl::StatusOr<StatementPtr> ParseTerminate();
  absl::StatusOr<StatementPtr> ParseSetOrUnset();
  absl::StatusOr<StatementPtr> ParseCreateConnector(bool is_sink);
  absl::StatusOr<StatementPtr> ParseCreateStreamOrTable(bool or_replace, bool is_table,
                                                        bool is_source);
  absl::StatusOr<std::vector<Property>> ParseWithClause();
  absl::StatusOr<ColumnDef> ParseColumnDef();
  absl::StatusOr<Duration> ParseDuration(std::string_view what);
  absl::StatusOr<Relation> ParseRelation();
  absl::StatusOr<JoinClause> ParseJoin();
  absl::StatusOr<WindowSpec> ParseWindow();
  absl::StatusOr<SelectItem> ParseSelectItem();
  absl::StatusOr<std::vector<ExprPtr>> ParseGroupingList();
  absl::StatusOr<std::string> ParseOptionalAlias();
  absl::StatusOr<ExprPtr> ParsePropertyValue();

  std::string_view sql_;
  std::vector<Token> tokens_;
  // Error for a misspelled clause keyword that was swallowed as an implicit alias
  // (`SELECT a FORM s` reads FORM as an alias of A); OK when the last alias is not one.
  absl::Status MisspelledClauseError();

  size_t pos_ = 0;
  int depth_ = 0;
  size_t last_implicit_alias_ = static_cast<size_t>(-1);  // token index of the last one
  ParseError error_;
};

// Levenshtein distance, capped: used for "did you mean" hints.
int EditDistance(std::string_view a, std::string_view b);

}  // namespace skein::sql::internal
