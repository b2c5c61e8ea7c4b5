#pragma once

// Conversions from the physical plan's protobuf types and schemas to skein::types.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/types/schema.h"
#include "skein/types/sql_type.h"
#include "skein/types/value.h"
#include "skein/v1/plan.pb.h"

namespace skein::runtime {

// Where a row column comes from. Mirrors skein.v1.ColumnNamespace, which (unlike
// types::ColumnNamespace) also has pseudo columns.
enum class ColumnKind { kKey, kValue, kHeader, kPseudo };

// One column of an operator's row.
struct RowColumn {
  std::string name;
  types::SqlType type;
  ColumnKind kind = ColumnKind::kValue;
  std::string header_key;  // kHeader only; empty = all headers as ARRAY<STRUCT<KEY, VALUE>>
};

// The layout of an operator's rows, converted once per task from a skein.v1.Schema.
struct RowSchema {
  std::vector<RowColumn> columns;

  int IndexOf(std::string_view name) const;
  // The serde columns of one namespace (key or value), in row order.
  std::vector<types::Column> SerdeColumns(ColumnKind kind) const;
  std::vector<int> IndexesOf(ColumnKind kind) const;
};

// INVALID_ARGUMENT for malformed types (missing children, bad decimal bounds, UNSPECIFIED).
absl::StatusOr<types::SqlType> FromProto(const skein::v1::SqlType& type);
absl::StatusOr<RowSchema> FromProto(const skein::v1::Schema& schema);
// The inverse, for building plans in code (tests, benchmarks, the compiler's helpers).
skein::v1::SqlType ToProto(const types::SqlType& type);

// Converts a plan literal to a value of `type` (decimals parsed at the type's scale).
absl::StatusOr<types::Value> LiteralValue(const skein::v1::Literal& literal,
                                          const types::SqlType& type);

}  // namespace skein::runtime
