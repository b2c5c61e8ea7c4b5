#include "skein/state/state_transaction.h"

#include "absl/strings/str_cat.h"
#include "rocks_status.h"
#include "skein/common/status.h"
#include "skein/state/encoding.h"
#include "skein/state/state_store.h"
#include "slice.h"

namespace skein::state {

StateTransaction::StateTransaction(TenantStateDb* db, ChangelogSink* sink, Options options)
    : db_(db),
      sink_(sink),
      // overwrite_key: the index keeps only the latest write per key, which is what reads
      // through the buffer (GetFromBatchAndDB, iterators with a base) need.
      batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true, options.max_buffer_bytes) {
  SKEIN_CHECK(db_ != nullptr);
}

StateTransaction::~StateTransaction() {
  // A store outliving its transaction would write into freed memory.
  SKEIN_CHECK(stores_.empty());
}

absl::Status StateTransaction::Put(rocksdb::ColumnFamilyHandle* cf, absl::string_view key,
                                   absl::string_view value) {
  return FromRocks(batch_.Put(cf, ToSlice(key), ToSlice(value)), "buffering a state write");
}

absl::Status StateTransaction::Delete(rocksdb::ColumnFamilyHandle* cf, absl::string_view key) {
  return FromRocks(batch_.Delete(cf, ToSlice(key)), "buffering a state delete");
}

absl::StatusOr<std::optional<std::string>> StateTransaction::Get(rocksdb::ColumnFamilyHandle* cf,
                                                                 absl::string_view key) {
  std::string value;
  rocksdb::Status s =
      batch_.GetFromBatchAndDB(db_->db(), rocksdb::ReadOptions(), cf, ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading state of ", cf->GetName()));
  return std::optional<std::string>(std::move(value));
}

std::unique_ptr<rocksdb::Iterator> StateTransaction::NewIterator(rocksdb::ColumnFamilyHandle* cf,
                                                                 const rocksdb::ReadOptions& ro) {
  return std::unique_ptr<rocksdb::Iterator>(
      batch_.NewIteratorWithBase(cf, db_->db()->NewIterator(ro, cf), &ro));
}

absl::Status StateTransaction::Log(const StoreId& store, absl::string_view key,
                                   std::optional<absl::string_view> value) {
  if (sink_ == nullptr) return absl::OkStatus();
  return sink_->Append(store, key, value);
}

absl::Status StateTransaction::Commit(const ChangelogOffsets& offsets) {
  // Validate everything before touching the batch, so a rejected commit leaves it unchanged.
  for (const auto& [name, offset] : offsets) {
    if (!db_->HasColumnFamily(name)) {
      return absl::FailedPreconditionError(
          absl::StrCat("commit names store ", name, " which is not attached in tenant ",
                       db_->tenant(), ": attach it before committing its changelog offset"));
    }
  }
  for (const auto& [name, offset] : offsets) {
    SKEIN_RETURN_IF_ERROR(FromRocks(
        batch_.Put(db_->db()->DefaultColumnFamily(), TenantStateDb::ChangelogOffsetKey(name),
                   encoding::EncodeInt64(offset)),
        "buffering a changelog offset"));
  }
  rocksdb::WriteOptions wo = db_->write_options();
  SKEIN_RETURN_IF_ERROR(FromRocks(db_->db()->Write(wo, batch_.GetWriteBatch()),
                                  absl::StrCat("committing state of tenant ", db_->tenant())));
  batch_.Clear();
  for (StateStore* store : stores_) store->OnCommit();
  return absl::OkStatus();
}

void StateTransaction::Abort() {
  batch_.Clear();
  for (StateStore* store : stores_) store->OnAbort();
}

size_t StateTransaction::BufferedBytes() const { return batch_.GetDataSize(); }

uint32_t StateTransaction::BufferedWrites() const {
  // GetWriteBatch() is non-const in RocksDB's API although it only exposes the batch.
  return const_cast<rocksdb::WriteBatchWithIndex&>(batch_).GetWriteBatch()->Count();
}

void StateTransaction::Register(StateStore* store) { stores_.insert(store); }

void StateTransaction::Unregister(StateStore* store) { stores_.erase(store); }

}  // namespace skein::state
