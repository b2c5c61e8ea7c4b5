// GROUP BY aggregation over the task's RocksDB stores: per-group states in a KeyValueStore
// (unwindowed), a WindowStore (TUMBLING, HOPPING) or a SessionStore (SESSION); the previous
// row of each input key for table aggregation (retraction); a KeyValueStore buffering results
// for EMIT FINAL. Semantics follow Kafka Streams' KStreamAggregate / KTableAggregate /
// KStreamWindowAggregate / KStreamSessionWindowAggregate and the final-results suppression, with
// record caching off: every update is emitted.

#include "aggregate_operator.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "aggregators.h"
#include "skein/common/status.h"
#include "skein/state/encoding.h"
#include "skein/state/key_value_store.h"
#include "skein/state/session_store.h"
#include "skein/state/window_store.h"
#include "value_codec.h"

namespace skein::runtime::internal {
namespace {

using types::Value;
using WindowKind = skein::v1::AggregateWindow::Kind;

// One stored aggregate: the timestamp of its latest update and one state per call.
struct AggState {
  int64_t timestamp = 0;
  std::vector<Value> states;
};

std::string EncodeState(const AggState& s) {
  std::string out;
  EncodeValue(Value::Bigint(s.timestamp), &out);
  EncodeValue(Value::Array(s.states), &out);
  return out;
}

bool DecodeState(std::string_view in, size_t calls, AggState* s) {
  Value ts, states;
  if (!DecodeValue(&in, &ts) || !DecodeValue(&in, &states) ||
      ts.kind() != types::TypeKind::kBigint || states.kind() != types::TypeKind::kArray ||
      states.items().size() != calls) {
    return false;
  }
  s->timestamp = ts.bigint();
  s->states.assign(states.items().begin(), states.items().end());
  return true;
}

// t - d without overflow below INT64_MIN.
int64_t Before(int64_t t, int64_t d) {
  return t < std::numeric_limits<int64_t>::min() + d ? std::numeric_limits<int64_t>::min() : t - d;
}

class AggregateOperator final : public RowOperator, public AggregateStateReader {
 public:
  struct Call {
    std::string name;
    std::unique_ptr<Aggregator> agg;
    std::vector<CompiledExpr> args;
    std::vector<CompiledExpr> undo_args;  // changelog input: the retracted row's arguments
  };

  AggregateOperator(OperatorContext* ctx, RowSchema output)
      : ctx_(ctx), output_(std::move(output)) {}

