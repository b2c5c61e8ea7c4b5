#pragma once

// Pieces shared by the format implementations. Private to skein::serde.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "skein/serde/format.h"

namespace skein::serde::internal {

// Debian's Abseil has its own string_view type: convert explicitly.
inline absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// "[`K` STRING KEY, `V` INTEGER]" as ksqlDB lists columns in format errors.
std::string ColumnsToString(const std::vector<Column>& columns);

// Properties after validation, upper-cased names.
struct ParsedOptions {
  bool is_key = false;
  bool wrap_single_value = true;     // WRAP_SINGLE_VALUE (values only)
  bool wrap_explicitly_set = false;  // the user wrote WRAP_SINGLE_VALUE
  char delimiter = ',';
  std::string full_schema_name;  // FULL_SCHEMA_NAME (AVRO)
};

// Validates `options` for `format` (allowed: the names in `allowed`, upper-case).
absl::StatusOr<ParsedOptions> ParseOptions(std::string_view format, const FormatOptions& options,
                                           const std::vector<std::string_view>& allowed);

void AppendBase64(std::string_view bytes, std::string* out);
bool DecodeBase64(std::string_view text, std::string* out);

std::unique_ptr<Format> MakeJsonFormat(std::vector<Column> columns, const ParsedOptions& opts);
std::unique_ptr<Format> MakeDelimitedFormat(std::vector<Column> columns, const ParsedOptions& opts);
std::unique_ptr<Format> MakeKafkaFormat(std::vector<Column> columns);
std::unique_ptr<Format> MakeNoneFormat();
absl::StatusOr<std::unique_ptr<Format>> MakeAvroFormat(std::vector<Column> columns,
                                                       const ParsedOptions& opts,
                                                       const FormatOptions& options);

}  // namespace skein::serde::internal
