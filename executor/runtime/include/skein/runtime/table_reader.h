#pragma once

// Pull queries on the executor: the rows a compiled pull plan selects from the committed state
// of a table-materializing aggregate stage, one partition at a time.

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/runtime/plan_types.h"
#include "skein/state/tenant_state_db.h"
#include "skein/types/value.h"
#include "skein/v1/plan.pb.h"

namespace skein::runtime {

// Built per pull request from the table's plan (what its tasks run) and the pull plan (one
// stage: a source over the table, the query's filter and projection, a sink laid out as the
// result). Read() then answers for each partition held here:
//   stored groups -> the aggregate's output rows (HAVING applied) -> the operators after the
//   aggregate in its stage (the CTAS projection) -> the table's row as the pull plan's source
//   reads it -> the pull filter and projection -> one JSON object per row.
// Key lookups: when the WHERE pins every key column to literals (`K = x`, `K IN (...)`, ANDed,
// ORed), only those groups are read (point reads); otherwise every group of the partition is
// (a scan). WINDOWSTART bounds (=, <, <=, >, >= ANDed) narrow the windows fetched. The pull
// filter is applied to whatever is read, so the narrowing is only an optimization.
// Threading: one request thread. It reads RocksDB beside the worker that owns the task through
// its own transaction that it never writes, so it sees exactly what the task committed.
class TableReader {
 public:
  // INVALID_ARGUMENT when `stage` of `table_plan` has no aggregate or the pull plan is not one
  // stage from a source to a sink.
  static absl::StatusOr<std::unique_ptr<TableReader>> Create(const v1::PhysicalPlan& table_plan,
                                                             uint32_t stage,
                                                             const v1::PhysicalPlan& pull_plan);
  ~TableReader();

  // Appends the JSON rows of `partition`'s committed state to *out, stopping once *out holds
  // `limit` rows (0: no limit). A partition that never committed state has no rows.
  absl::Status Read(state::TenantStateDb* db, int32_t partition, size_t limit,
                    std::vector<std::string>* out);

  // True when Read() does point reads (the WHERE pins every key column).
  bool key_lookup() const { return keys_.has_value(); }

 private:
  TableReader() = default;
  absl::Status AnalyzeWhere();

  v1::PhysicalPlan table_plan_;
  v1::PhysicalPlan pull_plan_;
  uint32_t stage_ = 0;
  const v1::Stage* table_stage_ = nullptr;
  const v1::Stage* pull_stage_ = nullptr;
  int aggregate_at_ = 0;       // index of the AggregateOp in the table stage
  RowSchema aggregate_input_;  // its input row
  RowSchema table_row_;        // the table stage's sink row
  RowSchema pull_source_;      // the pull plan's source row
  RowSchema pull_result_;      // the pull plan's sink row
  // For each pull source column: the table row column it is read from (-1: none).
  std::vector<int> source_from_;
  // For each group key of the aggregate: the pull source column holding it.
  std::vector<int> group_key_columns_;
  // Group keys to read (each in group-key order); nullopt: scan every group.
  std::optional<std::vector<std::vector<types::Value>>> keys_;
  int64_t window_from_ = std::numeric_limits<int64_t>::min();
  int64_t window_to_ = std::numeric_limits<int64_t>::max();
  std::vector<int> result_columns_;  // pull sink columns written to the JSON rows
};

}  // namespace skein::runtime
