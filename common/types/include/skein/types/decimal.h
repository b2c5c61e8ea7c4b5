#pragma once

// Exact DECIMAL helpers: a DECIMAL value is an unscaled __int128 plus a scale (the SqlType
// carries the precision). 38 digits fit in 127 bits.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace skein::types {

using Int128 = __int128;

// Rounding used when a value loses fractional digits. ksqlDB uses HALF_UP for CAST and
// arithmetic; deserializers refuse to round (kUnnecessary).
enum class Rounding { kHalfUp, kUnnecessary };

// 10^n for 0 <= n <= 38.
Int128 Pow10(int n);

// Number of decimal digits of |v| (0 has 1 digit).
int DigitCount(Int128 v);

// Parses a decimal literal ("-12.340", "1e3", "+.5") exactly into an unscaled value at the
// given scale and checks it fits `precision`. INVALID_ARGUMENT on syntax errors, when digits
// would be lost with kUnnecessary, or when the value overflows the precision.
absl::StatusOr<Int128> ParseDecimal(std::string_view text, int precision, int scale,
                                    Rounding rounding);

// Changes the scale of an unscaled value; checks `precision`. Errors as ParseDecimal.
absl::StatusOr<Int128> RescaleDecimal(Int128 unscaled, int from_scale, int precision, int to_scale,
                                      Rounding rounding);

// Converts a double as Java's BigDecimal.valueOf(d) does (through its shortest decimal text),
// then rounds HALF_UP to the scale. INVALID_ARGUMENT for NaN/Inf or precision overflow.
absl::StatusOr<Int128> DecimalFromDouble(double d, int precision, int scale);

// Plain text with exactly `scale` fractional digits, like Java's BigDecimal.toPlainString():
// unscaled 1000 at scale 3 -> "1.000", -5 at scale 2 -> "-0.05".
std::string FormatDecimal(Int128 unscaled, int scale);
void AppendDecimal(Int128 unscaled, int scale, std::string* out);

double DecimalToDouble(Int128 unscaled, int scale);

// Integer part, truncated toward zero (Java's BigDecimal.longValue() for values that fit).
Int128 DecimalTruncate(Int128 unscaled, int scale);

// Compares two decimals with possibly different scales exactly.
int CompareDecimal(Int128 a, int a_scale, Int128 b, int b_scale);

// Decimal text of an Int128 ("-170141183460469231731687303715884105728" included).
std::string Int128ToString(Int128 v);

}  // namespace skein::types