  absl::Status Init(const skein::v1::AggregateOp& op, const RowSchema& input) {
    const int width = static_cast<int>(input.columns.size());
    for (const auto& k : op.group_keys()) {
      SKEIN_ASSIGN_OR_RETURN(CompiledExpr c, CompiledExpr::Compile(k, width));
      keys_.push_back(std::move(c));
    }
    for (const auto& c : op.calls()) {
      AggregatorSpec spec;
      spec.function = c.function();
      Call call;
      call.name = c.function();
      for (const auto& a : c.args()) {
        SKEIN_ASSIGN_OR_RETURN(CompiledExpr e, CompiledExpr::Compile(a, width));
        spec.arg_types.push_back(e.type());
        call.args.push_back(std::move(e));
      }
      for (const auto& a : c.undo_args()) {
        SKEIN_ASSIGN_OR_RETURN(CompiledExpr e, CompiledExpr::Compile(a, width));
        call.undo_args.push_back(std::move(e));
      }
      SKEIN_ASSIGN_OR_RETURN(spec.return_type, FromProto(c.return_type()));
      for (const auto& p : c.params()) {
        types::SqlType t = types::SqlType::Bigint();
        if (p.value_case() == skein::v1::Literal::kBoolValue) t = types::SqlType::Boolean();
        if (p.value_case() == skein::v1::Literal::kIntValue) t = types::SqlType::Integer();
        SKEIN_ASSIGN_OR_RETURN(Value v, LiteralValue(p, t));
        spec.params.push_back(std::move(v));
      }
      SKEIN_ASSIGN_OR_RETURN(call.agg, MakeAggregator(spec));
      if ((op.input_is_table() || op.changelog_input()) && !SupportsUndo(spec.function)) {
        return absl::InvalidArgumentError(
            absl::StrCat("plan: ", spec.function, " cannot aggregate a table"));
      }
      calls_.push_back(std::move(call));
    }
    const size_t expected = keys_.size() + calls_.size() + 1 + (op.has_window() ? 2 : 0);
    if (output_.columns.size() != expected) {
      return absl::InvalidArgumentError(
          "plan: aggregate output must be the keys, one column per call, ROWTIME and the window "
          "bounds");
    }
    if (op.has_having()) {
      SKEIN_ASSIGN_OR_RETURN(CompiledExpr h,
                             CompiledExpr::Compile(op.having(), static_cast<int>(expected)));
      having_ = std::move(h);
    }
    windowed_ = op.has_window();
    window_ = op.window();
    if (windowed_ && window_.kind() != skein::v1::AggregateWindow::KIND_SESSION) {
      if (window_.size_ms() <= 0)
        return absl::InvalidArgumentError("plan: window size must be > 0");
      if (window_.kind() == skein::v1::AggregateWindow::KIND_TUMBLING) {
        window_.set_advance_ms(window_.size_ms());
      }
      if (window_.advance_ms() <= 0 || window_.advance_ms() > window_.size_ms()) {
        return absl::InvalidArgumentError("plan: window advance must be in (0, size]");
      }
    }
    table_ = op.input_is_table();
    changelog_ = op.changelog_input();
    if (changelog_ && (keys_.size() >= input.columns.size() || windowed_)) {
      return absl::InvalidArgumentError("plan: bad changelog aggregate input");
    }
    emit_final_ = op.emit_final();
    for (uint32_t k : op.input_key_columns()) {
      if (k >= input.columns.size()) return absl::InvalidArgumentError("plan: bad input key");
      input_keys_.push_back(static_cast<int>(k));
    }
    return absl::OkStatus();
  }

  void Process(RowBatch* batch) override {
    RowBatch out;
    if (absl::Status s = OpenStores(); !s.ok()) {
      ctx_->fatal = s;
      batch->clear();
      return;
    }
    for (RowRecord& row : *batch) {
      absl::Status s = changelog_ ? ProcessChangeRow(row, &out)
                       : table_   ? ProcessTableRow(row, &out)
                                  : ProcessStreamRow(row, &out);
      if (!s.ok()) {
        // Store failures are not the record's fault: stop the task so it restarts from the
        // last commit.
        ctx_->fatal = s;
        break;
      }
    }
    if (absl::Status s = SaveClocks(); !s.ok() && ctx_->fatal.ok()) ctx_->fatal = s;
    batch->swap(out);
  }

  const RowSchema& output_schema() const override { return output_; }

  absl::Status ReadGroups(const std::vector<Value>* key, int64_t from_ms, int64_t to_ms,
                          RowBatch* out) override {
    SKEIN_RETURN_IF_ERROR(OpenStores());
    // Appends the output row of one stored group; undecodable entries are skipped.
    auto add = [&](std::string_view key_bytes, std::string_view state, int64_t start, int64_t end) {
      Value k;
      AggState s;
      if (!DecodeValue(&key_bytes, &k) || k.kind() != types::TypeKind::kArray ||
          !DecodeState(state, calls_.size(), &s)) {
        return;
      }
      std::vector<Value> keys(k.items().begin(), k.items().end());
      RowRecord o = OutputRow(keys, &s, s.timestamp, RowRecord(), start, end);
      if (!o.value_null) out->push_back(std::move(o));
    };
    const std::string key_bytes = key != nullptr ? EncodeValue(Value::Array(*key)) : "";
    if (!windowed_) {
      if (key != nullptr) {
        SKEIN_ASSIGN_OR_RETURN(std::optional<std::string> bytes, kv_->Get(key_bytes));
        if (bytes) add(key_bytes, *bytes, 0, 0);
        return absl::OkStatus();
      }
      std::unique_ptr<state::RawIterator> it = kv_->All();
      for (; it->Valid(); it->Next()) {
        add(std::string_view(it->key().data(), it->key().size()),
            std::string_view(it->value().data(), it->value().size()), 0, 0);
      }
      return it->status();
    }
    if (window_.kind() == skein::v1::AggregateWindow::KIND_SESSION) {
      if (key == nullptr) {
        return absl::UnimplementedError(
            "pull queries over SESSION-windowed tables need the key: WHERE <key> = ...");
      }
      SKEIN_ASSIGN_OR_RETURN(
          std::vector<state::SessionEntry> sessions,
          sessions_->FindSessions(key_bytes, std::numeric_limits<int64_t>::min(), to_ms));
      for (const state::SessionEntry& e : sessions) {
        if (e.start_ms >= from_ms) add(key_bytes, e.value, e.start_ms, e.end_ms);
      }
      return absl::OkStatus();
    }
    std::vector<state::WindowEntry> windows;
    if (key != nullptr) {
      SKEIN_ASSIGN_OR_RETURN(windows, windows_->Fetch(key_bytes, from_ms, to_ms));
    } else {
      SKEIN_ASSIGN_OR_RETURN(windows, windows_->FetchAll(from_ms, to_ms));
    }
    for (const state::WindowEntry& e : windows) {
      add(e.key, e.value, e.start_ms, e.start_ms + window_.size_ms());
    }
    return absl::OkStatus();
  }

