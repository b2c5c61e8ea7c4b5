#include "skein/state/window_store.h"

#include "absl/strings/str_cat.h"
#include "rocks_status.h"
#include "skein/common/status.h"
#include "skein/state/encoding.h"
#include "slice.h"

namespace skein::state {
namespace {

constexpr char kDataSpace = 'd';
constexpr char kIndexSpace = 't';

// Changelog key OB(key) I64(start) -> (encoded key, start); false when malformed.
bool SplitChangelogKey(absl::string_view in, absl::string_view* encoded_key, int64_t* start) {
  return encoding::SkipOrderedBytes(&in, encoded_key) && encoding::ConsumeInt64(&in, start) &&
         in.empty();
}

std::string DataKeyFromEncoded(absl::string_view encoded_key, int64_t start) {
  std::string k(1, kDataSpace);
  k.append(encoded_key.data(), encoded_key.size());
  encoding::AppendInt64(&k, start);
  return k;
}

std::string IndexKeyFromEncoded(absl::string_view encoded_key, int64_t start) {
  std::string k(1, kIndexSpace);
  encoding::AppendInt64(&k, start);
  k.append(encoded_key.data(), encoded_key.size());
  return k;
}

absl::Status Malformed(absl::string_view what, absl::string_view store) {
  return absl::DataLossError(absl::StrCat("malformed ", what, " in window store ", store));
}

}  // namespace

std::string WindowStore::DataKey(absl::string_view key, int64_t start_ms) {
  std::string k(1, kDataSpace);
  encoding::AppendOrderedBytes(&k, key);
  encoding::AppendInt64(&k, start_ms);
  return k;
}

std::string WindowStore::IndexKey(absl::string_view key, int64_t start_ms) {
  std::string k(1, kIndexSpace);
  encoding::AppendInt64(&k, start_ms);
  encoding::AppendOrderedBytes(&k, key);
  return k;
}

absl::StatusOr<std::unique_ptr<WindowStore>> WindowStore::Open(StateTransaction* txn,
                                                               const StoreId& id) {
  SKEIN_ASSIGN_OR_RETURN(rocksdb::ColumnFamilyHandle * cf, AttachColumnFamily(txn, id));
  std::unique_ptr<WindowStore> store(new WindowStore(txn, id, cf));
  // Resume retention where the last committed expiry left it, so late writes stay dropped
  // after a restart and the next expiry scan starts past the old tombstones.
  SKEIN_ASSIGN_OR_RETURN(int64_t cutoff, store->LoadExpiryCutoff());
  store->committed_cutoff_ = store->pending_cutoff_ = cutoff;
  return store;
}

absl::Status WindowStore::Put(absl::string_view key, int64_t window_start_ms,
                              absl::string_view value) {
  if (window_start_ms < pending_cutoff_) {
    ++dropped_late_writes_;
    return absl::OkStatus();
  }
  SKEIN_RETURN_IF_ERROR(BufferPut(DataKey(key, window_start_ms), value));
  SKEIN_RETURN_IF_ERROR(BufferPut(IndexKey(key, window_start_ms), absl::string_view()));
  std::string changelog_key;
  encoding::AppendOrderedBytes(&changelog_key, key);
  encoding::AppendInt64(&changelog_key, window_start_ms);
  return Log(changelog_key, value);
}

absl::StatusOr<std::optional<std::string>> WindowStore::Get(absl::string_view key,
                                                            int64_t window_start_ms) {
  return Read(DataKey(key, window_start_ms));
}

absl::Status WindowStore::Delete(absl::string_view key, int64_t window_start_ms) {
  SKEIN_RETURN_IF_ERROR(BufferDelete(DataKey(key, window_start_ms)));
  SKEIN_RETURN_IF_ERROR(BufferDelete(IndexKey(key, window_start_ms)));
  std::string changelog_key;
  encoding::AppendOrderedBytes(&changelog_key, key);
  encoding::AppendInt64(&changelog_key, window_start_ms);
  return Log(changelog_key, std::nullopt);
}

absl::StatusOr<std::vector<WindowEntry>> WindowStore::Fetch(absl::string_view key,
                                                            int64_t time_from_ms,
                                                            int64_t time_to_ms) {
  std::vector<WindowEntry> out;
  if (time_from_ms > time_to_ms) return out;
  auto it = Scan(DataKey(key, time_from_ms), encoding::PrefixSuccessor(DataKey(key, time_to_ms)));
  for (; it->Valid(); it->Next()) {
    absl::string_view k = it->key();
    int64_t start = 0;
    // The key part is known; only the start needs decoding, from the last 8 bytes.
    if (k.size() < encoding::kInt64Size) return Malformed("data key", column_family_name());
    k.remove_prefix(k.size() - encoding::kInt64Size);
    if (!encoding::ConsumeInt64(&k, &start)) return Malformed("data key", column_family_name());
    out.push_back(WindowEntry{std::string(key), start, std::string(it->value())});
  }
  SKEIN_RETURN_IF_ERROR(it->status());
  return out;
}

absl::StatusOr<std::vector<WindowEntry>> WindowStore::FetchAll(int64_t time_from_ms,
                                                               int64_t time_to_ms) {
  std::vector<WindowEntry> out;
  if (time_from_ms > time_to_ms) return out;
  std::string lower(1, kIndexSpace);
  encoding::AppendInt64(&lower, time_from_ms);
  std::string last(1, kIndexSpace);
  encoding::AppendInt64(&last, time_to_ms);
  auto it = Scan(std::move(lower), encoding::PrefixSuccessor(last));
  for (; it->Valid(); it->Next()) {
    absl::string_view k = it->key();
    k.remove_prefix(1);
    WindowEntry entry;
    if (!encoding::ConsumeInt64(&k, &entry.start_ms) ||
        !encoding::ConsumeOrderedBytes(&k, &entry.key) || !k.empty()) {
      return Malformed("index key", column_family_name());
    }
    out.push_back(std::move(entry));
  }
  SKEIN_RETURN_IF_ERROR(it->status());
  it.reset();
  for (WindowEntry& entry : out) {
    SKEIN_ASSIGN_OR_RETURN(std::optional<std::string> value, Get(entry.key, entry.start_ms));
    if (!value.has_value()) return Malformed("index entry without data", column_family_name());
    entry.value = std::move(*value);
  }
  return out;
}

absl::Status WindowStore::ExpireBefore(int64_t cutoff_ms) {
  if (cutoff_ms <= pending_cutoff_) return absl::OkStatus();
  std::string lower(1, kIndexSpace);
  encoding::AppendInt64(&lower, pending_cutoff_);
  std::string upper(1, kIndexSpace);
  encoding::AppendInt64(&upper, cutoff_ms);
  // Collect first: buffering deletes while the batch+DB iterator is open would invalidate it.
  std::vector<std::string> expired;
  auto it = Scan(std::move(lower), std::move(upper));
  for (; it->Valid(); it->Next()) expired.emplace_back(it->key());
  SKEIN_RETURN_IF_ERROR(it->status());
  it.reset();
  for (const std::string& index_key : expired) {
    absl::string_view k(index_key);
    k.remove_prefix(1);
    int64_t start = 0;
    absl::string_view encoded_key;
    if (!encoding::ConsumeInt64(&k, &start) || !encoding::SkipOrderedBytes(&k, &encoded_key) ||
        !k.empty()) {
      return Malformed("index key", column_family_name());
    }
    SKEIN_RETURN_IF_ERROR(BufferDelete(DataKeyFromEncoded(encoded_key, start)));
    SKEIN_RETURN_IF_ERROR(BufferDelete(index_key));
  }
  SKEIN_RETURN_IF_ERROR(BufferExpiryCutoff(cutoff_ms));
  pending_cutoff_ = cutoff_ms;
  return absl::OkStatus();
}

absl::Status WindowStore::ApplyRestored(rocksdb::WriteBatch* batch, absl::string_view key,
                                        std::optional<absl::string_view> value) {
  absl::string_view encoded_key;
  int64_t start = 0;
  if (!SplitChangelogKey(key, &encoded_key, &start)) {
    return Malformed("changelog key", column_family_name());
  }
  const std::string data_key = DataKeyFromEncoded(encoded_key, start);
  const std::string index_key = IndexKeyFromEncoded(encoded_key, start);
  rocksdb::Status s;
  if (value.has_value() && start >= pending_cutoff_) {
    s = batch->Put(cf(), data_key, ToSlice(*value));
    if (s.ok()) s = batch->Put(cf(), index_key, rocksdb::Slice());
  } else {
    // A tombstone, or a window this store already expired (writing it would leak: expiry
    // never scans below its previous cutoff again).
    s = batch->Delete(cf(), data_key);
    if (s.ok()) s = batch->Delete(cf(), index_key);
  }
  return FromRocks(s, "buffering a restored window");
}

}  // namespace skein::state
