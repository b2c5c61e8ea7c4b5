#pragma once

// Internal helpers for scalar function implementations.

#include <cmath>
#include <cstdint>

#include "absl/status/statusor.h"
#include "skein/types/cast.h"
#include "skein/types/decimal.h"
#include "skein/types/sql_type.h"
#include "skein/types/value.h"

namespace skein::runtime::internal {

inline int64_t IntArg(const types::Value& v) {
  switch (v.kind()) {
    case types::TypeKind::kInteger:
      return v.integer();
    case types::TypeKind::kBigint:
      return v.bigint();
    case types::TypeKind::kDouble:
      return static_cast<int64_t>(v.dbl());
    case types::TypeKind::kDecimal:
      return static_cast<int64_t>(types::DecimalTruncate(v.decimal_unscaled(), v.decimal_scale()));
    default:
      return 0;
  }
}

// Converts a computed value to the call site's result type (the planner's choice of overload
// result): numbers are converted with CAST semantics; anything already of the right kind
// passes through.
inline types::Value AsResult(types::Value v, const types::SqlType& from, const types::SqlType& to) {
  if (v.is_null() || v.kind() == to.kind()) {
    if (to.kind() != types::TypeKind::kDecimal || v.is_null() || v.decimal_scale() == to.scale()) {
      return v;
    }
  }
  absl::StatusOr<types::Value> c = types::CastValue(v, from, to);
  return c.ok() ? *std::move(c) : types::Value::Null();
}

inline types::Value DoubleResult(double d, const types::SqlType& to) {
  if (to.kind() == types::TypeKind::kDouble) return types::Value::Double(d);
  return AsResult(types::Value::Double(d), types::SqlType::Double(), to);
}

}  // namespace skein::runtime::internal