 private:
  absl::Status OpenStores() {
    if (opened_) return absl::OkStatus();
    SKEIN_ASSIGN_OR_RETURN(state::StateTransaction * txn, ctx_->State());
    if (!windowed_) {
      SKEIN_ASSIGN_OR_RETURN(kv_, state::KeyValueStore::Open(txn, ctx_->Store("aggregate")));
    } else if (window_.kind() == skein::v1::AggregateWindow::KIND_SESSION) {
      SKEIN_ASSIGN_OR_RETURN(sessions_, state::SessionStore::Open(txn, ctx_->Store("aggregate")));
    } else {
      SKEIN_ASSIGN_OR_RETURN(windows_, state::WindowStore::Open(txn, ctx_->Store("aggregate")));
    }
    if (table_) {
      SKEIN_ASSIGN_OR_RETURN(inputs_, state::KeyValueStore::Open(txn, ctx_->Store("input")));
    }
    if (emit_final_) {
      SKEIN_ASSIGN_OR_RETURN(suppress_, state::KeyValueStore::Open(txn, ctx_->Store("suppress")));
    }
    SKEIN_ASSIGN_OR_RETURN(meta_, state::KeyValueStore::Open(txn, ctx_->Store("aggregate-meta")));
    SKEIN_ASSIGN_OR_RETURN(std::optional<std::string> clocks, meta_->Get("clocks"));
    if (clocks) {
      // Restores the clocks committed with the state (a malformed value restarts them).
      std::string_view in = *clocks;
      Value v;
      if (DecodeValue(&in, &v) && v.kind() == types::TypeKind::kArray && v.items().size() == 4) {
        stream_time_ = v.items()[0].bigint();
        suppress_time_ = v.items()[1].bigint();
        last_emit_close_ = v.items()[2].bigint();
        next_seq_ = v.items()[3].bigint();
      }
    }
    saved_clocks_ = Clocks();
    opened_ = true;
    return absl::OkStatus();
  }

  // The operator's clocks (stream time, suppression time, last EMIT FINAL close, offset
  // sequence), stored beside the state so a restarted task continues where it committed.
  std::string Clocks() const {
    return EncodeValue(Value::Array({Value::Bigint(stream_time_), Value::Bigint(suppress_time_),
                                     Value::Bigint(last_emit_close_), Value::Bigint(next_seq_)}));
  }

  absl::Status SaveClocks() {
    if (meta_ == nullptr) return absl::OkStatus();
    std::string now = Clocks();
    if (now == saved_clocks_) return absl::OkStatus();
    SKEIN_RETURN_IF_ERROR(meta_->Put("clocks", now));
    saved_clocks_ = std::move(now);
    return absl::OkStatus();
  }

  // Evaluates `e`; a failure is logged and yields NULL.
  Value Eval(const CompiledExpr& e, const RowRecord& row) {
    ec_.row = row.values.data();
    ec_.ClearError();
    Value v = e.Eval(ec_);
    if (ec_.has_error()) {
      ctx_->metrics.expression_errors++;
      ctx_->Report(ProcessingLogEntry::Kind::kExpression,
                   absl::StrCat("Error computing expression ", e.text(), ": ", ec_.error()), "",
                   row);
    }
    return v;
  }

