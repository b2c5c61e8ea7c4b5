#include "window_properties.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "skein/sql/ast.h"

namespace skein::compiler {

absl::StatusOr<std::optional<WindowInfo>> WindowFromProperties(const PropertyMap& props) {
  auto type = props.find("WINDOW_TYPE");
  auto size = props.find("WINDOW_SIZE");
  if (type == props.end()) {
    if (size != props.end()) {
      return absl::InvalidArgumentError(
          "'WINDOW_SIZE' should not be set for non-windowed sources; set 'WINDOW_TYPE' too.");
    }
    return std::nullopt;
  }
  WindowInfo w;
  w.kind = absl::AsciiStrToUpper(type->second);
  if (w.kind != "TUMBLING" && w.kind != "HOPPING" && w.kind != "SESSION") {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid value ", type->second,
                     " for property WINDOW_TYPE: String must be one of: SESSION, HOPPING, "
                     "TUMBLING, null"));
  }
  if (w.kind == "SESSION") {
    if (size != props.end()) {
      return absl::InvalidArgumentError("'WINDOW_SIZE' should not be set for SESSION windows.");
    }
    return w;
  }
  if (size == props.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'WINDOW_SIZE' must be set for ", w.kind, " windows."));
  }
  // "<n> <UNIT>", e.g. '30 SECONDS'.
  std::vector<std::string> parts =
      absl::StrSplit(absl::AsciiStrToUpper(size->second), ' ', absl::SkipEmpty());
  int64_t n = 0;
  const int64_t unit = parts.size() == 2 ? sql::TimeUnitMillis(parts[1]) : 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &n) || n <= 0 || unit == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Invalid duration: '", size->second, "'. e.g. '10 SECONDS', '1 MINUTE' or '2 HOURS'"));
  }
  w.size_millis = n * unit;
  return w;
}

}  // namespace skein::compiler
