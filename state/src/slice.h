#pragma once

#include "absl/strings/string_view.h"
#include "rocksdb/slice.h"

namespace skein::state {

// Debian's Abseil has its own string_view, so conversions to and from RocksDB are explicit.
inline rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
inline absl::string_view ToView(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

}  // namespace skein::state