  // The group key of `row`; nullopt (logged) when a key is NULL: such rows are skipped.
  std::optional<std::vector<Value>> GroupKey(const RowRecord& row) {
    std::vector<Value> key;
    for (const CompiledExpr& k : keys_) {
      key.push_back(Eval(k, row));
      if (key.back().is_null()) {
        ctx_->metrics.filtered++;
        ctx_->Report(ProcessingLogEntry::Kind::kOther,
                     absl::StrCat("Group-by column with index ", key.size() - 1,
                                  " resolved to null. The source row will be excluded from the "
                                  "table."),
                     "", row);
        return std::nullopt;
      }
    }
    return key;
  }

  std::vector<std::vector<Value>> Args(const RowRecord& row) {
    std::vector<std::vector<Value>> args(calls_.size());
    for (size_t i = 0; i < calls_.size(); ++i) {
      for (const CompiledExpr& a : calls_[i].args) args[i].push_back(Eval(a, row));
    }
    return args;
  }

  AggState Initial() const {
    AggState s;
    s.timestamp = std::numeric_limits<int64_t>::min();
    for (const Call& c : calls_) s.states.push_back(c.agg->Init());
    return s;
  }

  // Adds (or, `undo`, retracts) one row's arguments into `s`. A failing aggregate (decimal
  // overflow) is logged and the record's contribution to it is skipped.
  void Apply(AggState* s, const std::vector<std::vector<Value>>& args, int64_t ts, bool undo,
             const RowRecord& row) {
    s->timestamp = std::max(s->timestamp, ts);
    const int64_t seq = next_seq_++;
    for (size_t i = 0; i < calls_.size(); ++i) {
      absl::StatusOr<Value> next = undo ? calls_[i].agg->Undo(s->states[i], args[i])
                                        : calls_[i].agg->Add(s->states[i], args[i], seq);
      if (!next.ok()) {
        // A UDAF failure stops the query, as the exception stops ksqlDB's stream thread.
        ctx_->metrics.expression_errors++;
        ctx_->Report(ProcessingLogEntry::Kind::kExpression, std::string(next.status().message()),
                     "", row);
        if (ctx_->fatal.ok()) {
          ctx_->fatal = absl::FailedPreconditionError(absl::StrCat(
              "Exception caught in process: ", calls_[i].name, ": ", next.status().message()));
        }
        continue;
      }
      s->states[i] = *std::move(next);
    }
  }

  // The output row of a group: keys, results, ROWTIME, window bounds; HAVING applied.
  RowRecord OutputRow(const std::vector<Value>& key, const AggState* s, int64_t ts,
                      const RowRecord& in, int64_t start, int64_t end) {
    RowRecord o;
    o.timestamp = ts;
    o.partition = in.partition;
    o.offset = in.offset;
    o.values.reserve(output_.columns.size());
    for (const Value& k : key) o.values.push_back(k);
    for (size_t i = 0; i < calls_.size(); ++i) {
      o.values.push_back(s ? calls_[i].agg->Result(s->states[i]) : Value::Null());
    }
    o.values.push_back(Value::Bigint(ts));
    if (windowed_) {
      o.values.push_back(Value::Bigint(start));
      o.values.push_back(Value::Bigint(end));
    }
    bool keep = s != nullptr;
    if (keep && having_) keep = IsTrue(Eval(*having_, o));
    if (!keep) {
      o.value_null = true;
      for (size_t i = 0; i < calls_.size(); ++i) o.values[key.size() + i] = Value::Null();
    }
    return o;
  }

  // Emits the new result of a group whose previous state was `old` (nullopt: new group). A
  // result HAVING rejects becomes a tombstone, and only when the previous result was emitted
  // (Kafka Streams' KTable filter with old values).
  void EmitRow(RowBatch* out, const std::vector<Value>& key, const std::optional<AggState>& old,
               const AggState& s, const RowRecord& row, int64_t start, int64_t end) {
    RowRecord o = OutputRow(key, &s, s.timestamp, row, start, end);
    if (o.value_null) {
      if (!old) return;
      RowRecord prev = OutputRow(key, &*old, old->timestamp, row, start, end);
      if (prev.value_null) return;
    }
    out->push_back(std::move(o));
  }

