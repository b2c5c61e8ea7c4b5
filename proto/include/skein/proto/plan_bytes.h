#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "skein/v1/plan.pb.h"

namespace skein::proto {

// Parses a serialized PhysicalPlan (plans cross gRPC as bytes). Expressions nest one message
// per operand, so a statement the SQL parser accepts (nesting up to 200) needs more than
// protobuf's default recursion limit of 100. INVALID_ARGUMENT naming `what` when the bytes do
// not parse.
absl::StatusOr<v1::PhysicalPlan> ParsePlan(const std::string& bytes, const std::string& what);

}  // namespace skein::proto
