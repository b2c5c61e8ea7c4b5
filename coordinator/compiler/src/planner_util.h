#pragma once

// Private: the pieces every persistent-query planner shares (stateless, aggregate, join):
// resolving the statement's target, the source scope and SourceOp of a catalog source, the
// sink DataSource and SinkOp, and registering the planned query in the catalog.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "expr_analyzer.h"
#include "skein/compiler/catalog.h"
#include "skein/compiler/compiler.h"
#include "skein/sql/statement.h"
#include "skein/types/schema.h"
#include "skein/v1/plan.pb.h"

namespace skein::compiler {

v1::Column ColumnProto(const std::string& name, const types::SqlType& t, v1::ColumnNamespace ns);
v1::ColumnNamespace NsOf(types::ColumnNamespace ns);
v1::Topic TopicProto(const std::string& name, int partitions, const FormatInfo& key,
                     const FormatInfo& value);

// The name ksqlDB gives an unaliased select item or partition expression: the column (or
// struct field path) it references, else the first free KSQL_COL_<n>.
std::string ImplicitName(const sql::Expr& e, int* generated, const std::vector<std::string>& taken);

// `e` as ksqlDB prints it in messages about a query's key: column references qualified by
// `source` (`ABS(INPUT.ID)`).
std::string QualifiedSql(const sql::Expr& e, const std::string& source);

// "A", "A and B", "A, B and C".
std::string JoinWithAnd(const std::vector<std::string>& items);

// ksqlDB's rule for SELECT aliases: pseudo column names (ROWTIME, ROWPARTITION, ROWOFFSET,
// WINDOWSTART, WINDOWEND) are reserved.
absl::Status CheckAliasNotReserved(const std::string& alias);

// One item of a persistent query's projection, before it is put in output order.
struct ProjectedItem {
  std::string name;
  v1::Expr expr;
  types::SqlType type;
  bool is_key = false;
  std::string key_source_text;  // the source expression's text when this item is a key
};

// Appends `ordered` (output order: keys first) to `project` and returns the projection's
// schema. INVALID_ARGUMENT for a repeated name ("Duplicate key|value columns found in schema"),
// a schema the builder rejects, or no value column.
absl::StatusOr<types::Schema> BuildProjection(const std::vector<const ProjectedItem*>& ordered,
                                              v1::ProjectOp* project);

// What a CREATE ... AS SELECT or INSERT INTO ... SELECT statement writes to.
struct QueryTarget {
  const sql::Query* query = nullptr;
  bool is_insert = false;
  std::string sink_name;
  bool sink_is_table = false;
  const std::vector<sql::Property>* with = nullptr;
  bool or_replace = false;
  bool if_not_exists = false;
  const DataSource* existing_sink = nullptr;  // the catalog's source of that name, if any
};

// Resolves the target and checks it against the catalog (INSERT INTO an existing writable
// stream; CREATE of a new name unless OR REPLACE). Sets *done to a final result for
// CREATE ... IF NOT EXISTS of an existing source.
absl::StatusOr<QueryTarget> ResolveTarget(const Catalog& catalog, const sql::Statement& stmt,
                                          std::optional<StatementResult>* done);

// The columns a query over `src` may reference (key, value, header, then the pseudo columns
// ROWTIME, ROWPARTITION, ROWOFFSET — and WINDOWSTART, WINDOWEND for a windowed source),
// qualified by `qualifier`, with indexes into the SourceOp's row starting at `first_index`.
struct SourceScope {
  std::vector<ScopeColumn> columns;
  v1::SourceOp op;
};
SourceScope BuildSourceScope(const DataSource& src, const std::string& qualifier,
                             uint32_t first_index = 0);

// The sink source of the query: for INSERT INTO the existing stream (schemas must match);
// otherwise a new source named by the target with the query's output schema, topic,
// partitions and formats from WITH (formats inherited from `inherit`, the query's leftmost
// source). `window`: the output's windowed key, if any.
absl::StatusOr<DataSource> BuildSink(const Catalog& catalog, const QueryTarget& target,
                                     const types::Schema& out_schema, const DataSource& inherit,
                                     std::optional<WindowInfo> window, std::string_view text);

// The SinkOp writing rows laid out as `row_schema` (the final projection's output) to `sink`.
v1::SinkOp SinkOpFor(const DataSource& sink, const v1::Schema& row_schema);

// Wraps the planned stages into a PhysicalPlan and, when `apply`, assigns the query id
// (CSAS_/CTAS_<SINK>_<n>, INSERTQUERY_<n>; OR REPLACE keeps the old id) and records the sink,
// its topic and the query in the catalog.
absl::StatusOr<StatementResult> RegisterQuery(Catalog& catalog, const QueryTarget& target,
                                              DataSource sink, std::vector<std::string> sources,
                                              std::vector<v1::Stage> stages, std::string_view text,
                                              bool apply);

// Planners per query shape, dispatched by PlanPersistentQuery. Each validates fully before
// RegisterQuery mutates the catalog.
absl::StatusOr<StatementResult> PlanStatelessQuery(Catalog& catalog, const QueryTarget& target,
                                                   std::string_view text, bool apply);
// Whether the SELECT list calls an aggregate function (aggregate_planner.cc).
bool HasAggregateCalls(const sql::Query& q);
// GROUP BY / WINDOW / HAVING / aggregate functions (aggregate_planner.cc).
absl::StatusOr<StatementResult> PlanAggregateQuery(Catalog& catalog, const QueryTarget& target,
                                                   std::string_view text, bool apply);
// JOIN (join_planner.cc).
absl::StatusOr<StatementResult> PlanJoinQuery(Catalog& catalog, const QueryTarget& target,
                                              std::string_view text, bool apply);

// A planned join before its projection, for planners that consume a join as their input (GROUP
// BY over a join): the stages feeding it (repartitions), the open join stage (both sources, the
// JoinOp, WHERE), the open stage's row and the columns SELECT/GROUP BY may reference in it.
struct JoinRelation {
  std::vector<v1::Stage> stages;     // finished stages, in dependency order
  v1::Stage open;                    // the join stage; append operators and a sink to finish it
  v1::Schema row;                    // the open stage's current row: [join key][left][right]
  std::vector<ScopeColumn> scope;    // qualified columns of `row` (and a synthetic key)
  std::vector<std::string> sources;  // joined sources, left first
  // Each joined source with its alias (the qualifier of its columns), left first: what `*`
  // and `<alias>.*` expand to.
  std::vector<std::pair<std::string, const DataSource*>> aliased_sources;
  const DataSource* leftmost = nullptr;  // the sink inherits its formats and partitions
  bool is_table = false;                 // table-table join: rows are a changelog
};
absl::StatusOr<JoinRelation> PlanJoinRelation(Catalog& catalog, const QueryTarget& target);

}  // namespace skein::compiler
