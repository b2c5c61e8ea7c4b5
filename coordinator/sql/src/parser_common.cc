#include <algorithm>
#include <cstdio>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "parser_internal.h"
#include "skein/common/status.h"

namespace skein::sql {
namespace internal {

int EditDistance(std::string_view a, std::string_view b) {
  if (a.size() > 64 || b.size() > 64) return 99;
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

const Token& Parser::Peek(size_t ahead) const {
  size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
  return tokens_[i];
}

const Token& Parser::Next() {
  const Token& t = tokens_[pos_];
  if (pos_ + 1 < tokens_.size()) ++pos_;
  return t;
}

bool Parser::AcceptKeyword(std::string_view kw) {
  if (!PeekKeyword(kw)) return false;
  Next();
  return true;
}

bool Parser::AcceptSymbol(std::string_view sym) {
  if (!PeekSymbol(sym)) return false;
  Next();
  return true;
}

absl::Status Parser::ExpectKeyword(std::string_view kw) {
  if (AcceptKeyword(kw)) return absl::OkStatus();
  const Token& t = Peek();
  std::string hint;
  if (t.kind == TokenKind::kWord && t.text.size() >= 3 && kw.size() >= 3 &&
      EditDistance(t.text, kw) <= (kw.size() >= 4 ? 2 : 1)) {
    hint = absl::StrCat("did you mean ", absl::string_view(kw.data(), kw.size()), "?");
  }
  return Unexpected(t, kw, hint);
}

absl::Status Parser::ExpectSymbol(std::string_view sym) {
  if (AcceptSymbol(sym)) return absl::OkStatus();
  return Unexpected(Peek(), absl::StrCat("'", absl::string_view(sym.data(), sym.size()), "'"));
}

absl::Status Parser::ExpectClose(const Token& open) {
  if (AcceptSymbol(")")) return absl::OkStatus();
  std::string hint;
  if (AtEnd()) {
    hint =
        absl::StrCat("the '(' at line ", open.pos.line, ":", open.pos.column, " is never closed");
  } else {
    hint = MissingCommaHint();
  }
  return Unexpected(Peek(), "')'", hint);
}

std::string Parser::MissingCommaHint() const {
  const Token& t = Peek();
  bool item_start = t.kind == TokenKind::kQuotedIdentifier || t.kind == TokenKind::kString ||
                    t.kind == TokenKind::kInteger || t.kind == TokenKind::kDecimal ||
                    t.kind == TokenKind::kDouble ||
                    (t.kind == TokenKind::kWord && !IsReservedWord(t.text));
  if (!item_start) return "";
  return absl::StrCat("is a comma missing before '", DescribeToken(t, sql_), "'?");
}

bool Parser::PeekIdentifier(size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.kind == TokenKind::kQuotedIdentifier ||
         (t.kind == TokenKind::kWord && !IsReservedWord(t.text));
}

absl::StatusOr<std::string> Parser::ParseIdentifier(std::string_view what) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kQuotedIdentifier ||
      (t.kind == TokenKind::kWord && !IsReservedWord(t.text))) {
    return Next().text;
  }
  std::string hint;
  if (t.kind == TokenKind::kWord) {
    hint = absl::StrCat("'", t.text, "' is a reserved word; write it in backquotes (`", t.text,
                        "`) to use it as a name");
  } else if (t.kind == TokenKind::kString) {
    hint = "names are not quoted with '...'; use backquotes (`name`) for a case-sensitive name";
  }
  return Unexpected(t, what, hint);
}

absl::Status Parser::ErrorAt(SourcePos pos, std::string token, std::string message) {
  // The latest error wins: after backtracking, only the path that finally failed matters.
  // "Syntax Error" first, as ksqlDB words every parse failure, then the details.
  error_ = ParseError{
      pos.line, pos.column, std::move(token),
      absl::StrCat(absl::string_view(kSyntaxError.data(), kSyntaxError.size()), "\n", message)};
  return absl::InvalidArgumentError(
      absl::StrCat("line ", error_.line, ":", error_.column, ": ", error_.message));
}

absl::Status Parser::Unexpected(const Token& at, std::string_view expected, std::string hint) {
  std::string token = DescribeToken(at, sql_);
  std::string shown = at.kind == TokenKind::kEnd ? token : absl::StrCat("'", token, "'");
  absl::string_view want(expected.data(), expected.size());
  std::string message;
  // A closing symbol missing before a token that may follow it (a list separator, another
  // closer, the end) reads as ANTLR, and so ksqlDB, words it: "missing ')' at ','".
  bool closer = want == "')'" || want == "']'" || want == "'>'";
  bool may_follow = at.kind == TokenKind::kEnd ||
                    (at.kind == TokenKind::kSymbol &&
                     (at.text == "," || at.text == ")" || at.text == "]" || at.text == ";"));
  if (closer && may_follow) {
    message = absl::StrCat("missing ", want, " at ", shown);
  } else {
    message = absl::StrCat("unexpected ", shown, " — expected ", want);
  }
  if (!hint.empty()) absl::StrAppend(&message, ". Hint: ", hint);
  return ErrorAt(at.pos, std::move(token), std::move(message));
}

absl::Status Parser::RecordLexError(const absl::Status& status) {
  std::string msg(status.message());
  int line = 0, column = 0, consumed = 0;
  if (std::sscanf(msg.c_str(), "line %d:%d: %n", &line, &column, &consumed) == 2 && consumed > 0) {
    size_t offset = 0;
    for (int l = 1; l < line && offset < sql_.size(); ++offset) {
      if (sql_[offset] == '\n') ++l;
    }
    offset += static_cast<size_t>(column - 1);
    std::string token = offset < sql_.size() ? std::string(1, sql_[offset]) : "end of input";
    return ErrorAt({line, column}, std::move(token), msg.substr(static_cast<size_t>(consumed)));
  }
  return ErrorAt({1, 1}, "", msg);
}

absl::Status Parser::Enter() {
  if (++depth_ > kMaxNestingDepth) {
    --depth_;
    return Unexpected(Peek(), "a shallower nesting",
                      absl::StrCat("expressions, types and parentheses may nest at most ",
                                   kMaxNestingDepth, " levels deep"));
  }
  return absl::OkStatus();
}

}  // namespace internal