  // Reads a stored state; nullopt when absent (or unreadable, which restarts the group).
  std::optional<AggState> Decode(const std::optional<std::string>& bytes) const {
    if (!bytes) return std::nullopt;
    AggState s;
    if (!DecodeState(*bytes, calls_.size(), &s)) return std::nullopt;
    return s;
  }

  void Late(const RowRecord& row, int64_t start, int64_t end) {
    ctx_->metrics.late_records_dropped++;
    ctx_->Report(ProcessingLogEntry::Kind::kOther,
                 absl::StrCat("Skipping record for expired window. window=[", start, ",", end,
                              ") expiration=", Before(stream_time_, window_.grace_ms()),
                              " streamTime=", stream_time_),
                 "", row);
  }

  absl::Status ProcessStreamRow(const RowRecord& row, RowBatch* out) {
    stream_time_ = std::max(stream_time_, row.timestamp);
    ctx_->stream_time = std::max(ctx_->stream_time, stream_time_);
    if (row.value_null) return absl::OkStatus();  // null stream values are not aggregated
    std::optional<std::vector<Value>> key = GroupKey(row);
    if (!key) return absl::OkStatus();
    const std::string key_bytes = EncodeValue(Value::Array(*key));
    const auto args = Args(row);
    if (!windowed_) {
      SKEIN_ASSIGN_OR_RETURN(std::optional<std::string> bytes, kv_->Get(key_bytes));
      const std::optional<AggState> old = Decode(bytes);
      AggState s = old ? *old : Initial();
      Apply(&s, args, row.timestamp, false, row);
      SKEIN_RETURN_IF_ERROR(kv_->Put(key_bytes, EncodeState(s)));
      EmitRow(out, *key, old, s, row, 0, 0);
      return absl::OkStatus();
    }
    if (window_.kind() == skein::v1::AggregateWindow::KIND_SESSION) {
      return ProcessSession(row, *key, key_bytes, args, out);
    }
    // TUMBLING / HOPPING: every window [start, start + size) containing the record, by start.
    const int64_t ts = row.timestamp, size = window_.size_ms(), advance = window_.advance_ms();
    int64_t start = std::max<int64_t>(0, ts - size + advance) / advance * advance;
    for (; start <= ts; start += advance) {
      const int64_t end = start + size;
      if (end <= Before(stream_time_, window_.grace_ms())) {
        Late(row, start, end);
        continue;
      }
      SKEIN_ASSIGN_OR_RETURN(std::optional<std::string> bytes, windows_->Get(key_bytes, start));
      const std::optional<AggState> old = Decode(bytes);
      AggState s = old ? *old : Initial();
      Apply(&s, args, ts, false, row);
      SKEIN_RETURN_IF_ERROR(windows_->Put(key_bytes, start, EncodeState(s)));
      if (!emit_final_) EmitRow(out, *key, old, s, row, start, end);
    }
    const int64_t retention = std::max(window_.retention_ms(), size + window_.grace_ms());
    SKEIN_RETURN_IF_ERROR(windows_->ExpireBefore(Before(stream_time_, retention)));
    return emit_final_ ? EmitClosedWindows(out) : absl::OkStatus();
  }

  // EMIT FINAL over TUMBLING/HOPPING windows, as Kafka Streams' on-window-close emit strategy:
  // when the close time (stream time - grace) advances, every stored window (retention
  // applied) whose start lies in [max(0, last close - size), close - size] is emitted once.
  absl::Status EmitClosedWindows(RowBatch* out) {
    const int64_t close = Before(stream_time_, window_.grace_ms());
    if (last_emit_close_ != std::numeric_limits<int64_t>::min() && close <= last_emit_close_) {
      return absl::OkStatus();
    }
    const int64_t upper = Before(close, window_.size_ms());
    if (upper < 0) return absl::OkStatus();
    const int64_t lower = last_emit_close_ == std::numeric_limits<int64_t>::min()
                              ? 0
                              : std::max<int64_t>(0, last_emit_close_ - window_.size_ms());
    if (lower <= upper) {
      SKEIN_ASSIGN_OR_RETURN(std::vector<state::WindowEntry> closed,
                             windows_->FetchAll(lower, upper));
      for (const state::WindowEntry& e : closed) {
        std::string_view k = e.key;
        Value key;
        const std::optional<AggState> s = Decode(e.value);
        if (!DecodeValue(&k, &key) || key.kind() != types::TypeKind::kArray || !s) continue;
        std::vector<Value> keys(key.items().begin(), key.items().end());
        RowRecord o = OutputRow(keys, &*s, s->timestamp, RowRecord(), e.start_ms,
                                e.start_ms + window_.size_ms());
        if (!o.value_null) out->push_back(std::move(o));
      }
    }
    last_emit_close_ = close;
    return absl::OkStatus();
  }

