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

// One session of one key as read from a SessionStore; start and end are inclusive event times.
struct SessionEntry {
  std::string key;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string value;

  friend bool operator==(const SessionEntry&, const SessionEntry&) = default;
};

// Stores values per (key, session [start, end]) for session-window aggregates, with retention
// by session end.
//
// Layout (one column family; OB = encoding::AppendOrderedBytes, I64 = encoding::AppendInt64):
//   'd' OB(key) I64(end) I64(start) -> value   data; per key in end order, so the sessions
//                                               that can overlap a new record start at a seek
//   't' I64(end) OB(key) I64(start) -> ""      time index for expiry (see WindowStore for why
//                                               an index rather than segments)
//   'm/expired-before' -> I64(cutoff)          the committed expiry point, reloaded by Open()
// The changelog key of a write is OB(key) I64(end) I64(start). Expiry is not logged.
//
// Owned by the task's operator; used only from the task's worker thread.
class SessionStore : public StateStore {
 public:
  // Same contract as WindowStore::Open.
  static absl::StatusOr<std::unique_ptr<SessionStore>> Open(StateTransaction* txn,
                                                            const StoreId& id);

  // Writes the session. INVALID_ARGUMENT when start > end. A session that already expired
  // (end < expired_before()) is not stored and is counted in dropped_late_writes().
  absl::Status Put(absl::string_view key, int64_t start_ms, int64_t end_ms,
                   absl::string_view value);
  absl::Status Remove(absl::string_view key, int64_t start_ms, int64_t end_ms);
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key, int64_t start_ms,
                                                 int64_t end_ms);

  // Sessions of `key` with end >= earliest_session_end and start <= latest_session_start, by
  // end. Session merging for a record at t with gap g asks for (t - g, t + g): every session
  // that the record would extend or bridge.
  absl::StatusOr<std::vector<SessionEntry>> FindSessions(absl::string_view key,
                                                         int64_t earliest_session_end_ms,
                                                         int64_t latest_session_start_ms);

  // Drops every session with end < cutoff_ms. Same contract as WindowStore::ExpireBefore.
  absl::Status ExpireBefore(int64_t cutoff_ms);

  int64_t expired_before() const { return pending_cutoff_; }
  uint64_t dropped_late_writes() const { return dropped_late_writes_; }

 protected:
  absl::Status ApplyRestored(rocksdb::WriteBatch* batch, absl::string_view key,
                             std::optional<absl::string_view> value) override;
  void OnCommit() override { committed_cutoff_ = pending_cutoff_; }
  void OnAbort() override { pending_cutoff_ = committed_cutoff_; }

 private:
  using StateStore::StateStore;

  int64_t committed_cutoff_ = std::numeric_limits<int64_t>::min();
  int64_t pending_cutoff_ = std::numeric_limits<int64_t>::min();
  uint64_t dropped_late_writes_ = 0;
};

}  // namespace skein::state
