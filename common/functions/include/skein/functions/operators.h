#pragma once

// Typing rules of SQL operators (arithmetic, comparison, concatenation), as ksqlDB applies them.
// Stateless free functions: thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "skein/types/sql_type.h"

namespace skein::functions {

enum class ArithmeticOp { kAdd, kSubtract, kMultiply, kDivide, kModulus };

// ksqlDB's operator name for messages: ADD, SUBTRACT, MULTIPLY, DIVIDE, MODULUS.
std::string_view ArithmeticOpName(ArithmeticOp op);

// Result type of `a op b`: INTEGER op INTEGER = INTEGER, then BIGINT, then DECIMAL with
// ksqlDB's precision/scale rules (integers count as DECIMAL(10,0) / DECIMAL(19,0)), then DOUBLE.
// STRING + STRING is concatenation (STRING). An untyped NULL operand (nullopt) takes the other
// operand's type. INVALID_ARGUMENT "Error processing expression: (A + B). Unsupported arithmetic
// types. STRING BOOLEAN" style errors (the compiler adds the position).
absl::StatusOr<types::SqlType> ArithmeticResultType(ArithmeticOp op,
                                                    const std::optional<types::SqlType>& a,
                                                    const std::optional<types::SqlType>& b);

// DECIMAL result type of `a op b` for two DECIMAL operands (precision capped at 38).
types::SqlType DecimalArithmeticType(ArithmeticOp op, const types::SqlType& a,
                                     const types::SqlType& b);

enum class ComparisonOp {
  kEqual,
  kNotEqual,
  kLess,
  kLessOrEqual,
  kGreater,
  kGreaterOrEqual,
  kIsDistinct
};

// ksqlDB's names: EQUAL, NOT_EQUAL, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN,
// GREATER_THAN_OR_EQUAL, IS_DISTINCT_FROM.
std::string_view ComparisonOpName(ComparisonOp op);

// The type both operands are compared in, or nullopt when the pair cannot be compared
// (numbers with numbers; STRING with STRING; BOOLEAN with BOOLEAN (=, <> only); TIMESTAMP/DATE/
// TIME with the same kind or with a STRING literal; ARRAY/MAP/STRUCT only with = and <> and
// equal types; BYTES with BYTES).
std::optional<types::SqlType> ComparisonType(ComparisonOp op, const types::SqlType& a,
                                             const types::SqlType& b);

// The common super type of several types for CASE branches, COALESCE, IN lists and ARRAY/MAP
// constructors: equal types, or numbers widened (INTEGER < BIGINT < DECIMAL < DOUBLE).
// nullopt when there is none.
std::optional<types::SqlType> CommonSuperType(const types::SqlType& a, const types::SqlType& b);

}  // namespace skein::functions