  absl::Status ProcessSession(const RowRecord& row, const std::vector<Value>& key,
                              const std::string& key_bytes,
                              const std::vector<std::vector<Value>>& args, RowBatch* out) {
    const int64_t ts = row.timestamp, gap = window_.size_ms();
    SKEIN_ASSIGN_OR_RETURN(std::vector<state::SessionEntry> found,
                           sessions_->FindSessions(key_bytes, ts - gap, ts + gap));
    AggState s = Initial();
    int64_t start = ts, end = ts;
    for (const state::SessionEntry& e : found) {
      AggState other;
      if (!DecodeState(e.value, calls_.size(), &other)) continue;
      for (size_t i = 0; i < calls_.size(); ++i) {
        s.states[i] = calls_[i].agg->Merge(s.states[i], other.states[i]);
      }
      s.timestamp = std::max(s.timestamp, other.timestamp);
      start = std::min(start, e.start_ms);
      end = std::max(end, e.end_ms);
    }
    // A session closes once stream time passes its end + gap + grace (Kafka Streams).
    if (end < Before(stream_time_, gap + window_.grace_ms())) {
      Late(row, start, end);
      return absl::OkStatus();
    }
    const bool merged = !(start == ts && end == ts);
    if (merged) {
      for (const state::SessionEntry& e : found) {
        SKEIN_RETURN_IF_ERROR(sessions_->Remove(key_bytes, e.start_ms, e.end_ms));
        if (emit_final_) {
          SKEIN_RETURN_IF_ERROR(suppress_->Delete(SuppressKey(key_bytes, e.start_ms, e.end_ms)));
        } else {
          out->push_back(OutputRow(key, nullptr, e.end_ms, row, e.start_ms, e.end_ms));
        }
      }
    }
    Apply(&s, args, ts, false, row);
    SKEIN_RETURN_IF_ERROR(sessions_->Put(key_bytes, start, end, EncodeState(s)));
    AggState emitted = s;
    emitted.timestamp = end;
    SKEIN_RETURN_IF_ERROR(Emit(key, key_bytes, emitted, row, start, end, out));
    const int64_t retention = std::max(window_.retention_ms(), gap + window_.grace_ms());
    SKEIN_RETURN_IF_ERROR(sessions_->ExpireBefore(Before(stream_time_, retention)));
    return FlushSuppressed(out);
  }

  // Emits a windowed update, or buffers it until the window closes (EMIT FINAL).
  absl::Status Emit(const std::vector<Value>& key, const std::string& key_bytes, const AggState& s,
                    const RowRecord& row, int64_t start, int64_t end, RowBatch* out) {
    if (!emit_final_) {
      EmitRow(out, key, std::nullopt, s, row, start, end);
      return absl::OkStatus();
    }
    suppress_time_ = std::max(suppress_time_, s.timestamp);
    std::string v;
    EncodeValue(Value::Array(key), &v);
    v += EncodeState(s);
    return suppress_->Put(SuppressKey(key_bytes, start, end), v);
  }

  static std::string SuppressKey(const std::string& key_bytes, int64_t start, int64_t end) {
    std::string k;
    state::encoding::AppendInt64(&k, end);
    state::encoding::AppendInt64(&k, start);
    state::encoding::AppendOrderedBytes(&k, key_bytes);
    return k;
  }

