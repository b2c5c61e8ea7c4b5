#pragma once

// Scalar and table function implementations of the data plane, looked up once per call site
// when an expression is compiled.

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "skein/runtime/eval_context.h"
#include "skein/types/sql_type.h"
#include "skein/types/value.h"

namespace skein::runtime {

// What a function implementation knows about its call site, fixed at compile time: argument
// and result types, the values of literal arguments (so patterns, formats and JSON paths are
// parsed once), and state its binder prepared.
struct CallInfo {
  std::vector<types::SqlType> arg_types;
  std::vector<bool> arg_is_null_type;  // argument is an untyped NULL literal
  types::SqlType result_type;
  std::vector<std::optional<types::Value>> constant_args;  // set for literal arguments
  std::shared_ptr<const void> state;                       // from the binder

  template <typename T>
  const T* State() const {
    return static_cast<const T*>(state.get());
  }
};

// A scalar implementation: args are already evaluated. Reports per-record failures through
// ctx.SetError and returns NULL; never throws.
using ScalarFn = types::Value (*)(std::span<const types::Value> args, const CallInfo& info,
                                  EvalContext& ctx);
// A table function: appends the rows it produces (one value each) to *out.
using TableFn = void (*)(std::span<const types::Value> args, const CallInfo& info, EvalContext& ctx,
                         std::vector<types::Value>* out);

// A call site bound to an implementation.
struct BoundScalar {
  ScalarFn fn = nullptr;
  // Any NULL argument makes the result NULL without calling fn (most of ksqlDB's UDFs).
  bool null_on_null = true;
};

// Chooses the implementation for a call site (overloads by argument type) and may fill
// info->state. INVALID_ARGUMENT if no overload accepts the argument types or a literal argument
// is invalid (e.g. a bad date pattern).
using ScalarBinder = absl::StatusOr<BoundScalar> (*)(CallInfo* info);

// Built-in functions by upper-case name. Immutable after construction; the built-in instance
// is shared by every task. Threading: const methods are thread-safe.
class FunctionRegistry {
 public:
  // The process-wide registry of built-in functions.
  static const FunctionRegistry& Builtins();

  void AddScalar(std::string_view name, ScalarBinder binder);
  // A scalar with a single implementation for every argument type.
  void AddSimple(std::string_view name, ScalarFn fn, bool null_on_null = true);
  void AddTable(std::string_view name, TableFn fn);

  // Binds a call site; NOT_FOUND for an unknown name.
  absl::StatusOr<BoundScalar> BindScalar(std::string_view name, CallInfo* info) const;
  absl::StatusOr<TableFn> FindTable(std::string_view name) const;
  bool HasScalar(std::string_view name) const;
  std::vector<std::string> ScalarNames() const;

 private:
  struct Entry {
    ScalarBinder binder = nullptr;
    ScalarFn simple = nullptr;
    bool null_on_null = true;
  };
  absl::flat_hash_map<std::string, Entry> scalars_;
  absl::flat_hash_map<std::string, TableFn> tables_;
};

}  // namespace skein::runtime