namespace {

// Runs `fn` on a fresh parser over `sql`, copying the structured error out on failure.
template <typename Fn>
auto RunParser(std::string_view sql, ParseError* error, Fn fn)
    -> decltype(fn(std::declval<internal::Parser&>())) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(sql);
  internal::Parser parser(sql,
                          tokens.ok() ? std::move(tokens).value() : std::vector<Token>{Token{}});
  if (!tokens.ok()) {
    absl::Status status = parser.RecordLexError(tokens.status());
    if (error != nullptr) *error = parser.error();
    return status;
  }
  auto result = fn(parser);
  if (!result.ok() && error != nullptr) *error = parser.error();
  return result;
}

}  // namespace

absl::StatusOr<std::vector<ParsedStatement>> ParseStatements(std::string_view sql,
                                                             ParseError* error) {
  return RunParser(sql, error,
                   [](internal::Parser& p) -> absl::StatusOr<std::vector<ParsedStatement>> {
                     std::vector<ParsedStatement> out;
                     while (true) {
                       while (p.AcceptSymbol(";")) {
                       }
                       if (p.AtEnd()) break;
                       size_t begin = p.Peek().begin;
                       SKEIN_ASSIGN_OR_RETURN(StatementPtr stmt, p.ParseStatement());
                       // The statement ends where the token before the cursor ends.
                       size_t end = begin;
                       size_t cursor = p.Position();
                       if (cursor > 0) {
                         p.Reset(cursor - 1);
                         end = p.Peek().end;
                         p.Reset(cursor);
                       }
                       if (!p.AtEnd() && !p.PeekSymbol(";")) {
                         const Token& t = p.Peek();
                         std::string hint;
                         if (t.kind == TokenKind::kWord &&
                             (t.text == "CREATE" || t.text == "INSERT" || t.text == "SELECT" ||
                              t.text == "DROP" || t.text == "SHOW" || t.text == "DESCRIBE")) {
                           hint = "is a ';' missing between two statements?";
                         }
                         return p.Unexpected(t, "';' or the end of the statement", hint);
                       }
                       ParsedStatement parsed;
                       parsed.statement = std::move(stmt);
                       parsed.begin = begin;
                       parsed.end = end;
                       parsed.text = std::string(p.sql().substr(begin, end - begin));
                       out.push_back(std::move(parsed));
                     }
                     return out;
                   });
}

absl::StatusOr<StatementPtr> ParseStatement(std::string_view sql, ParseError* error) {
  return RunParser(sql, error, [](internal::Parser& p) -> absl::StatusOr<StatementPtr> {
    if (p.AtEnd()) return p.Unexpected(p.Peek(), "a statement");
    SKEIN_ASSIGN_OR_RETURN(StatementPtr stmt, p.ParseStatement());
    p.AcceptSymbol(";");
    if (!p.AtEnd()) return p.Unexpected(p.Peek(), "the end of the statement");
    return stmt;
  });
}

absl::StatusOr<ExprPtr> ParseExpression(std::string_view sql, ParseError* error) {
  return RunParser(sql, error, [](internal::Parser& p) -> absl::StatusOr<ExprPtr> {
    SKEIN_ASSIGN_OR_RETURN(ExprPtr expr, p.ParseExpr());
    if (!p.AtEnd()) return p.Unexpected(p.Peek(), "the end of the expression");
    return expr;
  });
}

absl::StatusOr<DataTypePtr> ParseDataType(std::string_view sql, ParseError* error) {
  return RunParser(sql, error, [](internal::Parser& p) -> absl::StatusOr<DataTypePtr> {
    SKEIN_ASSIGN_OR_RETURN(DataTypePtr type, p.ParseType());
    if (!p.AtEnd()) return p.Unexpected(p.Peek(), "the end of the type");
    return type;
  });
}

}  // namespace skein::sql
