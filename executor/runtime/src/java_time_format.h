#pragma once

// Internal: a subset of java.time.format.DateTimeFormatter patterns, enough for ksqlDB's
// date/time functions: y, M (numeric, MMM, MMMM), d, D, H, h, k, K, m, s, S (fraction), a, E,
// z/zzzz (zone id), X/x/Z (offsets), '' quoting. Zones: UTC/GMT/Z and fixed offsets
// (+HH:mm, UTC+HH:mm); region names are not supported yet (no tz database in the runtime).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace skein::runtime::internal {

// A compiled pattern. Immutable; safe to share. Built once per call site for literal patterns.
class JavaTimeFormat {
 public:
  // INVALID_ARGUMENT for unknown pattern letters or an unterminated quote.
  static absl::StatusOr<JavaTimeFormat> Compile(std::string_view pattern);

  // Formats epoch milliseconds shifted by `offset_ms` (the zone's UTC offset).
  std::string Format(int64_t epoch_ms, int64_t offset_ms, std::string_view zone_name) const;
  // Parses text into epoch milliseconds; the default zone offset applies when the text has no
  // zone. INVALID_ARGUMENT naming the text and pattern on mismatch.
  absl::StatusOr<int64_t> Parse(std::string_view text, int64_t default_offset_ms) const;

  const std::string& pattern() const { return pattern_; }

 private:
  struct Token {
    char letter = 0;  // 0 = literal
    int count = 0;
    std::string literal;
  };
  std::string pattern_;
  std::vector<Token> tokens_;
};

// Resolves a zone id to a fixed UTC offset in milliseconds. INVALID_ARGUMENT for unknown ids.
absl::StatusOr<int64_t> ZoneOffsetMs(std::string_view zone);

}  // namespace skein::runtime::internal
