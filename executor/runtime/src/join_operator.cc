#include "join_operator.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "row_codec.h"
#include "skein/common/status.h"
#include "skein/state/key_value_store.h"
#include "skein/state/window_store.h"

namespace skein::runtime {

using internal::DecodeRows;
using internal::EncodeKey;
using internal::EncodeRows;
using types::Value;
using JoinKind = skein::v1::JoinOp::Kind;
using JoinType = skein::v1::JoinOp::Type;

namespace {

constexpr int64_t kDefaultGraceMs = 24LL * 60 * 60 * 1000;  // JoinWindows.of(): 24 hours
constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();

// Whether unmatched rows of a side are kept (with NULLs for the other side).
bool Preserves(JoinType type, bool left_side) {
  return type == skein::v1::JoinOp::TYPE_OUTER ||
         (left_side ? type == skein::v1::JoinOp::TYPE_LEFT : type == skein::v1::JoinOp::TYPE_RIGHT);
}

// Stream-stream join (KStream#join/leftJoin/outerJoin with JoinWindows). Each side's records
// are buffered per (key, timestamp) in a WindowStore with retention before + after + grace,
// expired by that side's own observed time, as Kafka Streams' segmented stores are. A record
// joins the other side's buffered records within the window and emits at once (timestamp: the
// later of the two). Unmatched records of a preserved side: without GRACE PERIOD they are
// emitted at once; with it they wait in an "outer" store until stream time passes the end of
// their window plus grace (emitted in (timestamp, side, key) order), unless a match arrives
// first — or are emitted at once when their window already closed.
class StreamStreamJoin final : public JoinOperator {
 public:
  void Process(bool left_side, RowBatch* in, RowBatch* out) override {
    if (!Open()) return;
    for (RowRecord& row : *in) {
      if (!ctx_->fatal.ok()) return;
      if (row.value_null) continue;  // Kafka Streams drops records with a null value
      Value key = KeyOf(left_side, row);
      if (key.is_null()) continue;  // ... and with a null key
      absl::Status st = ProcessOne(left_side, key, row, out);
      if (!st.ok()) Fail(st);
    }
  }

  bool Open() {
    if (left_store_ != nullptr) return true;
    absl::StatusOr<state::StateTransaction*> txn = ctx_->State();
    if (!txn.ok()) return Fail(txn.status());
    auto l = state::WindowStore::Open(*txn, ctx_->Store(op_.store_prefix() + "-L"));
    auto r = state::WindowStore::Open(*txn, ctx_->Store(op_.store_prefix() + "-R"));
    if (!l.ok()) return Fail(l.status());
    if (!r.ok()) return Fail(r.status());
    if (op_.has_grace() && op_.type() != skein::v1::JoinOp::TYPE_INNER) {
      auto o = state::WindowStore::Open(*txn, ctx_->Store(op_.store_prefix() + "-O"));
      if (!o.ok()) return Fail(o.status());
      outer_store_ = *std::move(o);
    }
    left_store_ = *std::move(l);
    right_store_ = *std::move(r);
    grace_ = op_.has_grace() ? op_.grace_ms() : kDefaultGraceMs;
    retention_ = op_.before_ms() + op_.after_ms() + grace_;
    return true;
  }

 private:
  // Appends `row` to the rows stored at (key, ts) of `store`.
  static absl::Status Append(state::WindowStore* store, const std::string& key, int64_t ts,
                             const RowRecord& row) {
    if (ts < store->expired_before()) return absl::OkStatus();  // late: not buffered
    std::vector<RowRecord> rows;
    SKEIN_ASSIGN_OR_RETURN(std::optional<std::string> existing, store->Get(key, ts));
    if (existing && !DecodeRows(*existing, &rows)) {
      return absl::DataLossError("join buffer: malformed stored rows");
    }
    rows.push_back(row);
    rows.back().headers = nullptr;
    return store->Put(key, ts, EncodeRows(rows));
  }

