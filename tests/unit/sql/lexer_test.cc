#include "skein/sql/lexer.h"

#include <gtest/gtest.h>

namespace skein::sql {
namespace {

std::vector<Token> Lex(std::string_view sql) {
  auto tokens = Tokenize(sql);
  EXPECT_TRUE(tokens.ok()) << tokens.status();
  return tokens.ok() ? *std::move(tokens) : std::vector<Token>{};
}

TEST(LexerTest, WordsAreUpperCasedQuotedIdentifiersKept) {
  auto t = Lex("select `MixedCase` \"Dq\" foo_1");
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].kind, TokenKind::kWord);
  EXPECT_EQ(t[0].text, "SELECT");
  EXPECT_EQ(t[1].kind, TokenKind::kQuotedIdentifier);
  EXPECT_EQ(t[1].text, "MixedCase");
  EXPECT_EQ(t[2].kind, TokenKind::kQuotedIdentifier);
  EXPECT_EQ(t[2].text, "Dq");
  EXPECT_EQ(t[3].text, "FOO_1");
  EXPECT_EQ(t[4].kind, TokenKind::kEnd);
}

TEST(LexerTest, StringEscapesAndQuotedIdentifierEscapes) {
  auto t = Lex("'it''s' `a``b` ''");
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].kind, TokenKind::kString);
  EXPECT_EQ(t[0].text, "it's");
  EXPECT_EQ(t[1].text, "a`b");
  EXPECT_EQ(t[2].kind, TokenKind::kString);
  EXPECT_EQ(t[2].text, "");
}

TEST(LexerTest, NumbersByShape) {
  auto t = Lex("12 1.5 1. .5 1.5E3 2e1 4.9E-324 1R");
  ASSERT_EQ(t.size(), 9u);
  EXPECT_EQ(t[0].kind, TokenKind::kInteger);
  EXPECT_EQ(t[1].kind, TokenKind::kDecimal);
  EXPECT_EQ(t[2].kind, TokenKind::kDecimal);
  EXPECT_EQ(t[3].kind, TokenKind::kDecimal);
  EXPECT_EQ(t[4].kind, TokenKind::kDouble);
  EXPECT_EQ(t[5].kind, TokenKind::kDouble);
  EXPECT_EQ(t[6].kind, TokenKind::kDouble);
  EXPECT_EQ(t[6].text, "4.9E-324");
  EXPECT_EQ(t[7].kind, TokenKind::kWord);  // digit identifier
  EXPECT_EQ(t[7].text, "1R");
}

TEST(LexerTest, CommentsAreSkippedAndPositionsTracked) {
  auto t = Lex("-- header\n  a /* multi\nline */ b\n\tc");
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].text, "A");
  EXPECT_EQ(t[0].pos, (SourcePos{2, 3}));
  EXPECT_EQ(t[1].text, "B");
  EXPECT_EQ(t[1].pos, (SourcePos{3, 9}));
  EXPECT_EQ(t[2].pos, (SourcePos{4, 2}));
  EXPECT_EQ(t[0].begin, 12u);
  EXPECT_EQ(t[0].end, 13u);
}

TEST(LexerTest, Symbols) {
  auto t = Lex("<> != <= >= || -> => := < > [ ] ( ) , ; . * / % + - =");
  std::vector<std::string> want = {
      "<>", "!=", "<=", ">=", "||", "->", "=>", ":=", "<", ">", "[", "]",
      "(",  ")",  ",",  ";",  ".",  "*",  "/",  "%",  "+", "-", "="};
  ASSERT_EQ(t.size(), want.size() + 1);
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(t[i].kind, TokenKind::kSymbol);
    EXPECT_EQ(t[i].text, want[i]);
  }
}

TEST(LexerTest, UnterminatedStringReportsItsStart) {
  auto t = Tokenize("SELECT\n  'abc FROM x");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(t.status().message()).rfind("line 2:3: unterminated string literal", 0), 0u)
      << t.status();
}

TEST(LexerTest, UnterminatedCommentAndBadCharacter) {
  auto a = Tokenize("a /* never closed");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(std::string(a.status().message()).find("line 1:3: unterminated comment"),
            std::string::npos);
  auto b = Tokenize("a # b");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(std::string(b.status().message()).find("line 1:3: unexpected character '#'"),
            std::string::npos);
  auto c = Tokenize("``");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(std::string(c.status().message()).find("empty quoted identifier"), std::string::npos);
}

}  // namespace
}  // namespace skein::sql
