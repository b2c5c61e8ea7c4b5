#include "skein/types/avro_name.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace skein::types {
namespace {

bool IsAvroNameStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

}  // namespace

absl::Status CheckAvroName(std::string_view name) {
  const std::string n(name);
  constexpr char kPrefix[] = "Schema is not compatible with Avro: ";
  if (n.empty()) return absl::InvalidArgumentError(absl::StrCat(kPrefix, "Empty name"));
  if (!IsAvroNameStart(n[0])) {
    return absl::InvalidArgumentError(absl::StrCat(kPrefix, "Illegal initial character: ", n));
  }
  for (char c : n) {
    if (!IsAvroNameStart(c) && !(c >= '0' && c <= '9')) {
      return absl::InvalidArgumentError(absl::StrCat(kPrefix, "Illegal character in: ", n));
    }
  }
  return absl::OkStatus();
}

}  // namespace skein::types
