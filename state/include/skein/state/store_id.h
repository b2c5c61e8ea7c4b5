#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace skein::state {

// Names one state store of one task: the store `store` of partition `partition` of stage
// `stage` of query `query`. Its column family is named `<query>.<stage>.<partition>.<store>`,
// deterministically, so a restarted executor finds the same column family for the same task.
// A plain value type; thread-compatible.
struct StoreId {
  std::string query;
  int32_t stage = 0;
  int32_t partition = 0;
  std::string store;

  // INVALID_ARGUMENT unless query and store are 1..128 characters of [A-Za-z0-9_-] and
  // stage/partition are >= 0 (the '.' separator must never occur inside a component).
  absl::Status Validate() const;

  // `<query>.<stage>.<partition>.<store>`; meaningful only for a valid id.
  std::string ColumnFamilyName() const;

  // Inverse of ColumnFamilyName(); INVALID_ARGUMENT for a name it did not produce.
  static absl::StatusOr<StoreId> Parse(absl::string_view column_family_name);

  friend bool operator==(const StoreId&, const StoreId&) = default;
};

// INVALID_ARGUMENT unless `name` is 1..128 characters of [A-Za-z0-9_-]; `what` names the
// field in the message. Used for tenant names too, since they become directory names.
absl::Status ValidateName(absl::string_view name, absl::string_view what);

}  // namespace skein::state
