#pragma once

// Private: the GROUP BY aggregate operator (skein.v1.AggregateOp), built by MakeRowOperator.

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/runtime/operators.h"

namespace skein::runtime::internal {

// INVALID_ARGUMENT for a malformed plan (bad expressions, unknown aggregate, schema mismatch).
absl::StatusOr<std::unique_ptr<RowOperator>> MakeAggregateOperator(const skein::v1::AggregateOp& op,
                                                                   const RowSchema& input,
                                                                   OperatorContext* ctx);

// Reads the committed groups of an aggregate's stores for pull queries (table_reader.cc): the
// rows the operator would emit for them (keys, results, ROWTIME, window bounds; HAVING
// applied; groups HAVING rejects are left out). The stores are opened on the context's own
// state transaction, which the reader never writes: reads see what tasks committed.
// Threading: one reader per request thread; RocksDB serves it beside the task's worker.
class AggregateStateReader {
 public:
  virtual ~AggregateStateReader() = default;
  // Appends the rows of group `key` (its group-key values; nullptr: every group) whose window
  // starts in [from_ms, to_ms] (unwindowed aggregates ignore the bounds). UNIMPLEMENTED for a
  // scan of a SESSION-windowed aggregate; store failures as the state module reports them.
  virtual absl::Status ReadGroups(const std::vector<types::Value>* key, int64_t from_ms,
                                  int64_t to_ms, RowBatch* out) = 0;
};

// INVALID_ARGUMENT as MakeAggregateOperator.
absl::StatusOr<std::unique_ptr<AggregateStateReader>> MakeAggregateStateReader(
    const skein::v1::AggregateOp& op, const RowSchema& input, OperatorContext* ctx);

// The table GROUP BY change operator (skein.v1.GroupByChangeOp), before the repartition.
absl::StatusOr<std::unique_ptr<RowOperator>> MakeGroupByChangeOperator(
    const skein::v1::GroupByChangeOp& op, const RowSchema& input, OperatorContext* ctx);

}  // namespace skein::runtime::internal
