#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace skein::state {

// Translates a RocksDB status into the absl code that tells the caller how to recover, with
// `op` (what we were doing) prefixed to the message. The one place the module maps RocksDB
// errors.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view op);

}  // namespace skein::state
