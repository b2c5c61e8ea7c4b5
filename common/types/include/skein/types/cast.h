#pragma once

// Implicit widening and explicit CAST between SQL types, with ksqlDB's semantics.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "skein/types/sql_type.h"
#include "skein/types/value.h"

namespace skein::types {

// The DECIMAL an exact integer type widens to: INTEGER -> DECIMAL(10, 0),
// BIGINT -> DECIMAL(19, 0). Returns the type itself for DECIMAL; nullopt otherwise.
std::optional<SqlType> AsDecimalType(const SqlType& type);

// Whether a value of `from` may be used where `to` is expected without an explicit CAST:
// identical types; INTEGER -> BIGINT -> DECIMAL -> DOUBLE widening (a DECIMAL only into a
// DECIMAL with at least as many integer and fractional digits); element-wise for ARRAY and
// MAP; field-wise (same names, same order) for STRUCT.
bool CanImplicitlyCast(const SqlType& from, const SqlType& to);

// The common type of two numeric types for arithmetic, comparison and CASE/COALESCE:
// DOUBLE wins, then DECIMAL (integer digits and scale both widened, capped at 38), then BIGINT.
// nullopt if either type is not numeric.
std::optional<SqlType> WiderNumericType(const SqlType& a, const SqlType& b);

// OK if CAST(x AS to) is allowed for x of type `from`; otherwise INVALID_ARGUMENT
// "Cast of STRING to ARRAY<INTEGER> is not supported" (the compiler adds the position).
absl::Status CheckCast(const SqlType& from, const SqlType& to);

// Performs CAST(v AS to) for a value of type `from` (CheckCast must pass). NULL casts to NULL.
// INVALID_ARGUMENT when the value cannot be converted (bad number text, DECIMAL overflow);
// expression evaluation turns that into a NULL result plus a processing-log entry, as ksqlDB.
// Narrowing follows Java: BIGINT -> INTEGER wraps, DOUBLE -> INTEGER truncates and saturates,
// DECIMAL -> integer truncates, number -> DECIMAL rounds HALF_UP.
absl::StatusOr<Value> CastValue(const Value& v, const SqlType& from, const SqlType& to);

// The text CAST(v AS STRING) produces (NULL gives "null"): Java forms for numbers, plain
// decimals, ISO timestamps, "[1, 3]" for arrays, "{k=1}" for maps and "Struct{A=1,B=x}" for
// structs (null struct fields omitted, as Kafka Connect's Struct.toString()).
void AppendCastString(const Value& v, const SqlType& type, std::string* out);
std::string CastToString(const Value& v, const SqlType& type);

// Parsing helpers shared with the text formats (DELIMITED, JSON strings). Java semantics:
// optional sign, decimal digits only; DOUBLE also accepts exponents, "NaN", "Infinity".
// Surrounding blanks are trimmed. INVALID_ARGUMENT on anything else or on overflow.
absl::StatusOr<int32_t> ParseInteger(std::string_view text);
absl::StatusOr<int64_t> ParseBigint(std::string_view text);
absl::StatusOr<double> ParseDouble(std::string_view text);
// "true"/"t"/"yes"/"y" and "false"/"f"/"no"/"n", any case.
absl::StatusOr<bool> ParseBoolean(std::string_view text);

}  // namespace skein::types
