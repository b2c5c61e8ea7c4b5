#pragma once

// Private: the GROUP BY aggregate operator (skein.v1.AggregateOp), built by MakeRowOperator.

#include <memory>

#include "absl/status/statusor.h"
#include "skein/runtime/operators.h"

namespace skein::runtime::internal {

// INVALID_ARGUMENT for a malformed plan (bad expressions, unknown aggregate, schema mismatch).
absl::StatusOr<std::unique_ptr<RowOperator>> MakeAggregateOperator(const skein::v1::AggregateOp& op,
                                                                   const RowSchema& input,
                                                                   OperatorContext* ctx);

// The table GROUP BY change operator (skein.v1.GroupByChangeOp), before the repartition.
absl::StatusOr<std::unique_ptr<RowOperator>> MakeGroupByChangeOperator(
    const skein::v1::GroupByChangeOp& op, const RowSchema& input, OperatorContext* ctx);

}  // namespace skein::runtime::internal
