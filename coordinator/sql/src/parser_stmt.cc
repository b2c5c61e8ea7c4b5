// Statement and query grammar.

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "parser_internal.h"
#include "skein/common/status.h"

namespace skein::sql::internal {
namespace {

constexpr std::string_view kStatementWords[] = {"CREATE", "INSERT",   "DROP",    "SHOW",
                                                "LIST",   "DESCRIBE", "EXPLAIN", "TERMINATE",
                                                "SET",    "UNSET",    "SELECT"};

}  // namespace

absl::StatusOr<StatementPtr> Parser::ParseStatement() {
  const Token& t = Peek();
  SourcePos pos = t.pos;
  absl::StatusOr<StatementPtr> result;
  if (t.kind != TokenKind::kWord) {
    return Unexpected(t, "a statement",
                      "statements start with CREATE, INSERT, SELECT, DROP, "
                      "SHOW, DESCRIBE, EXPLAIN, TERMINATE, SET or UNSET");
  }
  if (t.text == "CREATE") {
    result = ParseCreate();
  } else if (t.text == "INSERT") {
    result = ParseInsert();
  } else if (t.text == "DROP") {
    result = ParseDrop();
  } else if (t.text == "SHOW" || t.text == "LIST") {
    result = ParseShow();
  } else if (t.text == "DESCRIBE") {
    result = ParseDescribe();
  } else if (t.text == "EXPLAIN") {
    result = ParseExplain();
  } else if (t.text == "TERMINATE") {
    result = ParseTerminate();
  } else if (t.text == "SET" || t.text == "UNSET") {
    result = ParseSetOrUnset();
  } else if (t.text == "SELECT") {
    auto stmt = std::make_unique<SelectStatement>();
    SKEIN_ASSIGN_OR_RETURN(stmt->query, ParseQuery());
    result = StatementPtr(std::move(stmt));
  } else {
    std::string hint;
    for (std::string_view word : kStatementWords) {
      if (t.text.size() >= 3 && EditDistance(t.text, word) <= 2) {
        hint = absl::StrCat("did you mean ", absl::string_view(word.data(), word.size()), "?");
        break;
      }
    }
    return Unexpected(t, "a statement",
                      hint.empty() ? "statements start with CREATE, INSERT, "
                                     "SELECT, DROP, SHOW, DESCRIBE, EXPLAIN, "
                                     "TERMINATE, SET or UNSET"
                                   : hint);
  }
  if (result.ok()) (*result)->pos = pos;
  return result;
}

absl::StatusOr<StatementPtr> Parser::ParseCreate() {
  Next();  // CREATE
  bool or_replace = false;
  if (AcceptKeyword("OR")) {
    SKEIN_RETURN_IF_ERROR(ExpectKeyword("REPLACE"));
    or_replace = true;
  }
  if (AcceptKeyword("STREAM")) return ParseCreateStreamOrTable(or_replace, false, false);
  if (AcceptKeyword("TABLE")) return ParseCreateStreamOrTable(or_replace, true, false);
  if (PeekKeyword("SOURCE") && (PeekKeyword("STREAM", 1) || PeekKeyword("TABLE", 1))) {
    Next();
    bool is_table = Next().text == "TABLE";
    return ParseCreateStreamOrTable(or_replace, is_table, /*is_source=*/true);
  }
  if (!or_replace && (PeekKeyword("SOURCE") || PeekKeyword("SINK"))) {
    bool is_sink = Next().text == "SINK";
    SKEIN_RETURN_IF_ERROR(ExpectKeyword("CONNECTOR"));
    return ParseCreateConnector(is_sink);
  }
  const Token& t = Peek();
  std::string hint;
  for (std::string_view word : {"STREAM", "TABLE"}) {
    if (t.kind == TokenKind::kWord && EditDistance(t.text, word) <= 2) {
      hint = absl::StrCat("did you mean ", absl::string_view(word.data(), word.size()), "?");
    }
  }
  return Unexpected(t, or_replace ? "STREAM or TABLE" : "STREAM, TABLE, SOURCE or SINK", hint);
}

absl::StatusOr<StatementPtr> Parser::ParseCreateStreamOrTable(bool or_replace, bool is_table,
                                                              bool is_source) {
  bool if_not_exists = false;
  if (AcceptKeyword("IF")) {
    SKEIN_RETURN_IF_ERROR(ExpectKeyword("NOT"));
    SKEIN_RETURN_IF_ERROR(ExpectKeyword("EXISTS"));
    if_not_exists = true;
  }
  SKEIN_ASSIGN_OR_RETURN(std::string name,
                         ParseIdentifier(is_table ? "a table name" : "a stream name"));
  std::vector<ColumnDef> columns;
  bool has_columns = false;
  if (PeekSymbol("(")) {
    const Token& open = Next();
    has_columns = true;
    do {
      SKEIN_ASSIGN_OR_RETURN(ColumnDef col, ParseColumnDef());
      columns.push_back(std::move(col));
    } while (AcceptSymbol(","));
    SKEIN_RETURN_IF_ERROR(ExpectClose(open));
  }
  std::vector<Property> properties;
  if (PeekKeyword("WITH")) {
    SKEIN_ASSIGN_OR_RETURN(properties, ParseWithClause());
  }
  if (PeekKeyword("AS")) {
    if (is_source) {
      return Unexpected(Peek(), "the end of the statement",
                        "a SOURCE stream or table reads a topic; it cannot be AS SELECT");
    }
    if (has_columns) {
      return Unexpected(Peek(), "the end of the statement",
                        "CREATE ... AS SELECT takes its columns from the query; remove the "
                        "column list");
    }
    Next();
    auto stmt = std::make_unique<CreateAsSelect>();
    stmt->is_table = is_table;
    stmt->or_replace = or_replace;
    stmt->if_not_exists = if_not_exists;
    stmt->name = std::move(name);
    stmt->properties = std::move(properties);
    if (!PeekKeyword("SELECT")) return Unexpected(Peek(), "SELECT");
    SKEIN_ASSIGN_OR_RETURN(stmt->query, ParseQuery());
    return StatementPtr(std::move(stmt));
  }
  if (!has_columns && properties.empty()) {
    return Unexpected(Peek(), "a column list, WITH or AS",
                      "e.g. CREATE STREAM S (ID INT KEY, V STRING) WITH (KAFKA_TOPIC='s', "
                      "FORMAT='JSON')");
  }
  auto stmt = std::make_unique<CreateSource>();
  stmt->is_table = is_table;
  stmt->is_source = is_source;
  stmt->or_replace = or_replace;
  stmt->if_not_exists = if_not_exists;
  stmt->name = std::move(name);
  stmt->columns = std::move(columns);
  stmt->properties = std::move(properties);
  return StatementPtr(std::move(stmt));
}

absl::StatusOr<ColumnDef> Parser::ParseColumnDef() {
  ColumnDef col;
  col.pos = Peek().pos;
  SKEIN_ASSIGN_OR_RETURN(col.name, ParseIdentifier("a column name"));
  if (PeekSymbol(",") || PeekSymbol(")")) {
    return Unexpected(
        Peek(), "a type",
        absl::StrCat("give column ", col.name, " a type, e.g. ", col.name, " STRING"));
  }
  SKEIN_ASSIGN_OR_RETURN(col.type, ParseType());
  if (AcceptKeyword("KEY")) {
    col.constraint = ColumnConstraint::kKey;
  } else if (AcceptKeyword("PRIMARY")) {
    SKEIN_RETURN_IF_ERROR(ExpectKeyword("KEY"));
    col.constraint = ColumnConstraint::kPrimaryKey;
  } else if (AcceptKeyword("HEADERS")) {
    col.constraint = ColumnConstraint::kHeaders;
  } else if (AcceptKeyword("HEADER")) {
    const Token& open = Peek();
    SKEIN_RETURN_IF_ERROR(ExpectSymbol("("));
    if (Peek().kind != TokenKind::kString) {
      return Unexpected(Peek(), "a header key string", "write HEADER('key')");
    }
    col.header_key = Next().text;
    SKEIN_RETURN_IF_ERROR(ExpectClose(open));
    col.constraint = ColumnConstraint::kHeader;
  }
  if (!PeekSymbol(",") && !PeekSymbol(")")) {
    std::string hint = MissingCommaHint();
    if (hint.empty()) hint = "a column is `NAME TYPE [KEY | PRIMARY KEY | HEADERS]`";
    return Unexpected(Peek(), "',' or ')'", hint);
  }
  return col;
}

absl::StatusOr<ExprPtr> Parser::ParsePropertyValue() {
  const Token& t = Peek();
  bool negative = PeekSymbol("-");
  const Token& v = negative ? Peek(1) : t;
  bool literal =
      v.kind == TokenKind::kString || v.kind == TokenKind::kInteger ||
      v.kind == TokenKind::kDecimal || v.kind == TokenKind::kDouble ||
      (!negative && (IsKeyword(v, "TRUE") || IsKeyword(v, "FALSE") || IsKeyword(v, "NULL")));
  if (negative && v.kind == TokenKind::kString) literal = false;
  if (!literal) {
    std::string hint;
    if (v.kind == TokenKind::kWord) {
      hint = absl::StrCat("property values are literals; quote it: '", v.text, "'");
    }
    return Unexpected(v, "a literal value", hint);
  }
  // Only the literal (with its sign): `'a' / x = 'b'` is not a property value.
  return ParseUnary();
}

absl::StatusOr<std::vector<Property>> Parser::ParseWithClause() {
  Next();  // WITH
  const Token& open = Peek();
  SKEIN_RETURN_IF_ERROR(ExpectSymbol("("));
  std::vector<Property> props;
  do {
    const Token& name = Peek();
    Property p;
    p.pos = name.pos;
    // Property names may be any word (KEY, TIMESTAMP, ...), quoted or a string.
    if (name.kind == TokenKind::kWord || name.kind == TokenKind::kQuotedIdentifier ||
        name.kind == TokenKind::kString) {
      p.name = Next().text;
    } else {
      return Unexpected(name, "a property name", "write WITH (NAME='value', ...)");
    }
    if (!AcceptSymbol("=")) return Unexpected(Peek(), "'='", "write WITH (NAME='value', ...)");
    SKEIN_ASSIGN_OR_RETURN(p.value, ParsePropertyValue());
    props.push_back(std::move(p));
  } while (AcceptSymbol(","));
  SKEIN_RETURN_IF_ERROR(ExpectClose(open));
  return props;
}

absl::StatusOr<StatementPtr> Parser::ParseCreateConnector(bool is_sink) {
  auto stmt = std::make_unique<CreateConnector>();
  stmt->is_sink = is_sink;
  if (AcceptKeyword("IF")) {
    SKEIN_RETURN_IF_ERROR(ExpectKeyword("NOT"));
    SKEIN_RETURN_IF_ERROR(ExpectKeyword("EXISTS"));
    stmt->if_not_exists = true;
  }
  SKEIN_ASSIGN_OR_RETURN(stmt->name, ParseIdentifier("a connector name"));
  if (!PeekKeyword("WITH")) return Unexpected(Peek(), "WITH", "connectors need WITH (...)");
  SKEIN_ASSIGN_OR_RETURN(stmt->properties, ParseWithClause());
  return StatementPtr(std::move(stmt));
}

absl::StatusOr<StatementPtr> Parser::ParseInsert() {
  Next();  // INSERT
  SKEIN_RETURN_IF_ERROR(ExpectKeyword("INTO"));
  SKEIN_ASSIGN_OR_RETURN(std::string name, ParseIdentifier("a stream or table name"));
  if (PeekSymbol("(") || PeekKeyword("VALUES")) {
    auto stmt = std::make_unique<InsertValues>();
    stmt->name = std::move(name);
    if (PeekSymbol("(")) {
      const Token& open = Next();
      do {
        SKEIN_ASSIGN_OR_RETURN(std::string col, ParseIdentifier("a column name"));
        stmt->columns.push_back(std::move(col));
      } while (AcceptSymbol(","));
      SKEIN_RETURN_IF_ERROR(ExpectClose(open));
    }
    SKEIN_RETURN_IF_ERROR(ExpectKeyword("VALUES"));
    const Token& open = Peek();
    SKEIN_RETURN_IF_ERROR(ExpectSymbol("("));
    if (!PeekSymbol(")")) {
      do {
        SKEIN_ASSIGN_OR_RETURN(ExprPtr value, ParseExpr());
        stmt->values.push_back(std::move(value));
      } while (AcceptSymbol(","));
    }
    SKEIN_RETURN_IF_ERROR(ExpectClose(open));
    return StatementPtr(std::move(stmt));
  }
  auto stmt = std::make_unique<InsertInto>();
  stmt->name = std::move(name);
  if (PeekKeyword("WITH")) {
    SKEIN_ASSIGN_OR_RETURN(stmt->properties, ParseWithClause());
  }
  if (!PeekKeyword("SELECT")) return Unexpected(Peek(), "SELECT, VALUES or '('");
  SKEIN_ASSIGN_OR_RETURN(stmt->query, ParseQuery());
  return StatementPtr(std::move(stmt));
}

absl::StatusOr<StatementPtr> Parser::ParseDrop() {
  Next();  // DROP
  if (AcceptKeyword("CONNECTOR")) {
    auto stmt = std::make_unique<DropConnector>();
    if (AcceptKeyword("IF")) {
      SKEIN_RETURN_IF_ERROR(ExpectKeyword("EXISTS"));
      stmt->if_exists = true;
    }
    SKEIN_ASSIGN_OR_RETURN(stmt->name, ParseIdentifier("a connector name"));
    return StatementPtr(std::move(stmt));
  }
  auto stmt = std::make_unique<DropSource>();
  if (AcceptKeyword("TABLE")) {
    stmt->is_table = true;
  } else if (!AcceptKeyword("STREAM")) {
    return Unexpected(Peek(), "STREAM, TABLE or CONNECTOR");
  }
  if (AcceptKeyword("IF")) {
    SKEIN_RETURN_IF_ERROR(ExpectKeyword("EXISTS"));
    stmt->if_exists = true;
  }
  SKEIN_ASSIGN_OR_RETURN(stmt->name,
                         ParseIdentifier(stmt->is_table ? "a table name" : "a stream name"));
  if (AcceptKeyword("DELETE")) {
    SKEIN_RETURN_IF_ERROR(ExpectKeyword("TOPIC"));
    stmt->delete_topic = true;
  }
  return StatementPtr(std::move(stmt));
}

absl::StatusOr<StatementPtr> Parser::ParseShow() {
  Next();  // SHOW | LIST
  static constexpr std::pair<std::string_view, ShowTarget> kTargets[] = {
      {"STREAMS", ShowTarget::kStreams},       {"TABLES", ShowTarget::kTables},
      {"QUERIES", ShowTarget::kQueries},       {"TOPICS", ShowTarget::kTopics},
      {"PROPERTIES", ShowTarget::kProperties}, {"FUNCTIONS", ShowTarget::kFunctions},
      {"CONNECTORS", ShowTarget::kConnectors}, {"TYPES", ShowTarget::kTypes}};
  auto stmt = std::make_unique<Show>();
  const Token& t = Peek();
  for (const auto& [word, target] : kTargets) {
    if (IsKeyword(t, word)) {
      Next();
      stmt->target = target;
      stmt->extended = AcceptKeyword("EXTENDED");
      return StatementPtr(std::move(stmt));
    }
  }
  std::string hint;
  if (t.kind == TokenKind::kWord) {
    for (const auto& [word, target] : kTargets) {
      if (EditDistance(t.text, word) <= 2) {
        hint = absl::StrCat("did you mean ", absl::string_view(word.data(), word.size()), "?");
        break;
      }
    }
  }
  return Unexpected(t,
                    "STREAMS, TABLES, QUERIES, TOPICS, PROPERTIES, FUNCTIONS, CONNECTORS "
                    "or TYPES",
                    hint);
}

absl::StatusOr<StatementPtr> Parser::ParseDescribe() {
  Next();  // DESCRIBE
  auto stmt = std::make_unique<Describe>();
  // `DESCRIBE EXTENDED x` (old form) and `DESCRIBE x EXTENDED` (current form) both work; a
  // source actually named EXTENDED must be backquoted.
  stmt->extended = AcceptKeyword("EXTENDED");
  SKEIN_ASSIGN_OR_RETURN(stmt->name, ParseIdentifier("a stream or table name"));
  if (AcceptKeyword("EXTENDED")) stmt->extended = true;
  return StatementPtr(std::move(stmt));
}

absl::StatusOr<StatementPtr> Parser::ParseExplain() {
  Next();  // EXPLAIN
  auto stmt = std::make_unique<Explain>();
  const Token& t = Peek();
  if (IsKeyword(t, "SELECT") || IsKeyword(t, "CREATE") || IsKeyword(t, "INSERT")) {
    SKEIN_RETURN_IF_ERROR(Enter());
    absl::StatusOr<StatementPtr> inner = ParseStatement();
    Leave();
    if (!inner.ok()) return inner.status();
    stmt->statement = std::move(inner).value();
    return StatementPtr(std::move(stmt));
  }
  SKEIN_ASSIGN_OR_RETURN(stmt->query_id, ParseIdentifier("a query id or a statement"));
  return StatementPtr(std::move(stmt));
}

absl::StatusOr<StatementPtr> Parser::ParseTerminate() {
  Next();  // TERMINATE
  auto stmt = std::make_unique<Terminate>();
  if (AcceptKeyword("ALL")) {
    stmt->all = true;
  } else {
    SKEIN_ASSIGN_OR_RETURN(stmt->query_id, ParseIdentifier("a query id or ALL"));
  }
  return StatementPtr(std::move(stmt));
}

absl::StatusOr<StatementPtr> Parser::ParseSetOrUnset() {
  bool is_set = Next().text == "SET";
  const Token& name = Peek();
  if (name.kind != TokenKind::kString) {
    return Unexpected(
        name, "a quoted property name",
        is_set ? "write SET 'auto.offset.reset'='earliest'" : "write UNSET 'auto.offset.reset'");
  }
  Next();
  if (!is_set) {
    auto stmt = std::make_unique<UnsetProperty>();
    stmt->name = name.text;
    return StatementPtr(std::move(stmt));
  }
  if (!AcceptSymbol("=")) return Unexpected(Peek(), "'='");
  const Token& value = Peek();
  if (value.kind != TokenKind::kString) {
    return Unexpected(value, "a quoted value", "write SET 'name'='value'");
  }
  Next();
  auto stmt = std::make_unique<SetProperty>();
  stmt->name = name.text;
  stmt->value = value.text;
  return StatementPtr(std::move(stmt));
}

}  // namespace skein::sql::internal
