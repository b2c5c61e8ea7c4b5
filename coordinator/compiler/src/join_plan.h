#pragma once

// Private to the join planner (join_planner.cc, nested_join.cc): one binary join as planned,
// and the fold that turns `a JOIN b ... JOIN c ...` into a chain of binary joins.
//
// N-way joins fold left to right: join k's left input is the result of joins 0..k-1. The stage
// of join k-1 ends by writing its result, keyed by join k's left join expression (its own key
// when the join is on a column equal to that key, else the expression: a rekey), to the topic
// `..-Join<k+1>-left-repartition`; join k's stage reads that topic as its left side. The
// runtime runs one join per stage, so every further join adds a stage.

#include <memory>
#include <string>
#include <vector>

#include "expr_analyzer.h"
#include "planner_util.h"
#include "skein/compiler/catalog.h"
#include "skein/sql/statement.h"
#include "skein/v1/plan.pb.h"

namespace skein::compiler {

// One catalog source of a join and where its schema's columns start in the join output row.
struct JoinLeaf {
  const DataSource* src = nullptr;
  std::string alias;
  uint32_t first = 0;  // index of src->schema.column(0) in the join output row
};

// One input of a binary join as planned.
struct JoinSide {
  const DataSource* src = nullptr;  // a catalog source, or the nested join's topic
  std::string alias;                // qualifier: the alias, else the source name
  const sql::Expr* on = nullptr;    // this side's half of the ON condition
  TypedExpr key;                    // `on` analyzed over the side's row
  bool on_key = false;              // `on` is the side's only key column
  bool repartition = false;         // rekeyed into a repartition topic first
  v1::SourceOp op;                  // what the join stage reads for this side
  uint32_t width = 0;               // columns of the side's row at the join
  uint32_t first = 0;               // index of the side's row in the join output
  uint32_t source_offset = 0;       // 1 when the row starts with the repartition key
  // Set when this side is the result of the previous joins (the left side of join 2, 3, ...):
  // its qualified columns over its row (`src` is then the intermediate topic's source), the
  // catalog sources in it, and the join output indexes (of this side's row) that equal its key.
  bool nested = false;
  std::vector<ScopeColumn> nested_scope;
  std::vector<JoinLeaf> nested_leaves;
  std::vector<uint32_t> nested_key_refs;
  std::vector<std::string> nested_key_names;
  std::vector<std::string> nested_key_exprs;  // JoinPlan::key_exprs of the joins before
  int64_t nested_on_column = -1;              // the intermediate row column ON names, if a column
  bool nested_on_key_column = false;          // ... and it is one of nested_key_refs
};

// The planned join before its projection: the relation, and what SELECT needs to name and
// find the join key.
struct JoinPlan {
  JoinRelation rel;
  JoinSide l, r;
  std::vector<JoinLeaf> leaves;  // every catalog source joined, left first
  bool synthetic = false, windowed = false, table_table = false;
  std::string synthetic_name;
  types::SqlType key_type, join_key_type;
  types::SqlType row_key_type;             // type of column 0 of the join output row
  std::vector<uint32_t> key_refs;          // join output columns the join is on
  std::vector<std::string> key_ref_names;  // and their qualified names
  // Expressions (CanonicalOn) whose value is the join key: a next join on one of them stays on
  // this key (ksqlDB's `ON a.id = ABS(b.id) ... ON ABS(b.id) = c.x` needs no rekey).
  std::vector<std::string> key_exprs;
  int partitions = 1;     // of the topics the join stage reads
  FormatInfo key_format;  // of the left topic the join stage reads
  // Intermediate topics' sources (nested sides point into them).
  std::vector<std::shared_ptr<DataSource>> nested_sources;
};

// The left side of join `index` (>= 1): the result of the joins before it (`prev`), its scope
// over the intermediate topic's row. `src` and `op` are set by FinishNestedLeft.
JoinSide NestedSide(const JoinPlan& prev);

// ksqlDB's checks of an n-way join's ON condition: its halves reference different sources, one
// of them the joined source `r`.
absl::Status CheckNestedCondition(const sql::JoinClause& join, const JoinSide& l,
                                  const JoinSide& r);

// Once ON is analyzed (l->on, l->key over the intermediate row; r->on_key): finishes prev's open
// stage with a projection of its visible columns, keyed by l's ON expression unless that is a
// column equal to prev's key (or prev is a table), and a sink to the intermediate topic
// `..-Join<index+1>-left-repartition`; moves prev's stages into *stages and points l at the
// topic (l->src, l->op, l->on_key, l->key).
absl::Status FinishNestedLeft(const Catalog& catalog, const QueryTarget& target, size_t index,
                              JoinPlan* prev, const JoinSide& r, JoinSide* l,
                              std::vector<v1::Stage>* stages);

// `e`, an ON half over side `s`, as SQL with every column qualified by its source's alias.
std::string CanonicalOn(const sql::Expr& e, const JoinSide& s);

// The key format a rewritten topic gets: `f`, or JSON when `f` cannot hold `key_type`.
FormatInfo KeyFormatFor(FormatInfo f, const types::SqlType& key_type);

// Plans every join of the query up to (and including) WHERE: the binary joins folded left to
// right. INVALID_ARGUMENT (ksqlDB's wording) for joins ksqlDB rejects.
absl::StatusOr<JoinPlan> BuildJoin(Catalog& catalog, const QueryTarget& target);

// Appends the column references in `e` (not inside lambdas) to *out.
void CollectColumnRefs(const sql::Expr& e, std::vector<const sql::Expr*>* out);

// "ALIAS.COLUMN", as join errors name columns.
std::string Qualified(const std::string& alias, const std::string& column);

// The scope columns of a side's row, whose first column is join output column `first`.
std::vector<ScopeColumn> SideScope(const JoinSide& s, uint32_t first);

// The catalog sources of a side and where their columns start in the join output row.
std::vector<JoinLeaf> SideLeaves(const JoinSide& s);

}  // namespace skein::compiler
