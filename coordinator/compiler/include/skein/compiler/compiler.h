#pragma once

// Entry point of the SQL compiler: analyzes one parsed statement against the tenant's catalog,
// updates the catalog and says what the caller must do (start a query, produce rows, print
// text). The caller (coordinator statement service, `skein test`'s local engine) runs plans;
// the compiler never touches Kafka.
//
// Usage:
//   Compiler compiler("tenant-a");
//   for (auto& parsed : *sql::ParseStatements(text)) {
//     auto result = compiler.Execute(*parsed.statement, parsed.text);
//     if (!result.ok()) ... report result.status().message() ...
//     if (result->plan) ... start *result->plan ...
//   }
//
// Errors are INVALID_ARGUMENT for anything the user wrote wrong, with the message
//   "<what is wrong, worded as ksqlDB words it>[\nHint: <fix>]\nStatement: <text>"
// and, when known, "line L:C: " in front; UNIMPLEMENTED for valid SQL Skein does not support
// yet (joins, aggregations, windows in this version).
//
// Threading: not thread-safe; one Compiler per tenant session, used by one thread at a time.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/compiler/catalog.h"
#include "skein/sql/ast.h"
#include "skein/sql/statement.h"
#include "skein/types/schema.h"
#include "skein/v1/plan.pb.h"

namespace skein::compiler {

// One row to produce for INSERT INTO ... VALUES: values in `schema` order (KEY then VALUE
// columns), already coerced to the column types.
struct InsertRow {
  types::Row values;
  std::optional<int64_t> rowtime;  // ROWTIME given in the column list; else "now"
};

struct StatementResult {
  enum class Kind {
    kSourceCreated,    // CREATE STREAM/TABLE (source_name, schema_text)
    kSourceDropped,    // DROP (source_name; delete_topic)
    kQueryStarted,     // CSAS/CTAS/INSERT INTO SELECT (plan, query_id, source_name = sink)
    kQueryTerminated,  // TERMINATE (terminated_queries)
    kRows,             // INSERT VALUES (source_name, topic, row_schema, rows)
    kText,             // SHOW, DESCRIBE, EXPLAIN, LIST
    kProperty,         // SET / UNSET
  };
  Kind kind = Kind::kText;
  std::string source_name;
  // DESCRIBE form of the created source's schema: "ID BIGINT KEY, NAME STRING".
  std::string schema_text;
  std::optional<v1::PhysicalPlan> plan;
  std::string query_id;
  std::vector<std::string> terminated_queries;
  bool delete_topic = false;
  // INSERT VALUES.
  std::string topic;
  v1::Topic topic_info;      // name, formats, partitions
  types::Schema row_schema;  // key + value columns of the target
  std::vector<InsertRow> rows;
  // SHOW / DESCRIBE / EXPLAIN.
  std::string text;
};

class Compiler {
 public:
  explicit Compiler(std::string tenant = "default") : catalog_(std::move(tenant)) {}

  // Compiles and applies one statement. `text` is the statement's source (for error messages,
  // the plan and the catalog). On error the catalog is unchanged.
  absl::StatusOr<StatementResult> Execute(const sql::Statement& statement, std::string_view text);

  const Catalog& catalog() const { return catalog_; }
  Catalog& mutable_catalog() { return catalog_; }

 private:
  Catalog catalog_;
};

// Converts between the type system and the plan's protobuf form (shared with tests and tools
// that build plans by hand; the runtime has its own reader on the executor side).
v1::SqlType TypeToProto(const types::SqlType& type);
types::SqlType TypeFromProto(const v1::SqlType& type);

// Readable multi-line rendering of a plan (EXPLAIN).
std::string PlanToText(const v1::PhysicalPlan& plan);

}  // namespace skein::compiler
