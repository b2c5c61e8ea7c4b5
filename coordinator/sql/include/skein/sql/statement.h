#pragma once

// Statement nodes of the syntax tree (see ast.h for expressions, types and queries).
// Ownership and threading as in ast.h: plain data owned through StatementPtr, immutable after
// parsing, safe to read concurrently.

#include <memory>
#include <string>
#include <vector>

#include "skein/sql/ast.h"

namespace skein::sql {

// ---------------------------------------------------------------------------------------------
// Statements. Each statement type derives from Statement; check `kind` then use As<T>().

enum class StatementKind {
  kCreateSource,     // CREATE [SOURCE] STREAM|TABLE name (cols) WITH (...)
  kCreateAsSelect,   // CREATE STREAM|TABLE name [WITH (...)] AS SELECT
  kInsertInto,       // INSERT INTO name [WITH (...)] SELECT
  kInsertValues,     // INSERT INTO name [(cols)] VALUES (...)
  kDropSource,       // DROP STREAM|TABLE
  kShow,             // SHOW|LIST ...
  kDescribe,         // DESCRIBE [EXTENDED] name
  kExplain,          // EXPLAIN query_id | statement
  kTerminate,        // TERMINATE id | ALL
  kSetProperty,      // SET 'p'='v'
  kUnsetProperty,    // UNSET 'p'
  kCreateConnector,  // CREATE SOURCE|SINK CONNECTOR
  kDropConnector,    // DROP CONNECTOR
  kSelect,           // a bare query (push or pull)
};

// A WITH (NAME=literal) entry; `value` is always a literal expression.
struct Property {
  std::string name;  // upper-cased unless quoted
  ExprPtr value;
  SourcePos pos;
};

struct Statement {
  explicit Statement(StatementKind k) : kind(k) {}
  virtual ~Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  template <typename T>
  const T& As() const {
    return static_cast<const T&>(*this);
  }
  template <typename T>
  T& As() {
    return static_cast<T&>(*this);
  }

  const StatementKind kind;
  SourcePos pos;
};
using StatementPtr = std::unique_ptr<Statement>;

enum class ColumnConstraint { kNone, kKey, kPrimaryKey, kHeaders, kHeader };

struct ColumnDef {
  std::string name;
  DataTypePtr type;
  ColumnConstraint constraint = ColumnConstraint::kNone;
  std::string header_key;  // kHeader: HEADER('key')
  SourcePos pos;
};

struct CreateSource : Statement {
  CreateSource() : Statement(StatementKind::kCreateSource) {}
  bool is_table = false;
  bool is_source = false;  // CREATE SOURCE STREAM|TABLE: read-only, materialized for lookups
  bool or_replace = false;
  bool if_not_exists = false;
  std::string name;
  std::vector<ColumnDef> columns;  // may be empty (schema from the registry)
  std::vector<Property> properties;
};

struct CreateAsSelect : Statement {
  CreateAsSelect() : Statement(StatementKind::kCreateAsSelect) {}
  bool is_table = false;
  bool or_replace = false;
  bool if_not_exists = false;
  std::string name;
  std::vector<Property> properties;
  std::unique_ptr<Query> query;
};

struct InsertInto : Statement {
  InsertInto() : Statement(StatementKind::kInsertInto) {}
  std::string name;
  std::vector<Property> properties;
  std::unique_ptr<Query> query;
};

struct InsertValues : Statement {
  InsertValues() : Statement(StatementKind::kInsertValues) {}
  std::string name;
  std::vector<std::string> columns;  // empty: all columns in order
  std::vector<ExprPtr> values;
};

struct DropSource : Statement {
  DropSource() : Statement(StatementKind::kDropSource) {}
  bool is_table = false;
  bool if_exists = false;
  bool delete_topic = false;
  std::string name;
};

enum class ShowTarget {
  kStreams,
  kTables,
  kQueries,
  kTopics,
  kProperties,
  kFunctions,
  kConnectors,
  kTypes
};

struct Show : Statement {
  Show() : Statement(StatementKind::kShow) {}
  ShowTarget target = ShowTarget::kStreams;
  bool extended = false;
};

struct Describe : Statement {
  Describe() : Statement(StatementKind::kDescribe) {}
  bool extended = false;
  std::string name;
};

struct Explain : Statement {
  Explain() : Statement(StatementKind::kExplain) {}
  std::string query_id;    // EXPLAIN <query id>; empty when a statement is explained
  StatementPtr statement;  // EXPLAIN <statement>
};

struct Terminate : Statement {
  Terminate() : Statement(StatementKind::kTerminate) {}
  bool all = false;
  std::string query_id;
};

struct SetProperty : Statement {
  SetProperty() : Statement(StatementKind::kSetProperty) {}
  std::string name;
  std::string value;
};

struct UnsetProperty : Statement {
  UnsetProperty() : Statement(StatementKind::kUnsetProperty) {}
  std::string name;
};

struct CreateConnector : Statement {
  CreateConnector() : Statement(StatementKind::kCreateConnector) {}
  bool is_sink = false;
  bool if_not_exists = false;
  std::string name;
  std::vector<Property> properties;
};

struct DropConnector : Statement {
  DropConnector() : Statement(StatementKind::kDropConnector) {}
  bool if_exists = false;
  std::string name;
};

struct SelectStatement : Statement {
  SelectStatement() : Statement(StatementKind::kSelect) {}
  std::unique_ptr<Query> query;
};

}  // namespace skein::sql