  absl::Status ProcessOne(bool left_side, const Value& key, const RowRecord& row, RowBatch* out) {
    const std::string kb = EncodeKey(key);
    const int64_t t = row.timestamp;
    state::WindowStore* own = left_side ? left_store_.get() : right_store_.get();
    state::WindowStore* other = left_side ? right_store_.get() : left_store_.get();
    int64_t& own_max = left_side ? left_max_ : right_max_;
    own_max = std::max(own_max, t);
    if (own_max > kMinTime + retention_) {
      SKEIN_RETURN_IF_ERROR(own->ExpireBefore(own_max - retention_ + 1));
    }
    SKEIN_RETURN_IF_ERROR(Append(own, kb, t, row));
    stream_time_ = std::max(stream_time_, t);
    if (outer_store_ != nullptr && t == stream_time_) SKEIN_RETURN_IF_ERROR(EmitClosed(out));

    // A left record at t matches right records in [t - before, t + after]; a right record
    // at t matches left records in [t - after, t + before].
    const int64_t lo = left_side ? op_.before_ms() : op_.after_ms();
    const int64_t hi = left_side ? op_.after_ms() : op_.before_ms();
    const int64_t from = std::max<int64_t>(0, t - lo);
    const int64_t to = std::max<int64_t>(0, t + hi);
    bool matched = false;
    SKEIN_ASSIGN_OR_RETURN(std::vector<state::WindowEntry> entries, other->Fetch(kb, from, to));
    std::vector<RowRecord> others;
    for (const state::WindowEntry& e : entries) {
      if (!DecodeRows(e.value, &others)) return absl::DataLossError("join buffer: malformed rows");
      for (const RowRecord& o : others) {
        matched = true;
        const int64_t ts = std::max(t, o.timestamp);
        out->push_back(left_side ? Joined(key, &row, &o, ts) : Joined(key, &o, &row, ts));
      }
      if (outer_store_ != nullptr) {
        SKEIN_RETURN_IF_ERROR(outer_store_->Delete(OuterKey(!left_side, kb), e.start_ms));
      }
    }
    if (matched || !Preserves(op_.type(), left_side)) return absl::OkStatus();
    if (outer_store_ == nullptr || to < stream_time_) {
      out->push_back(left_side ? Joined(key, &row, nullptr, t) : Joined(key, nullptr, &row, t));
      return absl::OkStatus();
    }
    return Append(outer_store_.get(), OuterKey(left_side, kb), t, row);
  }

  // Outer-store keys sort right side (0) before left side (1) at one timestamp, as Kafka
  // Streams' TimestampedKeyAndJoinSide does.
  static std::string OuterKey(bool left_side, const std::string& kb) {
    return absl::StrCat(left_side ? "\x01" : std::string(1, '\0'), kb);
  }

  // Emits the buffered unmatched records whose window (plus grace) has closed.
  absl::Status EmitClosed(RowBatch* out) {
    const int64_t min_look = std::min(op_.before_ms(), op_.after_ms());
    const int64_t upto = stream_time_ - min_look - grace_ - 1;
    if (upto < 0 && stream_time_ < min_look + grace_) return absl::OkStatus();
    SKEIN_ASSIGN_OR_RETURN(std::vector<state::WindowEntry> entries,
                           outer_store_->FetchAll(kMinTime, upto));
    std::vector<RowRecord> rows;
    for (const state::WindowEntry& e : entries) {
      if (e.key.empty()) continue;
      const bool left_side = e.key[0] == '\x01';
      const int64_t look = left_side ? op_.after_ms() : op_.before_ms();
      if (e.start_ms + look + grace_ >= stream_time_) continue;  // still open
      if (!DecodeRows(e.value, &rows)) return absl::DataLossError("join buffer: malformed rows");
      std::string_view kb(e.key);
      kb.remove_prefix(1);
      Value key;
      if (!internal::ConsumeValue(&kb, &key)) return absl::DataLossError("join buffer: bad key");
      for (const RowRecord& r : rows) {
        out->push_back(left_side ? Joined(key, &r, nullptr, e.start_ms)
                                 : Joined(key, nullptr, &r, e.start_ms));
      }
      SKEIN_RETURN_IF_ERROR(outer_store_->Delete(e.key, e.start_ms));
    }
    return absl::OkStatus();
  }

