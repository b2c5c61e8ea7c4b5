#pragma once

// Internal: a subset of java.time.format.DateTimeFormatter patterns, enough for ksqlDB's
// date/time functions: y, M (numeric, MMM, MMMM), d, D, H, h, k, K, m, s, S (fraction), a, E,
// z/zzzz (zone id), X/x/Z (offsets), '' quoting. Zones: UTC/GMT/Z and fixed offsets
// (+HH:mm, UTC+HH:mm); region names are not supported yet (no tz database in the runtime).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace skein::runtime::internal {

class TimeZone;

// A compiled pattern. Immutable; safe to share. Built once per call site for literal patterns.
class JavaTimeFormat {
 public:
  // INVALID_ARGUMENT for unknown pattern letters or an unterminated quote.
  static absl::StatusOr<JavaTimeFormat> Compile(std::string_view pattern);

  // Formats epoch milliseconds as wall time in `zone`.
  std::string Format(int64_t epoch_ms, const TimeZone& zone) const;
  // Parses text into epoch milliseconds; `default_zone` applies when the text has no zone.
  // `allow_trailing`: text after the pattern is ignored (ksqlDB's date parsing does this).
  // INVALID_ARGUMENT naming the text and pattern on mismatch.
  absl::StatusOr<int64_t> Parse(std::string_view text, const TimeZone& default_zone,
                                bool allow_trailing) const;

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

// Resolves a zone id to a fixed UTC offset in milliseconds. INVALID_ARGUMENT for ids that
// are not UTC/GMT/Z or a fixed offset.
absl::StatusOr<int64_t> ZoneOffsetMs(std::string_view zone);

// A time zone: a fixed offset, or a region ("America/Los_Angeles") read once from the system
// tz database (/usr/share/zoneinfo, TZif v2; instants after the last transition keep its
// offset). Immutable; shared between call sites and threads.
class TimeZone {
 public:
  // INVALID_ARGUMENT "Unknown time-zone ID: X" for ids neither fixed nor in the database.
  static absl::StatusOr<std::shared_ptr<const TimeZone>> Find(std::string_view id);

  int64_t OffsetAtUtc(int64_t utc_ms) const;
  // The offset for a local wall time (the earlier offset in a fall-back overlap).
  int64_t OffsetAtLocal(int64_t local_ms) const;
  // Abbreviation at an instant ("PDT"), or the id for fixed zones.
  std::string NameAt(int64_t utc_ms) const;

 private:
  struct Type {
    int64_t offset_ms = 0;
    std::string abbrev;
  };
  std::string id_;
  std::vector<int64_t> transitions_ms_;  // ascending UTC instants
  std::vector<uint8_t> transition_types_;
  std::vector<Type> types_;
  size_t initial_type_ = 0;
  size_t TypeAt(int64_t utc_ms) const;
};

}  // namespace skein::runtime::internal
