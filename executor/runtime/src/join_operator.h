#pragma once

// Private: the two-input operator of a join stage. StageTask routes each decoded row of the
// left chain or the right chain here; results are rows of output_schema(): the join key,
// every left column, every right column (an absent side is all NULL).
//
// State lives in the task's RocksDB stores (OperatorContext::State()): stream sides are
// buffered in WindowStores (one list of rows per (key, timestamp)), table sides materialized in
// KeyValueStores (upserts; a tombstone deletes). Stores are opened on first use; a state failure
// is fatal for the task (OperatorContext::fatal). Created once per task; threading: the task's
// worker only.

#include <memory>

#include "absl/status/statusor.h"
#include "skein/runtime/expression.h"
#include "skein/runtime/operators.h"
#include "skein/runtime/plan_types.h"
#include "skein/v1/plan.pb.h"

namespace skein::runtime {

class JoinOperator {
 public:
  // INVALID_ARGUMENT for a malformed JoinOp (key expressions over the wrong rows, bad schema).
  static absl::StatusOr<std::unique_ptr<JoinOperator>> Create(const skein::v1::JoinOp& op,
                                                              const RowSchema& left,
                                                              const RowSchema& right,
                                                              OperatorContext* ctx);
  virtual ~JoinOperator() = default;

  // Consumes rows that reached the join from one side, in order, appending the join results
  // they cause to *out in emission order.
  virtual void Process(bool left_side, RowBatch* in, RowBatch* out) = 0;
  const RowSchema& output_schema() const { return output_; }

 protected:
  JoinOperator() = default;

  // The row's join key; NULL when it has none (or its evaluation failed, which is logged).
  types::Value KeyOf(bool left_side, const RowRecord& row);
  // An output row for `key` with the given sides (null = absent side), at `timestamp`.
  RowRecord Joined(const types::Value& key, const RowRecord* left, const RowRecord* right,
                   int64_t timestamp) const;
  // A tombstone output row for `key`.
  RowRecord Tombstone(const types::Value& key, int64_t timestamp) const;
  // Records a state failure: the task stops with it. Returns false.
  bool Fail(const absl::Status& status);

  OperatorContext* ctx_ = nullptr;
  skein::v1::JoinOp op_;
  RowSchema output_;
  size_t left_width_ = 0, right_width_ = 0;
  std::unique_ptr<CompiledExpr> left_key_, right_key_;
  std::unique_ptr<CompiledExpr> filter_;  // table-table WHERE; null when none
  EvalContext ec_;
};

}  // namespace skein::runtime