  std::unique_ptr<state::WindowStore> left_store_, right_store_, outer_store_;
  int64_t grace_ = 0, retention_ = 0;
  int64_t left_max_ = kMinTime, right_max_ = kMinTime, stream_time_ = kMinTime;
};

// Stream-table join (KStream#join/leftJoin(KTable)): table rows (right) upsert or delete the
// materialized table and emit nothing; a stream row (left) joins the table's current value
// for its key, at the stream row's timestamp. INNER drops unmatched stream rows.
class StreamTableJoin final : public JoinOperator {
 public:
  void Process(bool left_side, RowBatch* in, RowBatch* out) override {
    if (!Open()) return;
    for (RowRecord& row : *in) {
      if (!ctx_->fatal.ok()) return;
      absl::Status st = left_side ? Stream(row, out) : Table(row);
      if (!st.ok()) Fail(st);
    }
  }

 private:
  bool Open() {
    if (table_ != nullptr) return true;
    absl::StatusOr<state::StateTransaction*> txn = ctx_->State();
    if (!txn.ok()) return Fail(txn.status());
    auto t = state::KeyValueStore::Open(*txn, ctx_->Store(op_.store_prefix() + "-T"));
    if (!t.ok()) return Fail(t.status());
    table_ = *std::move(t);
    return true;
  }

  absl::Status Table(const RowRecord& row) {
    Value key = KeyOf(false, row);
    if (key.is_null()) return absl::OkStatus();
    const std::string kb = EncodeKey(key);
    if (row.value_null) return table_->Delete(kb);
    std::string bytes;
    RowRecord copy = row;
    copy.headers = nullptr;
    internal::AppendRow(&bytes, copy);
    return table_->Put(kb, bytes);
  }

  absl::Status Stream(const RowRecord& row, RowBatch* out) {
    if (row.value_null) return absl::OkStatus();
    Value key = KeyOf(true, row);
    if (key.is_null()) return absl::OkStatus();
    SKEIN_ASSIGN_OR_RETURN(std::optional<std::string> stored, table_->Get(EncodeKey(key)));
    if (stored) {
      RowRecord r;
      std::string_view in(*stored);
      if (!internal::ConsumeRow(&in, &r)) return absl::DataLossError("join table: malformed row");
      out->push_back(Joined(key, &row, &r, row.timestamp));
    } else if (op_.type() == skein::v1::JoinOp::TYPE_LEFT) {
      out->push_back(Joined(key, &row, nullptr, row.timestamp));
    }
    return absl::OkStatus();
  }

  std::unique_ptr<state::KeyValueStore> table_;
};

// Table-table join (KTable#join/leftJoin/outerJoin, no record cache): both sides are
// materialized; an update of either side (a tombstone included) joins the other side's current
// value and emits the new result row, or a tombstone when the result row no longer exists.
// Nothing is emitted when the other side has no row and the updated side is not preserved (or
// neither its old nor its new value exist). Timestamp: the later of the two rows.
// Foreign-key joins (op.foreign_key): the left key expression computes the right table's key
// from a left row; results are keyed by the left table's key, and right updates re-join every
// left row referencing them (found through an index store).
class TableTableJoin final : public JoinOperator {
 public:
  void Process(bool left_side, RowBatch* in, RowBatch* out) override {
    if (!Open()) return;
    for (RowRecord& row : *in) {
      if (!ctx_->fatal.ok()) return;
      absl::Status st =
          op_.foreign_key() ? ForeignKey(left_side, row, out) : Update(left_side, row, out);
      if (!st.ok()) Fail(st);
    }
  }

 private:
  bool Open() {
    if (left_ != nullptr) return true;
    absl::StatusOr<state::StateTransaction*> txn = ctx_->State();
    if (!txn.ok()) return Fail(txn.status());
    auto l = state::KeyValueStore::Open(*txn, ctx_->Store(op_.store_prefix() + "-L"));
    auto r = state::KeyValueStore::Open(*txn, ctx_->Store(op_.store_prefix() + "-R"));
    if (!l.ok()) return Fail(l.status());
    if (!r.ok()) return Fail(r.status());
    if (op_.foreign_key()) {
      auto i = state::KeyValueStore::Open(*txn, ctx_->Store(op_.store_prefix() + "-FK"));
      if (!i.ok()) return Fail(i.status());
      index_ = *std::move(i);
    }
    left_ = *std::move(l);
    right_ = *std::move(r);
    return true;
  }

