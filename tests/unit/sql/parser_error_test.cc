// Error reporting: position, offending token, expectation and hint.

#include <gtest/gtest.h>

#include "skein/sql/parser.h"

namespace skein::sql {
namespace {

// Parses `sql`, expecting failure; returns the status message and fills `error`.
std::string ErrorOf(std::string_view sql, ParseError* error = nullptr) {
  ParseError local;
  auto result = ParseStatements(sql, error != nullptr ? error : &local);
  EXPECT_FALSE(result.ok()) << sql;
  if (result.ok()) return "";
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(result.status().message());
}

TEST(ParserErrorTest, MisspelledKeyword) {
  ParseError e;
  std::string msg = ErrorOf("SELECT a, b FORM s", &e);
  EXPECT_EQ(msg,
            "line 1:13: Syntax Error\nunexpected 'FORM' — expected FROM. Hint: did you mean FROM?");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.column, 13);
  EXPECT_EQ(e.token, "FORM");
  EXPECT_EQ(e.message, "Syntax Error\nunexpected 'FORM' — expected FROM. Hint: did you mean FROM?");
}

TEST(ParserErrorTest, MisspelledClauseAfterTheSource) {
  EXPECT_EQ(
      ErrorOf("SELECT * FROM s WHRE a > 1"),
      "line 1:17: Syntax Error\nunexpected 'WHRE' — expected WHERE. Hint: did you mean WHERE?");
  EXPECT_EQ(
      ErrorOf("SELECT a FROM s t GRUP BY a"),
      "line 1:19: Syntax Error\nunexpected 'GRUP' — expected GROUP. Hint: did you mean GROUP?");
}

TEST(ParserErrorTest, MisspelledStatementKeyword) {
  EXPECT_EQ(ErrorOf("CRETE STREAM s (a INT)"),
            "line 1:1: Syntax Error\nunexpected 'CRETE' — expected a statement. Hint: did you mean "
            "CREATE?");
  EXPECT_EQ(ErrorOf("CREATE STRAEM s (a INT)"),
            "line 1:8: Syntax Error\nunexpected 'STRAEM' — expected STREAM, TABLE, SOURCE or SINK. "
            "Hint: did "
            "you mean STREAM?");
}

TEST(ParserErrorTest, MissingCommaInColumnList) {
  EXPECT_EQ(ErrorOf("CREATE STREAM s (a INT b STRING) WITH (kafka_topic='s');"),
            "line 1:24: Syntax Error\nunexpected 'b' — expected ',' or ')'. Hint: is a comma "
            "missing before "
            "'b'?");
}

TEST(ParserErrorTest, PropertyValueIsOneLiteral) {
  // Found by the fuzzer: an expression after the literal used to parse, then print differently.
  const std::string error =
      ErrorOf("CREATE TABLE t (id STRING PRIMARY KEY) WITH (kafka_topic='users'/ format='AVRO');");
  EXPECT_EQ(error, "line 1:65: Syntax Error\nunexpected '/' — expected ')'");
  EXPECT_TRUE(
      ParseStatements("CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=-1)").ok());
}

TEST(ParserErrorTest, MissingCommaInSelectList) {
  EXPECT_EQ(ErrorOf("SELECT a b c FROM s"),
            "line 1:12: Syntax Error\nunexpected 'c' — expected FROM. Hint: is a comma missing "
            "before 'c'?");
}

TEST(ParserErrorTest, UnclosedParenthesisPointsAtTheOpening) {
  EXPECT_EQ(ErrorOf("SELECT f(a,\n b FROM s"),
            "line 2:4: Syntax Error\nunexpected 'FROM' — expected ')'");
  EXPECT_EQ(ErrorOf("SELECT (a + b FROM s"),
            "line 1:15: Syntax Error\nunexpected 'FROM' — expected ')'");
  EXPECT_EQ(
      ErrorOf("CREATE STREAM s (a INT"),
      "line 1:23: Syntax Error\nunexpected end of input — expected ',' or ')'. Hint: a column is "
      "`NAME TYPE [KEY | PRIMARY KEY | HEADERS]`");
  EXPECT_EQ(ErrorOf("SELECT * FROM s WHERE (a = 1"),
            "line 1:29: Syntax Error\nmissing ')' at end of input. Hint: the '(' at line 1:23 is "
            "never closed");
}

TEST(ParserErrorTest, UnclosedString) {
  ParseError e;
  std::string msg = ErrorOf("SELECT * FROM s\nWHERE a = 'oops", &e);
  EXPECT_EQ(msg.rfind("line 2:11: Syntax Error\nunterminated string literal", 0), 0u) << msg;
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 11);
  EXPECT_EQ(e.token, "'");
}

