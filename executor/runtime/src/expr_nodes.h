#pragma once

// Internal: factories for the evaluator nodes of skein::runtime's expression compiler, shared
// by its source files. Not a public API.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/runtime/expression.h"

namespace skein::runtime::internal {

// Debian's Abseil has its own string_view: convert explicitly at absl call sites.
inline absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

using EvalPtr = std::shared_ptr<const Evaluator>;

// Arithmetic "+", "-", "*", "/", "%" with the result type chosen by the planner: INTEGER and
// BIGINT wrap like Java, integer division by zero is a per-record error (NULL), DOUBLE follows
// IEEE, DECIMAL is exact at the result scale (HALF_UP), STRING "+" concatenates.
absl::StatusOr<EvalPtr> MakeArithmetic(std::string_view op, EvalPtr lhs, EvalPtr rhs,
                                       types::SqlType type);
absl::StatusOr<EvalPtr> MakeNegate(EvalPtr operand, types::SqlType type);
// "=", "<>", "<", "<=", ">", ">=": FALSE if either side is NULL (ksqlDB).
absl::StatusOr<EvalPtr> MakeComparison(std::string_view op, EvalPtr lhs, EvalPtr rhs);
EvalPtr MakeIsDistinct(EvalPtr lhs, EvalPtr rhs);
// LIKE with % and _ wildcards and an optional escape character; case-sensitive.
absl::StatusOr<EvalPtr> MakeLike(std::vector<EvalPtr> args);
EvalPtr MakeIn(std::vector<EvalPtr> args);
EvalPtr MakeBetween(std::vector<EvalPtr> args);

// LIKE matching, exposed for LIKE's tests: `escape` 0 = none.
bool LikeMatch(std::string_view text, std::string_view pattern, char escape);

// Scalar function registration, one per family (functions_*.cc).
void RegisterStringFunctions(FunctionRegistry* registry);
void RegisterMathFunctions(FunctionRegistry* registry);
void RegisterDateTimeFunctions(FunctionRegistry* registry);
void RegisterJsonFunctions(FunctionRegistry* registry);
void RegisterCollectionFunctions(FunctionRegistry* registry);

}  // namespace skein::runtime::internal
