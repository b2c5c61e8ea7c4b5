#pragma once

// Private: matching of declared overload patterns ("ARRAY<T>", "DECIMAL", ...) against a call's
// argument types. Stateless; thread-safe.

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/functions/registry.h"

namespace skein::functions {

struct MatchResult {
  int cost = 0;  // number of implicit widenings needed (0 = exact)
  std::vector<types::SqlType> param_types;
  std::optional<types::SqlType> return_type;  // from the return pattern (unset with return_fn)
};

// NOT_FOUND when the overload does not accept the arguments; INVALID_ARGUMENT when a pattern in
// the table is malformed (a bug in builtins.cc, reported rather than aborting).
absl::StatusOr<MatchResult> MatchOverload(const Overload& overload,
                                          const std::vector<ArgType>& args);

// Parses a concrete type written in the pattern language ("ARRAY<STRING>"); nullopt otherwise.
std::optional<types::SqlType> ParseConcreteType(std::string_view text);

}  // namespace skein::functions
