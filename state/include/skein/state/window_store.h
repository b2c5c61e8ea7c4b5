#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "skein/state/state_store.h"

namespace skein::state {

// One window of one key as read from a WindowStore.
struct WindowEntry {
  std::string key;
  int64_t start_ms = 0;
  std::string value;

  friend bool operator==(const WindowEntry&, const WindowEntry&) = default;
};

// Stores values per (key, window start) for tumbling and hopping window aggregates, with
// retention by window start.
//
// Layout (one column family, two key spaces; `OB` is encoding::AppendOrderedBytes and `I64`
// encoding::AppendInt64):
//   'd' OB(key) I64(start) -> value   data, in (key, start) order for per-key fetches
//   't' I64(start) OB(key) -> ""      time index, in (start, key) order for expiry and FetchAll
//   'm/expired-before' -> I64(cutoff)  the committed expiry point, reloaded by Open()
// Why a time index rather than time-bucketed segments (a column family per time bucket, as
// Kafka Streams does): segments make expiry a cheap DropColumnFamily, but every segment
// would be a column family to create, attach, checkpoint and restore per task, buffered
// transactional writes could target a segment that is being dropped, and WriteBatchWithIndex
// cannot hold range deletes. The index makes expiry cost proportional to what expires (one
// seek, then point deletes through the transaction), and the scan starts at the previous
// expiry point so it never walks over the tombstones of earlier expiries.
//
// The changelog key of a write is OB(key) I64(start). Expiry is not logged: the changelog
// topic has its own time retention, and after a restore the executor calls ExpireBefore
// again (restored windows older than the store's committed expiry point are skipped).
//
// Owned by the task's operator; used only from the task's worker thread.
class WindowStore : public StateStore {
 public:
  // Attaches the column family of `id`, binds it to `txn` and reloads the committed expiry
  // point. INVALID_ARGUMENT for a bad id; DATA_LOSS for malformed store metadata.
  static absl::StatusOr<std::unique_ptr<WindowStore>> Open(StateTransaction* txn,
                                                           const StoreId& id);

  // Writes the window. A window that already expired (start < expired_before()) is not
  // stored, as a late record for a closed window; it is counted in dropped_late_writes().
  absl::Status Put(absl::string_view key, int64_t window_start_ms, absl::string_view value);
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key, int64_t window_start_ms);
  absl::Status Delete(absl::string_view key, int64_t window_start_ms);

  // Windows of `key` with time_from <= start <= time_to (both inclusive), by start.
  absl::StatusOr<std::vector<WindowEntry>> Fetch(absl::string_view key, int64_t time_from_ms,
                                                 int64_t time_to_ms);
  // Windows of every key with time_from <= start <= time_to, by (start, key).
  absl::StatusOr<std::vector<WindowEntry>> FetchAll(int64_t time_from_ms, int64_t time_to_ms);

  // Drops every window with start < cutoff_ms (callers pass stream_time - retention). Goes
  // through the transaction like any write; calls with a cutoff not above the previous one
  // do nothing.
  absl::Status ExpireBefore(int64_t cutoff_ms);

  int64_t expired_before() const { return pending_cutoff_; }
  uint64_t dropped_late_writes() const { return dropped_late_writes_; }

  // Keys of the two key spaces, exposed for tests and tools.
  static std::string DataKey(absl::string_view key, int64_t start_ms);
  static std::string IndexKey(absl::string_view key, int64_t start_ms);

 protected:
  absl::Status ApplyRestored(rocksdb::WriteBatch* batch, absl::string_view key,
                             std::optional<absl::string_view> value) override;
  void OnCommit() override { committed_cutoff_ = pending_cutoff_; }
  void OnAbort() override { pending_cutoff_ = committed_cutoff_; }

 private:
  using StateStore::StateStore;

  // Expiry point as of the last commit and including buffered expiries; an abort rolls the
  // latter back so the aborted deletes are redone by the next ExpireBefore.
  int64_t committed_cutoff_ = std::numeric_limits<int64_t>::min();
  int64_t pending_cutoff_ = std::numeric_limits<int64_t>::min();
  uint64_t dropped_late_writes_ = 0;
};

}  // namespace skein::state
