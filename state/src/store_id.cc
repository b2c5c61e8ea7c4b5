#include "skein/state/store_id.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace skein::state {
namespace {

constexpr size_t kMaxNameLength = 128;

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

}  // namespace

absl::Status ValidateName(absl::string_view name, absl::string_view what) {
  if (name.empty() || name.size() > kMaxNameLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " '", name, "' must be 1..", kMaxNameLength, " characters long"));
  }
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i])) {
      return absl::InvalidArgumentError(absl::StrCat(what, " '", name,
                                                     "' has an invalid character at position ", i,
                                                     ": use only letters, digits, '_' and '-'"));
    }
  }
  return absl::OkStatus();
}

absl::Status StoreId::Validate() const {
  if (absl::Status s = ValidateName(query, "query id"); !s.ok()) return s;
  if (absl::Status s = ValidateName(store, "store name"); !s.ok()) return s;
  if (stage < 0 || partition < 0) {
    return absl::InvalidArgumentError(absl::StrCat("store ", store, " of query ", query,
                                                   ": stage (", stage, ") and partition (",
                                                   partition, ") must be >= 0"));
  }
  return absl::OkStatus();
}

std::string StoreId::ColumnFamilyName() const {
  return absl::StrCat(query, ".", stage, ".", partition, ".", store);
}

absl::StatusOr<StoreId> StoreId::Parse(absl::string_view column_family_name) {
  std::vector<absl::string_view> parts = absl::StrSplit(column_family_name, '.');
  StoreId id;
  if (parts.size() != 4 || !absl::SimpleAtoi(parts[1], &id.stage) ||
      !absl::SimpleAtoi(parts[2], &id.partition)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", column_family_name,
                     "' is not a store column family name (<query>.<stage>.<partition>.<store>)"));
  }
  id.query = std::string(parts[0]);
  id.store = std::string(parts[3]);
  if (absl::Status s = id.Validate(); !s.ok()) return s;
  if (id.ColumnFamilyName() != column_family_name) {  // e.g. "+1" or "01" as numbers
    return absl::InvalidArgumentError(
        absl::StrCat("'", column_family_name, "' is not in canonical form"));
  }
  return id;
}

}  // namespace skein::state
