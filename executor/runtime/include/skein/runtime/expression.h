#pragma once

// Compiled expressions: a plan Expr turned, once per task, into a tree of evaluator objects
// with functions, casts and operators already resolved, evaluated per row.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/runtime/eval_context.h"
#include "skein/runtime/function_registry.h"
#include "skein/types/sql_type.h"
#include "skein/types/value.h"
#include "skein/v1/plan.pb.h"

namespace skein::runtime {

// One node of a compiled expression. Implementations live in src/; the evaluation never
// looks at the protobuf again. Threading: Eval is const but some nodes keep per-call-site
// caches (e.g. a LIKE pattern compiled from a column): one tree per task.
class Evaluator {
 public:
  explicit Evaluator(types::SqlType type) : type_(std::move(type)) {}
  virtual ~Evaluator() = default;

  // The value for ctx.row; failures go to ctx.SetError and yield NULL.
  virtual types::Value Eval(EvalContext& ctx) const = 0;
  const types::SqlType& type() const { return type_; }
  // True for literal nodes (lets binders precompute from constant arguments).
  virtual const types::Value* constant() const { return nullptr; }

 private:
  types::SqlType type_;
};

// A compiled expression with its source text. Owned by the operator that uses it (one per
// task). Threading: see Evaluator.
class CompiledExpr {
 public:
  // Compiles `expr`. INVALID_ARGUMENT names the sub-expression for malformed plans (unknown
  // function, bad column index when `row_width` >= 0, wrong argument count or types).
  static absl::StatusOr<CompiledExpr> Compile(
      const skein::v1::Expr& expr, int row_width = -1,
      const FunctionRegistry& registry = FunctionRegistry::Builtins());

  types::Value Eval(EvalContext& ctx) const { return root_->Eval(ctx); }
  const types::SqlType& type() const { return root_->type(); }
  const std::string& text() const { return text_; }
  const Evaluator& root() const { return *root_; }

 private:
  CompiledExpr(std::shared_ptr<const Evaluator> root, std::string text)
      : root_(std::move(root)), text_(std::move(text)) {}

  std::shared_ptr<const Evaluator> root_;
  std::string text_;
};

// Whether a value is SQL TRUE (NULL and FALSE are not): WHERE semantics.
inline bool IsTrue(const types::Value& v) {
  return v.kind() == types::TypeKind::kBoolean && v.boolean();
}

// SQL comparison of two non-null values of comparable types: numerics compare by value across
// INTEGER/BIGINT/DECIMAL/DOUBLE, everything else by types::Value::Compare.
int CompareSql(const types::Value& a, const types::Value& b);

}  // namespace skein::runtime
