#include "skein/state/state_store.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "rocks_status.h"
#include "skein/common/status.h"
#include "skein/state/encoding.h"
#include "slice.h"

namespace skein::state {

RawIterator::RawIterator(std::string lower, std::optional<std::string> upper)
    : lower_(std::move(lower)), upper_(std::move(upper)) {
  lower_slice_ = ToSlice(lower_);
  read_options_.iterate_lower_bound = &lower_slice_;
  if (upper_.has_value()) {
    upper_slice_ = ToSlice(*upper_);
    read_options_.iterate_upper_bound = &upper_slice_;
  }
}

bool RawIterator::Valid() const {
  if (!it_->Valid()) return false;
  // The buffered side of a batch+DB iterator may not apply the bounds in every RocksDB
  // version, so the upper bound is enforced here as well.
  return !upper_.has_value() || it_->key().compare(upper_slice_) < 0;
}

absl::string_view RawIterator::key() const { return ToView(it_->key()); }
absl::string_view RawIterator::value() const { return ToView(it_->value()); }
void RawIterator::Next() { it_->Next(); }
absl::Status RawIterator::status() const { return FromRocks(it_->status(), "scanning state"); }

StateStore::StateStore(StateTransaction* txn, StoreId id, rocksdb::ColumnFamilyHandle* cf)
    : txn_(txn), id_(std::move(id)), cf_name_(id_.ColumnFamilyName()), cf_(cf) {
  SKEIN_CHECK(txn_ != nullptr && cf_ != nullptr);
  txn_->Register(this);
}

StateStore::~StateStore() { txn_->Unregister(this); }

absl::StatusOr<rocksdb::ColumnFamilyHandle*> StateStore::AttachColumnFamily(StateTransaction* txn,
                                                                            const StoreId& id) {
  SKEIN_CHECK(txn != nullptr);
  return txn->db()->Attach(id);
}

std::unique_ptr<RawIterator> StateStore::Scan(std::string lower,
                                              std::optional<std::string> upper) const {
  std::unique_ptr<RawIterator> it(new RawIterator(std::move(lower), std::move(upper)));
  it->it_ = txn_->NewIterator(cf_, it->read_options_);
  it->it_->Seek(it->lower_slice_);
  return it;
}

absl::Status StateStore::RestoreBatch(absl::Span<const ChangelogRecord> records,
                                      int64_t next_offset) {
  if (txn_->BufferedWrites() > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("restoring ", cf_name_,
                     " while its task has uncommitted writes: restore before processing"));
  }
  rocksdb::WriteBatch batch;
  for (const ChangelogRecord& record : records) {
    std::optional<absl::string_view> value;
    if (record.value.has_value()) value = absl::string_view(*record.value);
    SKEIN_RETURN_IF_ERROR(ApplyRestored(&batch, record.key, value));
  }
  SKEIN_RETURN_IF_ERROR(
      FromRocks(batch.Put(db()->DefaultColumnFamily(), TenantStateDb::ChangelogOffsetKey(cf_name_),
                          encoding::EncodeInt64(next_offset)),
                "buffering a changelog offset"));
  return FromRocks(db()->Write(txn_->db()->write_options(), &batch),
                   absl::StrCat("restoring ", cf_name_));
}

namespace {
constexpr absl::string_view kExpiryCutoffKey = "m/expired-before";
}  // namespace

absl::StatusOr<int64_t> StateStore::LoadExpiryCutoff() {
  SKEIN_ASSIGN_OR_RETURN(std::optional<std::string> value, Read(kExpiryCutoffKey));
  if (!value.has_value()) return std::numeric_limits<int64_t>::min();
  std::optional<int64_t> cutoff = encoding::DecodeInt64(*value);
  if (!cutoff.has_value()) {
    return absl::DataLossError(absl::StrCat("malformed expiry point in store ", cf_name_));
  }
  return *cutoff;
}

absl::Status StateStore::BufferExpiryCutoff(int64_t cutoff_ms) {
  return BufferPut(kExpiryCutoffKey, encoding::EncodeInt64(cutoff_ms));
}

absl::StatusOr<std::optional<int64_t>> StateStore::ChangelogOffset() const {
  return txn_->db()->ChangelogOffset(cf_name_);
}

}  // namespace skein::state