  static absl::StatusOr<std::optional<RowRecord>> Load(state::KeyValueStore* store,
                                                       const std::string& kb) {
    SKEIN_ASSIGN_OR_RETURN(std::optional<std::string> bytes, store->Get(kb));
    if (!bytes) return std::optional<RowRecord>();
    RowRecord r;
    std::string_view in(*bytes);
    if (!internal::ConsumeRow(&in, &r)) return absl::DataLossError("join table: malformed row");
    return std::optional<RowRecord>(std::move(r));
  }

  static absl::Status Save(state::KeyValueStore* store, const std::string& kb,
                           const RowRecord& row) {
    if (row.value_null) return store->Delete(kb);
    RowRecord copy = row;
    copy.headers = nullptr;
    std::string bytes;
    internal::AppendRow(&bytes, copy);
    return store->Put(kb, bytes);
  }

  // The result of an update of side `left_side` to `row` (old value `old`) against the other
  // side's current row `other`.
  void Emit(bool left_side, const Value& key, const RowRecord& row, bool had_old,
            const std::optional<RowRecord>& other, RowBatch* out) {
    const bool keep_self = Preserves(op_.type(), left_side);
    const bool keep_other = Preserves(op_.type(), !left_side);
    if (!other && (!keep_self || (row.value_null && !had_old))) return;
    const int64_t ts = other ? std::max(row.timestamp, other->timestamp) : row.timestamp;
    const RowRecord* o = other ? &*other : nullptr;
    if (!row.value_null) {
      out->push_back(left_side ? Joined(key, &row, o, ts) : Joined(key, o, &row, ts));
    } else if (o != nullptr && keep_other) {
      out->push_back(left_side ? Joined(key, nullptr, o, ts) : Joined(key, o, nullptr, ts));
    } else {
      out->push_back(Tombstone(key, ts));
    }
  }

  absl::Status Update(bool left_side, const RowRecord& row, RowBatch* out) {
    Value key = KeyOf(left_side, row);
    if (key.is_null()) return absl::OkStatus();
    const std::string kb = EncodeKey(key);
    state::KeyValueStore* own = left_side ? left_.get() : right_.get();
    state::KeyValueStore* other = left_side ? right_.get() : left_.get();
    SKEIN_ASSIGN_OR_RETURN(std::optional<RowRecord> old, Load(own, kb));
    SKEIN_RETURN_IF_ERROR(Save(own, kb, row));
    SKEIN_ASSIGN_OR_RETURN(std::optional<RowRecord> o, Load(other, kb));
    if (filter_ != nullptr) {
      EmitFiltered(left_side, key, row, old, o, out);
    } else {
      Emit(left_side, key, row, old.has_value(), o, out);
    }
    return absl::OkStatus();
  }

  // The join's result row for `key` given each side's row (null: none), if the join type
  // keeps a row for that combination.
  std::optional<RowRecord> Result(const Value& key, const RowRecord* left, const RowRecord* right,
                                  int64_t ts) const {
    const bool exists = (left != nullptr && right != nullptr) ||
                        (left != nullptr && Preserves(op_.type(), true)) ||
                        (right != nullptr && Preserves(op_.type(), false));
    if (!exists) return std::nullopt;
    return Joined(key, left, right, ts);
  }

  bool Passes(const std::optional<RowRecord>& result) {
    if (!result) return false;
    ec_.row = result->values.data();
    ec_.ClearError();
    Value v = filter_->Eval(ec_);
    if (ec_.has_error()) {
      ctx_->metrics.expression_errors++;
      ctx_->Report(ProcessingLogEntry::Kind::kExpression,
                   absl::StrCat("Error computing expression ", filter_->text(), ": ", ec_.error()),
                   "", *result);
    }
    return IsTrue(v);
  }

