#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/write_batch_with_index.h"
#include "skein/state/store_id.h"
#include "skein/state/tenant_state_db.h"

namespace skein::state {

class StateStore;

// Receives every buffered store write as a changelog record, so the executor can produce it
// to the store's changelog topic inside the same Kafka transaction as the task's output.
// Implemented by the executor; called on the task's worker thread, synchronously, once per
// write and in write order. A non-OK return fails the store write; the task must then abort.
class ChangelogSink {
 public:
  virtual ~ChangelogSink() = default;
  // `key` is the store's changelog key (KeyValueStore: the user key; WindowStore and
  // SessionStore: documented there); `value` is nullopt for a tombstone. The views are valid
  // only during the call.
  virtual absl::Status Append(const StoreId& store, absl::string_view key,
                              std::optional<absl::string_view> value) = 0;
};

// Changelog offsets to record at commit: column family name (StoreId::ColumnFamilyName()) ->
// the changelog position (next offset to consume) that the committed state reflects.
using ChangelogOffsets = absl::flat_hash_map<std::string, int64_t>;

// The write buffer of one task: every write of every store of the task is buffered here (a
// RocksDB WriteBatchWithIndex) and is readable by the task immediately, but reaches RocksDB
// only at Commit(), atomically with the changelog offset each store then reflects. So local
// state never runs ahead of what the Kafka transaction committed, and a restart restores only
// the changelog tail after the recorded offset.
//
// Protocol (DESIGN "State and exactly-once"): process records (stores write here and the sink
// forwards each write to the producer) -> commit the Kafka transaction -> Commit(offsets).
// If the Kafka transaction aborts, call Abort() and reprocess from the committed input offsets.
//
// Owned by the task; used only from the worker thread that owns the task (no locks). Stores
// bound to it must be destroyed before it. Per tenant (bound to one TenantStateDb).
class StateTransaction {
 public:
  struct Options {
    // Upper bound of buffered bytes; a write beyond it fails with RESOURCE_EXHAUSTED so the
    // executor commits early. 0 means unlimited.
    size_t max_buffer_bytes = 0;
  };

  // `db` must outlive the transaction; `sink` may be null (no changelog, e.g. in tests or for
  // stores without logging) and must otherwise outlive it too.
  StateTransaction(TenantStateDb* db, ChangelogSink* sink, Options options);
  StateTransaction(TenantStateDb* db, ChangelogSink* sink)
      : StateTransaction(db, sink, Options()) {}
  StateTransaction(const StateTransaction&) = delete;
  StateTransaction& operator=(const StateTransaction&) = delete;
  ~StateTransaction();

  // Writes the buffer and, in the same atomic RocksDB write, each entry of `offsets` as the
  // changelog position of its store; then empties the buffer. FAILED_PRECONDITION when an
  // offset names a column family that is not attached; RocksDB failures as FromRocks maps them
  // (the buffer is kept; the caller should Abort() and restore). Committing an empty buffer
  // with offsets is valid (records the position only).
  absl::Status Commit(const ChangelogOffsets& offsets);

  // Drops every buffered write. Records already handed to the sink are the caller's to
  // discard (by aborting the Kafka transaction).
  void Abort();

  // Bytes (including RocksDB's small fixed batch header) and number of writes currently
  // buffered, for commit-early heuristics.
  size_t BufferedBytes() const;
  uint32_t BufferedWrites() const;

  TenantStateDb* db() const { return db_; }

 private:
  friend class StateStore;

  // Used by StateStore on behalf of its subclasses.
  absl::Status Put(rocksdb::ColumnFamilyHandle* cf, absl::string_view key, absl::string_view value);
  absl::Status Delete(rocksdb::ColumnFamilyHandle* cf, absl::string_view key);
  absl::StatusOr<std::optional<std::string>> Get(rocksdb::ColumnFamilyHandle* cf,
                                                 absl::string_view key);
  // Iterator over buffer + DB; `ro` carries bounds and must outlive the iterator.
  std::unique_ptr<rocksdb::Iterator> NewIterator(rocksdb::ColumnFamilyHandle* cf,
                                                 const rocksdb::ReadOptions& ro);
  absl::Status Log(const StoreId& store, absl::string_view key,
                   std::optional<absl::string_view> value);

  void Register(StateStore* store);
  void Unregister(StateStore* store);

  TenantStateDb* const db_;
  ChangelogSink* const sink_;
  rocksdb::WriteBatchWithIndex batch_;
  absl::flat_hash_set<StateStore*> stores_;
};

}  // namespace skein::state
