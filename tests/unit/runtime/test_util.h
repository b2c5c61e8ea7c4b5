#pragma once

// Evaluates a hand-built plan expression against one row, for expression/function tests.

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "skein/runtime/expression.h"
#include "skein/types/value.h"

namespace skein::runtime::testing {

struct EvalResult {
  types::Value value;
  std::string error;  // the per-record error, empty if none
};

inline EvalResult Evaluate(const skein::v1::Expr& expr, std::vector<types::Value> row = {}) {
  absl::StatusOr<CompiledExpr> compiled = CompiledExpr::Compile(expr);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  if (!compiled.ok()) return {types::Value::Null(), std::string(compiled.status().message())};
  EvalContext ctx;
  ctx.row = row.data();
  EvalResult out;
  out.value = compiled->Eval(ctx);
  if (ctx.has_error()) out.error = ctx.error();
  return out;
}

inline types::Value Eval(const skein::v1::Expr& expr, std::vector<types::Value> row = {}) {
  return Evaluate(expr, std::move(row)).value;
}

}  // namespace skein::runtime::testing
