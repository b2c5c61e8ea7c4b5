#pragma once

// Fields of the flat JSON objects the integration tests read back from output topics.

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace skein::testing {

// The integer value of `"FIELD":` in a flat JSON object; nullopt when absent.
inline std::optional<int64_t> JsonInt(const std::string& json, const std::string& field) {
  const std::string needle = absl::StrCat("\"", field, "\":");
  size_t at = json.find(needle);
  if (at == std::string::npos) return std::nullopt;
  at += needle.size();
  size_t end = at;
  while (end < json.size() && (json[end] == '-' || std::isdigit(json[end]))) ++end;
  int64_t n = 0;
  if (!absl::SimpleAtoi(json.substr(at, end - at), &n)) return std::nullopt;
  return n;
}

// The string value of `"FIELD":"..."` (no escapes); nullopt when absent.
inline std::optional<std::string> JsonString(const std::string& json, const std::string& field) {
  const std::string needle = absl::StrCat("\"", field, "\":\"");
  size_t at = json.find(needle);
  if (at == std::string::npos) return std::nullopt;
  at += needle.size();
  size_t end = json.find('"', at);
  if (end == std::string::npos) return std::nullopt;
  return json.substr(at, end - at);
}

}  // namespace skein::testing