  // With a WHERE filter: the new result if it passes, else a tombstone when the previous
  // result passed (so was emitted), else nothing.
  void EmitFiltered(bool left_side, const Value& key, const RowRecord& row,
                    const std::optional<RowRecord>& old, const std::optional<RowRecord>& other,
                    RowBatch* out) {
    const int64_t ts = other ? std::max(row.timestamp, other->timestamp) : row.timestamp;
    const RowRecord* o = other ? &*other : nullptr;
    const RowRecord* before = old && !old->value_null ? &*old : nullptr;
    const RowRecord* after = row.value_null ? nullptr : &row;
    std::optional<RowRecord> was =
        left_side ? Result(key, before, o, ts) : Result(key, o, before, ts);
    std::optional<RowRecord> now =
        left_side ? Result(key, after, o, ts) : Result(key, o, after, ts);
    if (Passes(now)) {
      out->push_back(*std::move(now));
    } else if (Passes(was)) {
      out->push_back(Tombstone(key, ts));
    }
  }

  // Foreign-key join. Left store: left key -> left row; index: fk ++ left key -> "";
  // right store: right key -> right row. The left key expression computes the foreign key
  // from a left row; results are keyed by the left table's key (its row's first column).
  absl::Status ForeignKey(bool left_side, const RowRecord& row, RowBatch* out) {
    if (!left_side) return ForeignKeyRight(row, out);
    const Value lkey = row.values.empty() ? Value() : row.values[0];
    if (lkey.is_null()) return absl::OkStatus();
    const std::string lkb = EncodeKey(lkey);
    SKEIN_ASSIGN_OR_RETURN(std::optional<RowRecord> old, Load(left_.get(), lkb));
    if (old) {
      Value old_fk = KeyOf(true, *old);
      if (!old_fk.is_null()) SKEIN_RETURN_IF_ERROR(index_->Delete(EncodeKey(old_fk) + lkb));
    }
    SKEIN_RETURN_IF_ERROR(Save(left_.get(), lkb, row));
    std::optional<RowRecord> match;
    if (!row.value_null) {
      Value fk = KeyOf(true, row);
      if (!fk.is_null()) {
        SKEIN_RETURN_IF_ERROR(index_->Put(EncodeKey(fk) + lkb, ""));
        SKEIN_ASSIGN_OR_RETURN(match, Load(right_.get(), EncodeKey(fk)));
      }
    }
    if (row.value_null) {
      if (old) out->push_back(Tombstone(lkey, row.timestamp));
    } else if (match) {
      out->push_back(Joined(lkey, &row, &*match, std::max(row.timestamp, match->timestamp)));
    } else if (op_.type() == skein::v1::JoinOp::TYPE_LEFT) {
      out->push_back(Joined(lkey, &row, nullptr, row.timestamp));
    } else if (old) {
      out->push_back(Tombstone(lkey, row.timestamp));
    }
    return absl::OkStatus();
  }

  // A right update re-joins every left row whose foreign key is the right row's key.
  absl::Status ForeignKeyRight(const RowRecord& row, RowBatch* out) {
    const Value rkey = KeyOf(false, row);
    if (rkey.is_null()) return absl::OkStatus();
    const std::string rkb = EncodeKey(rkey);
    SKEIN_RETURN_IF_ERROR(Save(right_.get(), rkb, row));
    std::vector<std::string> left_keys;
    {
      std::unique_ptr<state::RawIterator> it = index_->PrefixScan(rkb);
      for (; it->Valid(); it->Next()) {
        const absl::string_view k = it->key();
        left_keys.emplace_back(k.data() + rkb.size(), k.size() - rkb.size());
      }
      SKEIN_RETURN_IF_ERROR(it->status());
    }
    for (const std::string& lkb : left_keys) {
      SKEIN_ASSIGN_OR_RETURN(std::optional<RowRecord> l, Load(left_.get(), lkb));
      if (!l || l->values.empty()) continue;
      const Value lkey = l->values[0];
      const int64_t ts = std::max(row.timestamp, l->timestamp);
      if (!row.value_null) {
        out->push_back(Joined(lkey, &*l, &row, ts));
      } else if (op_.type() == skein::v1::JoinOp::TYPE_LEFT) {
        out->push_back(Joined(lkey, &*l, nullptr, ts));
      } else {
        out->push_back(Tombstone(lkey, ts));
      }
    }
    return absl::OkStatus();
  }