TEST(ParserErrorTest, ReservedWordAsIdentifier) {
  EXPECT_EQ(
      ErrorOf("CREATE STREAM select (a INT) WITH (kafka_topic='x')"),
      "line 1:15: Syntax Error\nunexpected 'select' — expected a stream name. Hint: 'SELECT' is a "
      "reserved word; write it in backquotes (`SELECT`) to use it as a name");
  EXPECT_EQ(ErrorOf("CREATE STREAM s (from INT) WITH (kafka_topic='x')"),
            "line 1:18: Syntax Error\nunexpected 'from' — expected a column name. Hint: 'FROM' is "
            "a reserved "
            "word; write it in backquotes (`FROM`) to use it as a name");
  // Backquoted, the same word is fine.
  EXPECT_TRUE(ParseStatements("CREATE STREAM `select` (`from` INT) WITH (kafka_topic='x')").ok());
}

TEST(ParserErrorTest, PositionOnLaterLine) {
  ParseError e;
  ErrorOf(
      "CREATE STREAM s (a INT) WITH (kafka_topic='x');\n"
      "SELECT * FROM s WHERE a = = 1;",
      &e);
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 27);
  EXPECT_EQ(e.token, "=");
}

TEST(ParserErrorTest, MissingSemicolonBetweenStatements) {
  EXPECT_EQ(ErrorOf("SHOW STREAMS SHOW TABLES"),
            "line 1:14: Syntax Error\nunexpected 'SHOW' — expected ';' or the end of the "
            "statement. Hint: is "
            "a ';' missing between two statements?");
}

TEST(ParserErrorTest, ClauseOrderAndUnsupportedForms) {
  EXPECT_EQ(ErrorOf("SELECT a FROM s GROUP BY a WHERE a > 1"),
            "line 1:28: Syntax Error\nunexpected 'WHERE' — expected the end of the query. Hint: "
            "clauses go in "
            "the order FROM, JOIN, WINDOW, WHERE, GROUP BY, PARTITION BY, HAVING, EMIT, LIMIT");
  EXPECT_EQ(ErrorOf("SELECT COUNT(DISTINCT a) FROM s"),
            "line 1:14: Syntax Error\nunexpected 'DISTINCT' — expected a function argument. Hint: "
            "ksqlDB has "
            "no DISTINCT inside calls; use COUNT_DISTINCT(x) or COLLECT_SET(x)");
  EXPECT_EQ(ErrorOf("SELECT * FROM a JOIN b WITHIN 10 SECONDS"),
            "line 1:41: Syntax Error\nunexpected end of input — expected ON. Hint: a join needs a "
            "condition: "
            "... JOIN R ON L.ID = R.ID");
  EXPECT_EQ(
      ErrorOf("SELECT * FROM a WINDOW TUMBLING (SIZE 10 WEEKS)"),
      "line 1:42: Syntax Error\nunexpected 'WEEKS' — expected a time unit. Hint: use MILLISECONDS, "
      "SECONDS, MINUTES, HOURS or DAYS");
  EXPECT_EQ(ErrorOf("CREATE STREAM s (a INT) WITH (kafka_topic=topic)"),
            "line 1:43: Syntax Error\nunexpected 'topic' — expected a literal value. Hint: "
            "property values "
            "are literals; quote it: 'TOPIC'");
  EXPECT_EQ(ErrorOf("CREATE STREAM s (a) WITH (kafka_topic='x')"),
            "line 1:19: Syntax Error\nunexpected ')' — expected a type. Hint: give column A a "
            "type, e.g. A "
            "STRING");
}

