#include "skein/state/key_value_store.h"

#include "absl/strings/str_cat.h"
#include "rocks_status.h"
#include "skein/common/status.h"
#include "skein/state/encoding.h"
#include "slice.h"

namespace skein::state {
namespace {

absl::StatusOr<uint64_t> IntProperty(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                                     const std::string& property) {
  uint64_t value = 0;
  if (!db->GetIntProperty(cf, property, &value)) {
    return absl::InternalError(
        absl::StrCat("RocksDB property ", property, " unavailable for ", cf->GetName()));
  }
  return value;
}

}  // namespace

absl::StatusOr<std::unique_ptr<KeyValueStore>> KeyValueStore::Open(StateTransaction* txn,
                                                                   const StoreId& id) {
  SKEIN_ASSIGN_OR_RETURN(rocksdb::ColumnFamilyHandle * cf, AttachColumnFamily(txn, id));
  return std::unique_ptr<KeyValueStore>(new KeyValueStore(txn, id, cf));
}

absl::Status KeyValueStore::Put(absl::string_view key, absl::string_view value) {
  SKEIN_RETURN_IF_ERROR(BufferPut(key, value));
  return Log(key, value);
}

absl::Status KeyValueStore::Delete(absl::string_view key) {
  SKEIN_RETURN_IF_ERROR(BufferDelete(key));
  return Log(key, std::nullopt);
}

std::unique_ptr<RawIterator> KeyValueStore::Range(absl::string_view from,
                                                  absl::string_view to) const {
  return Scan(std::string(from), std::string(to));
}

std::unique_ptr<RawIterator> KeyValueStore::PrefixScan(absl::string_view prefix) const {
  return Scan(std::string(prefix), encoding::PrefixSuccessor(prefix));
}

std::unique_ptr<RawIterator> KeyValueStore::All() const {
  return Scan(std::string(), std::nullopt);
}

absl::StatusOr<uint64_t> KeyValueStore::ApproximateSizeBytes() const {
  SKEIN_ASSIGN_OR_RETURN(uint64_t live, IntProperty(db(), cf(), "rocksdb.estimate-live-data-size"));
  SKEIN_ASSIGN_OR_RETURN(uint64_t mem, IntProperty(db(), cf(), "rocksdb.cur-size-all-mem-tables"));
  return live + mem;
}

absl::StatusOr<uint64_t> KeyValueStore::ApproximateCount() const {
  return IntProperty(db(), cf(), "rocksdb.estimate-num-keys");
}

absl::Status KeyValueStore::ApplyRestored(rocksdb::WriteBatch* batch, absl::string_view key,
                                          std::optional<absl::string_view> value) {
  rocksdb::Status s = value.has_value() ? batch->Put(cf(), ToSlice(key), ToSlice(*value))
                                        : batch->Delete(cf(), ToSlice(key));
  return FromRocks(s, "buffering a restored record");
}

}  // namespace skein::state