  std::unique_ptr<state::KeyValueStore> left_, right_, index_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<JoinOperator>> JoinOperator::Create(const skein::v1::JoinOp& op,
                                                                   const RowSchema& left,
                                                                   const RowSchema& right,
                                                                   OperatorContext* ctx) {
  std::unique_ptr<JoinOperator> j;
  switch (op.kind()) {
    case skein::v1::JoinOp::KIND_STREAM_STREAM:
      j = std::make_unique<StreamStreamJoin>();
      break;
    case skein::v1::JoinOp::KIND_STREAM_TABLE:
      j = std::make_unique<StreamTableJoin>();
      break;
    default:
      j = std::make_unique<TableTableJoin>();
      break;
  }
  j->ctx_ = ctx;
  j->op_ = op;
  j->left_width_ = left.columns.size();
  j->right_width_ = right.columns.size();
  SKEIN_ASSIGN_OR_RETURN(j->output_, FromProto(op.output()));
  if (j->output_.columns.size() != 1 + j->left_width_ + j->right_width_) {
    return absl::InvalidArgumentError(absl::StrCat("plan: join output has ",
                                                   j->output_.columns.size(), " columns, expected ",
                                                   1 + j->left_width_ + j->right_width_));
  }
  const int right_width = static_cast<int>(j->right_width_);
  SKEIN_ASSIGN_OR_RETURN(CompiledExpr lk,
                         CompiledExpr::Compile(op.left_key(), static_cast<int>(j->left_width_)));
  SKEIN_ASSIGN_OR_RETURN(CompiledExpr rk, CompiledExpr::Compile(op.right_key(), right_width));
  if (op.has_filter()) {
    SKEIN_ASSIGN_OR_RETURN(
        CompiledExpr f,
        CompiledExpr::Compile(op.filter(), static_cast<int>(j->output_.columns.size())));
    j->filter_ = std::make_unique<CompiledExpr>(std::move(f));
  }
  j->left_key_ = std::make_unique<CompiledExpr>(std::move(lk));
  j->right_key_ = std::make_unique<CompiledExpr>(std::move(rk));
  return j;
}

Value JoinOperator::KeyOf(bool left_side, const RowRecord& row) {
  ec_.row = row.values.data();
  ec_.ClearError();
  const CompiledExpr& e = left_side ? *left_key_ : *right_key_;
  Value v = e.Eval(ec_);
  if (ec_.has_error()) {
    ctx_->metrics.expression_errors++;
    ctx_->Report(ProcessingLogEntry::Kind::kExpression,
                 absl::StrCat("Error computing join key ", e.text(), ": ", ec_.error()), "", row);
    return Value();
  }
  return v;
}

RowRecord JoinOperator::Joined(const Value& key, const RowRecord* left, const RowRecord* right,
                               int64_t timestamp) const {
  RowRecord r;
  r.values.reserve(1 + left_width_ + right_width_);
  r.values.push_back(key);
  const RowRecord* any = left != nullptr ? left : right;
  auto append = [&](const RowRecord* side, size_t width) {
    for (size_t i = 0; i < width; ++i) {
      r.values.push_back(side != nullptr && i < side->values.size() ? side->values[i] : Value());
    }
  };
  append(left, left_width_);
  append(right, right_width_);
  r.timestamp = timestamp;
  if (any != nullptr) {
    r.partition = any->partition;
    r.offset = any->offset;
  }
  return r;
}

RowRecord JoinOperator::Tombstone(const Value& key, int64_t timestamp) const {
  RowRecord r;
  r.values.resize(1 + left_width_ + right_width_);
  r.values[0] = key;
  r.value_null = true;
  r.timestamp = timestamp;
  return r;
}

bool JoinOperator::Fail(const absl::Status& status) {
  if (ctx_->fatal.ok()) ctx_->fatal = Annotate(status, absl::StrCat("join ", op_.store_prefix()));
  return false;
}

}  // namespace skein::runtime
