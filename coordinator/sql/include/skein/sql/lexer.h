#pragma once

// Tokenizer for the ksqlDB dialect. Used by the parser; exposed for tools (syntax highlighting,
// the fuzzer) and tests. Stateless free function: thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/sql/ast.h"

namespace skein::sql {

enum class TokenKind {
  kEnd,               // end of input (always the last token)
  kWord,              // unquoted identifier or keyword; `text` is upper-cased
  kQuotedIdentifier,  // `Name` or "Name"; `text` is the name verbatim (escapes resolved)
  kString,            // 'it''s'; `text` is the unescaped value
  kInteger,           // 123
  kDecimal,           // 1.5, 1., .5
  kDouble,            // 1.5E3, 2e1
  kSymbol,            // punctuation/operator; `text` is the symbol (e.g. "<=", "->", ":=")
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  SourcePos pos;
  size_t begin = 0;  // byte offsets of the token in the input: [begin, end)
  size_t end = 0;
};

// Splits `sql` into tokens, dropping whitespace and comments (`-- ...`, `/* ... */`).
// Returns INVALID_ARGUMENT "line L:C: ..." for an unterminated string, quoted identifier or
// comment, or a character that starts no token.
absl::StatusOr<std::vector<Token>> Tokenize(std::string_view sql);

// Human-readable form of a token for error messages: the source text, or "end of input".
std::string DescribeToken(const Token& token, std::string_view sql);

}  // namespace skein::sql
