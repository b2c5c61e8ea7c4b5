#pragma once

// Signatures of the SQL functions Skein knows, and resolution of a call's argument types to one
// overload and its return type. Shared by both planes: the compiler resolves calls and writes
// the resolved types into the plan; the runtime looks a function body up by the same key
// (upper-case name + the resolved parameter types, see ResolvedFunction::Key()).
//
// Resolution follows ksqlDB's rules: an exact match wins; otherwise the overload needing the
// fewest implicit numeric widenings (INTEGER -> BIGINT -> DECIMAL -> DOUBLE); an untyped NULL
// argument matches any parameter. Generic parameters (T, K, V, ARRAY<T>, MAP<K, V>) bind on
// first use and must agree afterwards.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/types/sql_type.h"

namespace skein::functions {

enum class FunctionKind { kScalar, kTable, kAggregate };

// An argument's type as the analyzer knows it: nullopt for an untyped NULL literal.
using ArgType = std::optional<types::SqlType>;

// The outcome of resolving one call.
struct ResolvedFunction {
  std::string name;  // canonical upper-case name, e.g. "SUBSTRING"
  FunctionKind kind = FunctionKind::kScalar;
  // The type each argument must have when the function body runs; the compiler inserts
  // implicit casts so the plan's argument expressions carry exactly these types (an untyped
  // NULL argument becomes a typed NULL literal). For variadic overloads one entry per argument.
  std::vector<types::SqlType> param_types;
  types::SqlType return_type;
  // Identity of the overload within the function (stable across builds as long as the table
  // in registry.cc only grows at the end of a function's list).
  int overload = 0;

  // "SUBSTRING(STRING, INTEGER, INTEGER)": the lookup key the runtime uses for a body.
  std::string Key() const;
};

// Computes a return type from the bound argument types when a fixed pattern cannot express it
// (ROUND(DECIMAL) -> DECIMAL(p - s + 1, 0), ...). Returns INVALID_ARGUMENT to reject.
using ReturnTypeFn =
    std::function<absl::StatusOr<types::SqlType>(const std::vector<types::SqlType>& param_types)>;

// One overload as declared: parameter patterns and return pattern in a small type language
// ("STRING", "INTEGER", "DECIMAL" = any decimal, "T", "ARRAY<T>", "MAP<K, V>", "ANY").
struct Overload {
  std::vector<std::string> params;
  bool variadic = false;  // the last parameter repeats zero or more times
  std::string returns;    // pattern; ignored when return_fn is set
  ReturnTypeFn return_fn;
  std::string doc_params;  // "input" names printed in "Valid alternatives are:" lists
};

struct FunctionInfo {
  std::string name;          // canonical upper-case
  std::string display_name;  // as ksqlDB prints it in errors ("explode", "COALESCE")
  FunctionKind kind = FunctionKind::kScalar;
  std::vector<Overload> overloads;
};

// The immutable function table. Threading: built once (thread-safe static init), read-only.
class FunctionRegistry {
 public:
  // The built-in functions.
  static const FunctionRegistry& Default();

  // nullptr when no function has this name (case-insensitive).
  const FunctionInfo* Find(std::string_view name) const;

  // Resolves a call. Errors (INVALID_ARGUMENT, worded as ksqlDB):
  //   "Can't find any functions with the name 'X'"
  //   "Function 'X' does not accept parameters (STRING, INTEGER).\nValid alternatives are:\n..."
  absl::StatusOr<ResolvedFunction> Resolve(std::string_view name,
                                           const std::vector<ArgType>& args) const;

  // All names, sorted (SHOW FUNCTIONS).
  std::vector<std::string> Names() const;

  explicit FunctionRegistry(std::vector<FunctionInfo> functions);

 private:
  std::vector<FunctionInfo> functions_;  // sorted by name
};

}  // namespace skein::functions
