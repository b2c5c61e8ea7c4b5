#include "skein/state/session_store.h"

#include "absl/strings/str_cat.h"
#include "rocks_status.h"
#include "skein/common/status.h"
#include "skein/state/encoding.h"
#include "slice.h"

namespace skein::state {
namespace {

constexpr char kDataSpace = 'd';
constexpr char kIndexSpace = 't';

// The three encodings of one session, built from its already-encoded key.
struct SessionKeys {
  std::string data;
  std::string index;
  std::string changelog;
};

SessionKeys MakeKeys(absl::string_view encoded_key, int64_t start, int64_t end) {
  SessionKeys keys;
  keys.changelog.append(encoded_key.data(), encoded_key.size());
  encoding::AppendInt64(&keys.changelog, end);
  encoding::AppendInt64(&keys.changelog, start);
  keys.data = std::string(1, kDataSpace) + keys.changelog;
  keys.index.push_back(kIndexSpace);
  encoding::AppendInt64(&keys.index, end);
  keys.index.append(encoded_key.data(), encoded_key.size());
  encoding::AppendInt64(&keys.index, start);
  return keys;
}

SessionKeys MakeKeysForUserKey(absl::string_view key, int64_t start, int64_t end) {
  std::string encoded;
  encoding::AppendOrderedBytes(&encoded, key);
  return MakeKeys(encoded, start, end);
}

absl::Status Malformed(absl::string_view what, absl::string_view store) {
  return absl::DataLossError(absl::StrCat("malformed ", what, " in session store ", store));
}

}  // namespace

absl::StatusOr<std::unique_ptr<SessionStore>> SessionStore::Open(StateTransaction* txn,
                                                                 const StoreId& id) {
  SKEIN_ASSIGN_OR_RETURN(rocksdb::ColumnFamilyHandle * cf, AttachColumnFamily(txn, id));
  std::unique_ptr<SessionStore> store(new SessionStore(txn, id, cf));
  // Resume retention where the last committed expiry left it, so late writes stay dropped
  // after a restart and the next expiry scan starts past the old tombstones.
  SKEIN_ASSIGN_OR_RETURN(int64_t cutoff, store->LoadExpiryCutoff());
  store->committed_cutoff_ = store->pending_cutoff_ = cutoff;
  return store;
}

absl::Status SessionStore::Put(absl::string_view key, int64_t start_ms, int64_t end_ms,
                               absl::string_view value) {
  if (start_ms > end_ms) {
    return absl::InvalidArgumentError(
        absl::StrCat("session start ", start_ms, " is after its end ", end_ms));
  }
  if (end_ms < pending_cutoff_) {
    ++dropped_late_writes_;
    return absl::OkStatus();
  }
  const SessionKeys keys = MakeKeysForUserKey(key, start_ms, end_ms);
  SKEIN_RETURN_IF_ERROR(BufferPut(keys.data, value));
  SKEIN_RETURN_IF_ERROR(BufferPut(keys.index, absl::string_view()));
  return Log(keys.changelog, value);
}

absl::Status SessionStore::Remove(absl::string_view key, int64_t start_ms, int64_t end_ms) {
  const SessionKeys keys = MakeKeysForUserKey(key, start_ms, end_ms);
  SKEIN_RETURN_IF_ERROR(BufferDelete(keys.data));
  SKEIN_RETURN_IF_ERROR(BufferDelete(keys.index));
  return Log(keys.changelog, std::nullopt);
}

absl::StatusOr<std::optional<std::string>> SessionStore::Get(absl::string_view key,
                                                             int64_t start_ms, int64_t end_ms) {
  return Read(MakeKeysForUserKey(key, start_ms, end_ms).data);
}

absl::StatusOr<std::vector<SessionEntry>> SessionStore::FindSessions(
    absl::string_view key, int64_t earliest_session_end_ms, int64_t latest_session_start_ms) {
  std::vector<SessionEntry> out;
  std::string prefix(1, kDataSpace);
  encoding::AppendOrderedBytes(&prefix, key);
  std::string lower = prefix;
  encoding::AppendInt64(&lower, earliest_session_end_ms);
  // Sessions are ordered by end, and any later-ending session may still start early enough,
  // so the scan runs to the end of the key. Merged sessions of one key do not overlap and
  // retention bounds their number, so this is the few most recent sessions in practice.
  auto it = Scan(std::move(lower), encoding::PrefixSuccessor(prefix));
  for (; it->Valid(); it->Next()) {
    absl::string_view k = it->key();
    k.remove_prefix(prefix.size());
    int64_t end = 0;
    int64_t start = 0;
    if (!encoding::ConsumeInt64(&k, &end) || !encoding::ConsumeInt64(&k, &start) || !k.empty()) {
      return Malformed("data key", column_family_name());
    }
    if (start > latest_session_start_ms) continue;
    out.push_back(SessionEntry{std::string(key), start, end, std::string(it->value())});
  }
  SKEIN_RETURN_IF_ERROR(it->status());
  return out;
}

absl::Status SessionStore::ExpireBefore(int64_t cutoff_ms) {
  if (cutoff_ms <= pending_cutoff_) return absl::OkStatus();
  std::string lower(1, kIndexSpace);
  encoding::AppendInt64(&lower, pending_cutoff_);
  std::string upper(1, kIndexSpace);
  encoding::AppendInt64(&upper, cutoff_ms);
  std::vector<std::string> expired;  // collected first: writes would invalidate the iterator
  auto it = Scan(std::move(lower), std::move(upper));
  for (; it->Valid(); it->Next()) expired.emplace_back(it->key());
  SKEIN_RETURN_IF_ERROR(it->status());
  it.reset();
  for (const std::string& index_key : expired) {
    absl::string_view k(index_key);
    k.remove_prefix(1);
    int64_t end = 0;
    int64_t start = 0;
    absl::string_view encoded_key;
    if (!encoding::ConsumeInt64(&k, &end) || !encoding::SkipOrderedBytes(&k, &encoded_key) ||
        !encoding::ConsumeInt64(&k, &start) || !k.empty()) {
      return Malformed("index key", column_family_name());
    }
    SKEIN_RETURN_IF_ERROR(BufferDelete(MakeKeys(encoded_key, start, end).data));
    SKEIN_RETURN_IF_ERROR(BufferDelete(index_key));
  }
  SKEIN_RETURN_IF_ERROR(BufferExpiryCutoff(cutoff_ms));
  pending_cutoff_ = cutoff_ms;
  return absl::OkStatus();
}

absl::Status SessionStore::ApplyRestored(rocksdb::WriteBatch* batch, absl::string_view key,
                                         std::optional<absl::string_view> value) {
  absl::string_view in = key;
  absl::string_view encoded_key;
  int64_t end = 0;
  int64_t start = 0;
  if (!encoding::SkipOrderedBytes(&in, &encoded_key) || !encoding::ConsumeInt64(&in, &end) ||
      !encoding::ConsumeInt64(&in, &start) || !in.empty()) {
    return Malformed("changelog key", column_family_name());
  }
  const SessionKeys keys = MakeKeys(encoded_key, start, end);
  rocksdb::Status s;
  if (value.has_value() && end >= pending_cutoff_) {
    s = batch->Put(cf(), keys.data, ToSlice(*value));
    if (s.ok()) s = batch->Put(cf(), keys.index, rocksdb::Slice());
  } else {
    s = batch->Delete(cf(), keys.data);
    if (s.ok()) s = batch->Delete(cf(), keys.index);
  }
  return FromRocks(s, "buffering a restored session");
}

}  // namespace skein::state
