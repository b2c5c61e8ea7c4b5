#pragma once

// The aggregate functions (UDAFs) of GROUP BY queries. An Aggregator is stateless itself: the
// state of one group is a types::Value (persisted by the aggregate operator with
// internal::EncodeValue), so the same object serves every group of a task.
//
// Threading: immutable after creation; used by the owning task's worker only.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/types/sql_type.h"
#include "skein/types/value.h"

namespace skein::runtime::internal {

// What the plan says about one aggregate call.
struct AggregatorSpec {
  std::string function;                   // upper-case name
  std::vector<types::SqlType> arg_types;  // column arguments (COUNT(*): none)
  std::vector<types::Value> params;       // literal parameters after the column argument
  types::SqlType return_type;
};

class Aggregator {
 public:
  virtual ~Aggregator() = default;
  // The state of a group before any input.
  virtual types::Value Init() const = 0;
  // The state after adding one input row's argument values. `seq` increases with input order
  // (LATEST_BY_OFFSET / EARLIEST_BY_OFFSET). INVALID_ARGUMENT for a value the aggregate cannot
  // take (a DECIMAL sum overflowing its precision): the caller logs the record and skips it.
  virtual absl::StatusOr<types::Value> Add(const types::Value& state,
                                           std::span<const types::Value> args,
                                           int64_t seq) const = 0;
  // Table aggregation: the state after retracting a row previously added with `args`.
  virtual absl::StatusOr<types::Value> Undo(const types::Value& state,
                                            std::span<const types::Value> args) const {
    (void)args;
    return state;
  }
  // Session windows: the state of two merged sessions.
  virtual types::Value Merge(const types::Value& a, const types::Value& b) const = 0;
  // The aggregate's result for a state.
  virtual types::Value Result(const types::Value& state) const = 0;
};

// INVALID_ARGUMENT for an unknown function or bad parameters.
absl::StatusOr<std::unique_ptr<Aggregator>> MakeAggregator(const AggregatorSpec& spec);

// Whether the function can retract rows (aggregation over a table).
bool SupportsUndo(const std::string& function);

}  // namespace skein::runtime::internal
