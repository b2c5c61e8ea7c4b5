#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "skein/state/state_store.h"

namespace skein::state {

// A byte-keyed key-value store (tables, non-windowed aggregates, join state). Keys and values
// are opaque bytes serialized by the executor; keys are stored as they are, so scans follow
// bytewise key order. The changelog key of a write is the user key.
//
// Owned by the task's operator; used only from the task's worker thread. Every write is
// buffered in the task's StateTransaction and visible to later reads of the same task.
class KeyValueStore : public StateStore {
 public:
  // Attaches (creating if needed) the column family of `id` and binds it to `txn`.
  // INVALID_ARGUMENT for a bad id.
  static absl::StatusOr<std::unique_ptr<KeyValueStore>> Open(StateTransaction* txn,
                                                             const StoreId& id);

  // nullopt when the key has no value.
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key) { return Read(key); }
  absl::Status Put(absl::string_view key, absl::string_view value);
  absl::Status Delete(absl::string_view key);

  // Entries with from <= key < to, in key order.
  std::unique_ptr<RawIterator> Range(absl::string_view from, absl::string_view to) const;
  // Entries whose key starts with `prefix`, in key order.
  std::unique_ptr<RawIterator> PrefixScan(absl::string_view prefix) const;
  // Every entry, in key order.
  std::unique_ptr<RawIterator> All() const;

  // RocksDB's estimates for the committed data (buffered writes are not counted): live bytes
  // on disk plus memtables, and number of keys. Cheap; for metrics and planning only.
  absl::StatusOr<uint64_t> ApproximateSizeBytes() const;
  absl::StatusOr<uint64_t> ApproximateCount() const;

 protected:
  absl::Status ApplyRestored(rocksdb::WriteBatch* batch, absl::string_view key,
                             std::optional<absl::string_view> value) override;

 private:
  using StateStore::StateStore;
};

}  // namespace skein::state
