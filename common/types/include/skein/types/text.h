#pragma once

// Text forms of values exactly as ksqlDB (Java) writes them, shared by CAST and the formats.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace skein::types {

// Java's Double.toString: "1.0", "0.001", "1.0E7", "1.234E-5", "NaN", "Infinity",
// "-Infinity". Digits are the shortest that round-trip.
std::string FormatDoubleJava(double d);
void AppendDoubleJava(double d, std::string* out);

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int64_t year, int month, int day);
void CivilFromDays(int64_t days, int64_t* year, int* month, int* day);

// CAST(x AS STRING) forms: TIMESTAMP "2022-04-28T21:44:47.943" (UTC, always milliseconds),
// DATE "2022-04-28", TIME as ISO_LOCAL_TIME: "21:44:00", "21:44:47.5" (fraction only when
// not zero, trailing zeros dropped).
std::string FormatTimestamp(int64_t ms);
std::string FormatDate(int32_t days);
std::string FormatTime(int32_t ms_of_day);

// Parses ksqlDB's accepted timestamp text: "yyyy-MM-dd" optionally followed by
// "THH[:mm[:ss[.fraction]]]" and a zone "Z" or "+HH[:mm]"/"-HH[:mm]". Without a zone the
// time is UTC. INVALID_ARGUMENT with the text on failure.
absl::StatusOr<int64_t> ParseTimestamp(std::string_view text);
// "yyyy-MM-dd".
absl::StatusOr<int32_t> ParseDate(std::string_view text);
// "HH:mm[:ss[.fraction]]".
absl::StatusOr<int32_t> ParseTime(std::string_view text);

}  // namespace skein::types