  // EMIT FINAL: emits, in window-end order, every buffered window whose end + grace has been
  // reached by the stream time of the updates seen.
  absl::Status FlushSuppressed(RowBatch* out) {
    if (!emit_final_) return absl::OkStatus();
    std::vector<std::string> done;
    {
      std::unique_ptr<state::RawIterator> it = suppress_->All();
      for (; it->Valid(); it->Next()) {
        absl::string_view k = it->key();
        int64_t end = 0, start = 0;
        if (!state::encoding::ConsumeInt64(&k, &end) ||
            !state::encoding::ConsumeInt64(&k, &start)) {
          done.emplace_back(it->key().data(), it->key().size());
          continue;
        }
        if (end >= Before(suppress_time_, window_.size_ms() + window_.grace_ms())) break;
        done.emplace_back(it->key().data(), it->key().size());
        std::string_view v(it->value().data(), it->value().size());
        Value key;
        AggState s;
        if (!DecodeValue(&v, &key) || key.kind() != types::TypeKind::kArray ||
            !DecodeState(v, calls_.size(), &s)) {
          continue;
        }
        std::vector<Value> keys(key.items().begin(), key.items().end());
        RowRecord o = OutputRow(keys, &s, s.timestamp, RowRecord(), start, end);
        if (!o.value_null) out->push_back(std::move(o));
      }
      SKEIN_RETURN_IF_ERROR(it->status());
    }
    for (const std::string& k : done) SKEIN_RETURN_IF_ERROR(suppress_->Delete(k));
    return absl::OkStatus();
  }

  // Changelog input (from GroupByChangeOp): CHANGE 0 adds the new arguments to the group, 1
  // retracts the old ones, 2 does both as one update.
  absl::Status ProcessChangeRow(const RowRecord& row, RowBatch* out) {
    stream_time_ = std::max(stream_time_, row.timestamp);
    ctx_->stream_time = std::max(ctx_->stream_time, stream_time_);
    const Value& change = row.values[keys_.size()];
    if (row.value_null || change.kind() != types::TypeKind::kInteger) return absl::OkStatus();
    std::optional<std::vector<Value>> key = GroupKey(row);
    if (!key) return absl::OkStatus();
    const std::string key_bytes = EncodeValue(Value::Array(*key));
    SKEIN_ASSIGN_OR_RETURN(std::optional<std::string> bytes, kv_->Get(key_bytes));
    const std::optional<AggState> old = Decode(bytes);
    AggState s = old ? *old : Initial();
    const int32_t kind = change.integer();
    if (kind == 1 || kind == 2) {
      if (!old) return absl::OkStatus();  // nothing to retract from
      std::vector<std::vector<Value>> undo(calls_.size());
      for (size_t i = 0; i < calls_.size(); ++i) {
        for (const CompiledExpr& a : calls_[i].undo_args) undo[i].push_back(Eval(a, row));
      }
      Apply(&s, undo, row.timestamp, true, row);
    }
    if (kind == 0 || kind == 2) Apply(&s, Args(row), row.timestamp, false, row);
    SKEIN_RETURN_IF_ERROR(kv_->Put(key_bytes, EncodeState(s)));
    EmitRow(out, *key, old, s, row, 0, 0);
    return absl::OkStatus();
  }

