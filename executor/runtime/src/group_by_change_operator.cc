// Table GROUP BY before the repartition (skein.v1.GroupByChangeOp): each table record becomes
// the group changes it causes — the retraction of the key's previous row from its group and the
// addition of the new row to its group (one combined change when the group stays the same), as
// Kafka Streams' KTable#groupBy sends (new, old) pairs through its repartition topic. The
// previous row of every key is kept in the task's KeyValueStore "group-by-input".

#include "absl/strings/str_cat.h"
#include "aggregate_operator.h"
#include "skein/common/status.h"
#include "skein/state/key_value_store.h"
#include "value_codec.h"

namespace skein::runtime::internal {
namespace {

using types::Value;

class GroupByChangeOperator final : public RowOperator {
 public:
  GroupByChangeOperator(OperatorContext* ctx, RowSchema output)
      : ctx_(ctx), output_(std::move(output)) {}

  absl::Status Init(const skein::v1::GroupByChangeOp& op, const RowSchema& input) {
    const int width = static_cast<int>(input.columns.size());
    for (const auto& k : op.group_keys()) {
      SKEIN_ASSIGN_OR_RETURN(CompiledExpr c, CompiledExpr::Compile(k, width));
      keys_.push_back(std::move(c));
    }
    for (const auto& a : op.args()) {
      SKEIN_ASSIGN_OR_RETURN(CompiledExpr c, CompiledExpr::Compile(a, width));
      args_.push_back(std::move(c));
    }
    for (uint32_t k : op.input_key_columns()) {
      if (k >= input.columns.size()) return absl::InvalidArgumentError("plan: bad input key");
      input_keys_.push_back(k);
    }
    if (output_.columns.size() != keys_.size() + 1 + 2 * args_.size() + 1) {
      return absl::InvalidArgumentError(
          "plan: group_by_change output must be the keys, CHANGE, new and old arguments and "
          "ROWTIME");
    }
    return absl::OkStatus();
  }

  void Process(RowBatch* batch) override {
    RowBatch out;
    if (store_ == nullptr) {
      absl::StatusOr<state::StateTransaction*> txn = ctx_->State();
      absl::StatusOr<std::unique_ptr<state::KeyValueStore>> store =
          txn.ok() ? state::KeyValueStore::Open(*txn, ctx_->Store("group-by-input"))
                   : absl::StatusOr<std::unique_ptr<state::KeyValueStore>>(txn.status());
      if (!store.ok()) {
        ctx_->fatal = store.status();
        batch->clear();
        return;
      }
      store_ = *std::move(store);
    }
    for (const RowRecord& row : *batch) {
      if (absl::Status s = ProcessRow(row, &out); !s.ok()) {
        ctx_->fatal = s;
        break;
      }
    }
    batch->swap(out);
  }

  const RowSchema& output_schema() const override { return output_; }

 private:
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

  RowRecord Change(const RowRecord& in, const std::vector<Value>& key, int32_t kind,
                   const std::vector<Value>* added, const std::vector<Value>* retracted) {
    RowRecord o;
    o.timestamp = in.timestamp;
    o.partition = in.partition;
    o.offset = in.offset;
    o.values = key;
    o.values.push_back(Value::Integer(kind));
    for (size_t i = 0; i < args_.size(); ++i) o.values.push_back(added ? (*added)[i] : Value());
    for (size_t i = 0; i < args_.size(); ++i) {
      o.values.push_back(retracted ? (*retracted)[i] : Value());
    }
    o.values.push_back(Value::Bigint(in.timestamp));
    return o;
  }

  absl::Status ProcessRow(const RowRecord& row, RowBatch* out) {
    std::vector<Value> in_key;
    for (uint32_t k : input_keys_) in_key.push_back(row.values[k]);
    const std::string in_key_bytes = EncodeValue(Value::Array(std::move(in_key)));
    SKEIN_ASSIGN_OR_RETURN(std::optional<std::string> previous, store_->Get(in_key_bytes));
    std::optional<std::vector<Value>> old_key, old_args;
    if (previous) {
      std::string_view p = *previous;
      Value k, a;
      if (DecodeValue(&p, &k) && DecodeValue(&p, &a) && a.items().size() == args_.size()) {
        old_key.emplace(k.items().begin(), k.items().end());
        old_args.emplace(a.items().begin(), a.items().end());
      }
    }
    std::optional<std::vector<Value>> key, args;
    if (!row.value_null) {
      key.emplace();
      for (const CompiledExpr& k : keys_) {
        key->push_back(Eval(k, row));
        if (key->back().is_null()) {
          ctx_->metrics.filtered++;
          ctx_->Report(ProcessingLogEntry::Kind::kOther,
                       absl::StrCat("Group-by column with index ", key->size() - 1,
                                    " resolved to null. The source row will be excluded from "
                                    "the table."),
                       "", row);
          key.reset();
          break;
        }
      }
      if (key) {
        args.emplace();
        for (const CompiledExpr& a : args_) args->push_back(Eval(a, row));
      }
    }
    if (old_key && key && *old_key == *key) {
      out->push_back(Change(row, *key, 2, &*args, &*old_args));
    } else {
      if (old_key) out->push_back(Change(row, *old_key, 1, nullptr, &*old_args));
      if (key) out->push_back(Change(row, *key, 0, &*args, nullptr));
    }
    if (!key) return previous ? store_->Delete(in_key_bytes) : absl::OkStatus();
    std::string entry = EncodeValue(Value::Array(*key));
    EncodeValue(Value::Array(*args), &entry);
    return store_->Put(in_key_bytes, entry);
  }

  OperatorContext* ctx_;
  RowSchema output_;
  std::vector<CompiledExpr> keys_, args_;
  std::vector<uint32_t> input_keys_;
  EvalContext ec_;
  std::unique_ptr<state::KeyValueStore> store_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RowOperator>> MakeGroupByChangeOperator(
    const skein::v1::GroupByChangeOp& op, const RowSchema& input, OperatorContext* ctx) {
  SKEIN_ASSIGN_OR_RETURN(RowSchema output, FromProto(op.output()));
  auto g = std::make_unique<GroupByChangeOperator>(ctx, std::move(output));
  SKEIN_RETURN_IF_ERROR(g->Init(op, input));
  return std::unique_ptr<RowOperator>(std::move(g));
}

}  // namespace skein::runtime::internal