TEST(ParserErrorTest, KsqlDbWording) {
  // ksqlDB (ANTLR) words a missing closer before a token that may follow it this way.
  EXPECT_EQ(ErrorOf("SELECT f1, COUNT(*) FROM t GROUP BY f3, (f2, f1)"),
            "line 1:44: Syntax Error\nmissing ')' at ','");
  EXPECT_EQ(ErrorOf("SELECT a[1 FROM t"),
            "line 1:12: Syntax Error\nunexpected 'FROM' — expected ']'. Hint: close the subscript "
            "with ]");
  EXPECT_EQ(ErrorOf("SELECT a[1, 2] FROM t"),
            "line 1:11: Syntax Error\nmissing ']' at ','. Hint: close the subscript with ]");
  // An IN list needs at least one item.
  EXPECT_EQ(ErrorOf("SELECT * FROM t WHERE id IN ( )"),
            "line 1:31: Syntax Error\nunexpected ')' — expected an expression");
}

TEST(ParserErrorTest, GroupAndPartitionByTakeValueExpressions) {
  // As in ksqlDB's grammar, AND/OR/NOT and predicates need parentheses there.
  EXPECT_EQ(
      ErrorOf("SELECT COUNT(*) FROM t GROUP BY a AND b").rfind("line 1:35: Syntax Error\n", 0), 0u);
  EXPECT_EQ(ErrorOf("SELECT * FROM t PARTITION BY a AND b").rfind("line 1:32: Syntax Error\n", 0),
            0u);
  EXPECT_EQ(ErrorOf("SELECT * FROM t PARTITION BY a = b").rfind("line 1:32: Syntax Error\n", 0),
            0u);
  EXPECT_TRUE(ParseStatements("SELECT COUNT(*) FROM t GROUP BY (a AND b), a + 1, a || 'x'").ok());
  EXPECT_TRUE(ParseStatements("SELECT COUNT(*) FROM t GROUP BY (a IS NULL)").ok());
  EXPECT_TRUE(ParseStatements("SELECT * FROM t PARTITION BY (a, b)").ok());
}

TEST(ParserErrorTest, EmptyAndGarbageInput) {
  auto r = ParseStatement("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "line 1:1: Syntax Error\nunexpected end of input — expected a statement");
  EXPECT_EQ(
      ErrorOf("42"),
      "line 1:1: Syntax Error\nunexpected '42' — expected a statement. Hint: statements start with "
      "CREATE, INSERT, SELECT, DROP, SHOW, DESCRIBE, EXPLAIN, TERMINATE, SET or UNSET");
}

TEST(ParserErrorTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '(');
  deep = "SELECT " + deep + "1" + std::string(100000, ')') + " FROM s";
  ParseError e;
  std::string msg = ErrorOf(deep, &e);
  EXPECT_NE(msg.find("may nest at most 200 levels deep"), std::string::npos) << msg;
  EXPECT_EQ(e.line, 1);

  std::string nots;
  for (int i = 0; i < 50000; ++i) nots += "NOT ";
  EXPECT_NE(ErrorOf("SELECT * FROM s WHERE " + nots + "a").find("levels deep"), std::string::npos);
  std::string minus;
  for (int i = 0; i < 50000; ++i) minus += "- ";
  EXPECT_NE(ErrorOf("SELECT " + minus + "a FROM s").find("levels deep"), std::string::npos);
  std::string types;
  for (int i = 0; i < 5000; ++i) types += "ARRAY<";
  EXPECT_NE(ErrorOf("CREATE STREAM s (a " + types + "INT" + std::string(5000, '>') + ")")
                .find("levels deep"),
            std::string::npos);
  // Moderate nesting is fine.
  std::string ok = "SELECT " + std::string(50, '(') + "1" + std::string(50, ')') + " FROM s";
  EXPECT_TRUE(ParseStatements(ok).ok());
}

}  // namespace
}  // namespace skein::sql