  // Table input: the previous row of the input key is retracted from its group, then the new
  // row (unless a tombstone) is added to its group; each touched group emits its new result.
  absl::Status ProcessTableRow(const RowRecord& row, RowBatch* out) {
    stream_time_ = std::max(stream_time_, row.timestamp);
    ctx_->stream_time = std::max(ctx_->stream_time, stream_time_);
    std::vector<Value> in_key;
    for (int k : input_keys_) in_key.push_back(row.values[static_cast<size_t>(k)]);
    const std::string in_key_bytes = EncodeValue(Value::Array(in_key));
    SKEIN_ASSIGN_OR_RETURN(std::optional<std::string> previous, inputs_->Get(in_key_bytes));
    // The new row's group and arguments (none for a tombstone or a NULL group key).
    std::optional<std::vector<Value>> key;
    std::vector<std::vector<Value>> args;
    std::string key_bytes;
    if (!row.value_null) {
      key = GroupKey(row);
      if (key) {
        args = Args(row);
        key_bytes = EncodeValue(Value::Array(*key));
      }
    }
    bool same_group = false;
    if (previous) {
      std::string_view p = *previous;
      Value old_key, old_args;
      if (DecodeValue(&p, &old_key) && DecodeValue(&p, &old_args) &&
          old_args.items().size() == calls_.size()) {
        std::vector<std::vector<Value>> undo;
        for (const Value& a : old_args.items()) {
          undo.emplace_back(a.items().begin(), a.items().end());
        }
        const std::string old_bytes = EncodeValue(old_key);
        same_group = key.has_value() && old_bytes == key_bytes;
        SKEIN_ASSIGN_OR_RETURN(std::optional<std::string> bytes, kv_->Get(old_bytes));
        const std::optional<AggState> old = Decode(bytes);
        if (old) {
          AggState s = *old;
          Apply(&s, undo, row.timestamp, true, row);
          if (same_group) Apply(&s, args, row.timestamp, false, row);
          SKEIN_RETURN_IF_ERROR(kv_->Put(old_bytes, EncodeState(s)));
          std::vector<Value> keys(old_key.items().begin(), old_key.items().end());
          EmitRow(out, keys, old, s, row, 0, 0);
        } else {
          same_group = false;
        }
      }
      SKEIN_RETURN_IF_ERROR(inputs_->Delete(in_key_bytes));
    }
    if (!key) return absl::OkStatus();
    if (!same_group) {
      SKEIN_ASSIGN_OR_RETURN(std::optional<std::string> bytes, kv_->Get(key_bytes));
      const std::optional<AggState> old = Decode(bytes);
      AggState s = old ? *old : Initial();
      Apply(&s, args, row.timestamp, false, row);
      SKEIN_RETURN_IF_ERROR(kv_->Put(key_bytes, EncodeState(s)));
      EmitRow(out, *key, old, s, row, 0, 0);
    }
    std::vector<Value> stored_args;
    for (const auto& a : args) stored_args.push_back(Value::Array(a));
    std::string entry = EncodeValue(Value::Array(*key));
    EncodeValue(Value::Array(std::move(stored_args)), &entry);
    return inputs_->Put(in_key_bytes, entry);
  }

  OperatorContext* ctx_;
  RowSchema output_;
  std::vector<CompiledExpr> keys_;
  std::vector<Call> calls_;
  std::optional<CompiledExpr> having_;
  bool windowed_ = false;
  skein::v1::AggregateWindow window_;
  bool table_ = false;
  bool changelog_ = false;
  bool emit_final_ = false;
  std::vector<int> input_keys_;
  EvalContext ec_;

  bool opened_ = false;
  std::unique_ptr<state::KeyValueStore> kv_, inputs_, suppress_, meta_;
  std::string saved_clocks_;
  std::unique_ptr<state::WindowStore> windows_;
  std::unique_ptr<state::SessionStore> sessions_;
  // Kafka Streams' observed stream time of the aggregate (including the record in process),
  // and of the suppression buffer (the timestamps of the updates it received).
  int64_t stream_time_ = std::numeric_limits<int64_t>::min();
  int64_t suppress_time_ = std::numeric_limits<int64_t>::min();
  int64_t next_seq_ = 0;
  // EMIT FINAL over time windows: the close time of the last emission (INT64_MIN: none yet).
  int64_t last_emit_close_ = std::numeric_limits<int64_t>::min();
};

}  // namespace

absl::StatusOr<std::unique_ptr<RowOperator>> MakeAggregateOperator(const skein::v1::AggregateOp& op,
                                                                   const RowSchema& input,
                                                                   OperatorContext* ctx) {
  SKEIN_ASSIGN_OR_RETURN(RowSchema output, FromProto(op.output()));
  auto agg = std::make_unique<AggregateOperator>(ctx, std::move(output));
  SKEIN_RETURN_IF_ERROR(agg->Init(op, input));
  return std::unique_ptr<RowOperator>(std::move(agg));
}

absl::StatusOr<std::unique_ptr<AggregateStateReader>> MakeAggregateStateReader(
    const skein::v1::AggregateOp& op, const RowSchema& input, OperatorContext* ctx) {
  SKEIN_ASSIGN_OR_RETURN(RowSchema output, FromProto(op.output()));
  auto agg = std::make_unique<AggregateOperator>(ctx, std::move(output));
  SKEIN_RETURN_IF_ERROR(agg->Init(op, input));
  return std::unique_ptr<AggregateStateReader>(std::move(agg));
}

}  // namespace skein::runtime::internal
