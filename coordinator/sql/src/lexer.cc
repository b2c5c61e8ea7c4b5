#include "skein/sql/lexer.h"

#include <cctype>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace skein::sql {
namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentPart(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '@' || c == '$';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Walks the input once, tracking line/column so every token knows where it started.
class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  absl::StatusOr<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    while (true) {
      absl::Status skipped = SkipSpaceAndComments();
      if (!skipped.ok()) return skipped;
      Token token;
      token.pos = {line_, column_};
      token.begin = i_;
      if (i_ >= sql_.size()) {
        token.kind = TokenKind::kEnd;
        token.end = i_;
        tokens.push_back(std::move(token));
        return tokens;
      }
      absl::Status status = Next(token);
      if (!status.ok()) return status;
      token.end = i_;
      tokens.push_back(std::move(token));
    }
  }

 private:
  char Peek(size_t ahead = 0) const { return i_ + ahead < sql_.size() ? sql_[i_ + ahead] : '\0'; }

  void Advance() {
    if (sql_[i_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++i_;
  }

  absl::Status Error(SourcePos pos, std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("line ", pos.line, ":", pos.column, ": ",
                                                   absl::string_view(what.data(), what.size())));
  }

  absl::Status SkipSpaceAndComments() {
    while (i_ < sql_.size()) {
      char c = Peek();
      if (std::isspace(static_cast<unsigned char>(c))) {
        Advance();
      } else if (c == '-' && Peek(1) == '-') {
        while (i_ < sql_.size() && Peek() != '\n') Advance();
      } else if (c == '/' && Peek(1) == '*') {
        SourcePos start{line_, column_};
        Advance();
        Advance();
        while (i_ < sql_.size() && !(Peek() == '*' && Peek(1) == '/')) Advance();
        if (i_ >= sql_.size()) {
          return Error(start,
                       "unterminated comment — expected '*/'. Hint: close the comment "
                       "that starts here with */");
        }
        Advance();
        Advance();
      } else {
        break;
      }
    }
    return absl::OkStatus();
  }

  // Reads a literal delimited by `quote` where a doubled quote stands for itself.
  absl::Status ReadQuoted(char quote, Token& token, std::string_view what) {
    SourcePos start{line_, column_};
    Advance();
    std::string value;
    while (true) {
      if (i_ >= sql_.size()) {
        return Error(start,
                     absl::StrCat("unterminated ", absl::string_view(what.data(), what.size()),
                                  " — expected a closing ", std::string(1, quote), ". Hint: the ",
                                  absl::string_view(what.data(), what.size()),
                                  " that starts here is never closed; double a ",
                                  std::string(1, quote), " to include it literally"));
      }
      char c = Peek();
      if (c == quote) {
        if (Peek(1) == quote) {
          value.push_back(quote);
          Advance();
          Advance();
          continue;
        }
        Advance();
        break;
      }
      value.push_back(c);
      Advance();
    }
    token.text = std::move(value);
    return absl::OkStatus();
  }

  void ReadNumber(Token& token) {
    bool is_decimal = false;
    bool is_double = false;
    while (IsDigit(Peek())) Advance();
    if (Peek() == '.') {
      is_decimal = true;
      Advance();
      while (IsDigit(Peek())) Advance();
    }
    if ((Peek() == 'e' || Peek() == 'E') &&
        (IsDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && IsDigit(Peek(2))))) {
      is_double = true;
      Advance();
      if (Peek() == '+' || Peek() == '-') Advance();
      while (IsDigit(Peek())) Advance();
    }
    if (!is_decimal && !is_double && IsIdentPart(Peek())) {
      // ksqlDB's digit identifiers, e.g. `AS 1R`: digits then letters make a name.
      while (IsIdentPart(Peek())) Advance();
      token.kind = TokenKind::kWord;
      token.text = std::string(sql_.substr(token.begin, i_ - token.begin));
      for (char& ch : token.text) {
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      }
      return;
    }
    token.kind = is_double    ? TokenKind::kDouble
                 : is_decimal ? TokenKind::kDecimal
                              : TokenKind::kInteger;
    token.text = std::string(sql_.substr(token.begin, i_ - token.begin));
  }

  absl::Status Next(Token& token) {
    char c = Peek();
    if (IsIdentStart(c)) {
      while (IsIdentPart(Peek())) Advance();
      token.kind = TokenKind::kWord;
      token.text = std::string(sql_.substr(token.begin, i_ - token.begin));
      for (char& ch : token.text)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      return absl::OkStatus();
    }
    if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) {
      ReadNumber(token);
      return absl::OkStatus();
    }
    if (c == '\'') {
      token.kind = TokenKind::kString;
      return ReadQuoted('\'', token, "string literal");
    }
    if (c == '`' || c == '"') {
      token.kind = TokenKind::kQuotedIdentifier;
      absl::Status status = ReadQuoted(c, token, "quoted identifier");
      if (status.ok() && token.text.empty()) {
        return Error(token.pos,
                     "empty quoted identifier. Hint: a name needs at least one character");
      }
      return status;
    }
    static constexpr std::string_view kTwoChar[] = {"<>", "!=", "<=", ">=", "||", "->", "=>", ":="};
    for (std::string_view sym : kTwoChar) {
      if (c == sym[0] && Peek(1) == sym[1]) {
        Advance();
        Advance();
        token.kind = TokenKind::kSymbol;
        token.text = std::string(sym);
        return absl::OkStatus();
      }
    }
    static constexpr std::string_view kOneChar = "(),;.*/%+-=<>[]:";
    if (kOneChar.find(c) != std::string_view::npos) {
      Advance();
      token.kind = TokenKind::kSymbol;
      token.text = std::string(1, c);
      return absl::OkStatus();
    }
    std::string shown =
        std::isprint(static_cast<unsigned char>(c))
            ? std::string(1, c)
            : absl::StrCat("\\x", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    return Error(token.pos, absl::StrCat("unexpected character '", shown,
                                         "'. Hint: remove it, or quote it inside a string "
                                         "literal or a `quoted identifier`"));
  }

  std::string_view sql_;
  size_t i_ = 0;
  int line_ = 1;
  int column_ = 1;
};

}  // namespace

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view sql) { return Lexer(sql).Run(); }

std::string DescribeToken(const Token& token, std::string_view sql) {
  if (token.kind == TokenKind::kEnd) return "end of input";
  std::string_view raw = sql.substr(token.begin, token.end - token.begin);
  if (raw.size() > 40) return absl::StrCat(absl::string_view(raw.data(), 37), "...");
  return std::string(raw);
}

}  // namespace skein::sql
