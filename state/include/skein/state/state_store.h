#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "rocksdb/db.h"
#include "skein/state/state_transaction.h"
#include "skein/state/store_id.h"

namespace skein::state {

// One record read back from a store's changelog topic during restore.
struct ChangelogRecord {
  std::string key;
  std::optional<std::string> value;  // nullopt: tombstone
};

// Forward iterator over raw (key, value) entries of one column family as the owning task sees
// them (buffered writes merged over RocksDB), within [lower, upper). Owned by the caller; same
// thread as the store. Do not write through the same transaction while it is open: buffered
// writes may invalidate its current entry. Not movable (RocksDB holds pointers to the bounds).
class RawIterator {
 public:
  RawIterator(const RawIterator&) = delete;
  RawIterator& operator=(const RawIterator&) = delete;

  bool Valid() const;
  absl::string_view key() const;
  absl::string_view value() const;
  void Next();
  // Non-OK when the scan stopped on an error rather than at its end.
  absl::Status status() const;

 private:
  friend class StateStore;
  RawIterator(std::string lower, std::optional<std::string> upper);

  std::string lower_;
  std::optional<std::string> upper_;
  rocksdb::Slice lower_slice_;
  rocksdb::Slice upper_slice_;
  rocksdb::ReadOptions read_options_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Base of the stores: binds one column family (one (task, store)) to the task's transaction,
// emits changelog records, restores from the changelog and tracks commit/abort for stores that
// keep in-memory state about their buffered writes.
//
// Owned by the task (the operator holding it); used only from the task's worker thread.
// Must be destroyed before its StateTransaction and before TenantStateDb::Drop of its id.
class StateStore {
 public:
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;
  virtual ~StateStore();

  const StoreId& id() const { return id_; }
  const std::string& column_family_name() const { return cf_name_; }

  // Applies changelog records straight to RocksDB (not through the transaction buffer) and
  // records `next_offset` (the offset after the last record read) as the store's changelog
  // position, atomically. For restoring a task before it processes, and for standbys.
  // FAILED_PRECONDITION when the transaction holds buffered writes; DATA_LOSS for a record
  // whose key this store cannot have written.
  absl::Status RestoreBatch(absl::Span<const ChangelogRecord> records, int64_t next_offset);

  // The changelog position the committed state of this store reflects, or nullopt.
  absl::StatusOr<std::optional<int64_t>> ChangelogOffset() const;

 protected:
  StateStore(StateTransaction* txn, StoreId id, rocksdb::ColumnFamilyHandle* cf);

  // Resolves (attaching if needed) the column family of `id` in the transaction's database.
  static absl::StatusOr<rocksdb::ColumnFamilyHandle*> AttachColumnFamily(StateTransaction* txn,
                                                                         const StoreId& id);

  // Buffered raw writes and reads of this store's column family.
  absl::Status BufferPut(absl::string_view key, absl::string_view value) {
    return txn_->Put(cf_, key, value);
  }
  absl::Status BufferDelete(absl::string_view key) { return txn_->Delete(cf_, key); }
  absl::StatusOr<std::optional<std::string>> Read(absl::string_view key) const {
    return txn_->Get(cf_, key);
  }
  // Entries in [lower, upper); nullopt upper means to the end of the column family.
  std::unique_ptr<RawIterator> Scan(std::string lower, std::optional<std::string> upper) const;
  // Forwards one record to the changelog sink.
  absl::Status Log(absl::string_view key, std::optional<absl::string_view> value) {
    return txn_->Log(id_, key, value);
  }

  // The retention point of a time-indexed store (window, session), kept in its own column
  // family under a key starting with 'm' (so only stores whose key spaces never start with 'm'
  // may use it) and written through the transaction, so it commits with the deletes it
  // summarises. LoadExpiryCutoff returns INT64_MIN when none was committed; DATA_LOSS when
  // the stored value is malformed.
  absl::StatusOr<int64_t> LoadExpiryCutoff();
  absl::Status BufferExpiryCutoff(int64_t cutoff_ms);

  // Translates one changelog record into raw writes on `batch` (this store's column family).
  // DATA_LOSS for a key this store cannot have written.
  virtual absl::Status ApplyRestored(rocksdb::WriteBatch* batch, absl::string_view key,
                                     std::optional<absl::string_view> value) = 0;
  // Called after the transaction committed or aborted, for stores caching buffered state.
  virtual void OnCommit() {}
  virtual void OnAbort() {}

  rocksdb::ColumnFamilyHandle* cf() const { return cf_; }
  rocksdb::DB* db() const { return txn_->db()->db(); }

 private:
  friend class StateTransaction;

  StateTransaction* const txn_;
  const StoreId id_;
  const std::string cf_name_;
  rocksdb::ColumnFamilyHandle* const cf_;
};

}  // namespace skein::state
