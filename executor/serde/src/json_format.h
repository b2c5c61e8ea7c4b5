#pragma once

// JSON format internals: decoding with simdjson On-Demand, encoding by hand into a string.

#include <string>
#include <vector>

#include "internal.h"
#include "simdjson.h"
#include "skein/common/json_escape.h"

namespace skein::serde::internal {

// JSON format bound to columns. Decoding uses simdjson's On-Demand API: it is the fastest
// simdjson mode and it exposes the raw text of numbers, which DECIMAL columns need to be exact.
// Fields the schema does not name are skipped (only structurally checked). Field names match
// columns exactly first, then ASCII case-insensitively, as ksqlDB does.
// Threading: one thread at a time (owns the parser and a padded input buffer).
class JsonFormat final : public Format {
 public:
  JsonFormat(std::vector<Column> columns, const ParsedOptions& opts);

  std::string_view name() const override { return "JSON"; }
  absl::StatusOr<RecordKind> Decode(std::optional<std::string_view> bytes,
                                    std::span<Value> out) override;
  absl::StatusOr<RecordKind> Encode(std::span<const Value> values, std::string* out) override;

 private:
  bool unwrapped_;  // a single column written as the bare JSON value
  simdjson::ondemand::parser parser_;
  std::string buffer_;  // input copied here with SIMDJSON_PADDING bytes of slack
};

// Appends v (of type `type`) as JSON the way ksqlDB's serializer writes it: compact, DOUBLE in
// Java's text ("1.0", "1.0E10"; NaN/Infinity quoted), DECIMAL as a plain number keeping its
// scale, TIMESTAMP/DATE/TIME as numbers, BYTES as base64 text, struct fields in schema order.
void AppendJsonValue(const Value& v, const types::SqlType& type, std::string* out);
// Strings are escaped as Jackson does (skein/common/json_escape.h).
using ::skein::AppendJsonString;

}  // namespace skein::serde::internal
