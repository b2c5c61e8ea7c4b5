#include "skein/runtime/stage_task.h"

#include "absl/strings/str_cat.h"
#include "skein/common/status.h"

namespace skein::runtime {

absl::StatusOr<state::StateTransaction*> OperatorContext::State() {
  if (txn != nullptr) return txn.get();
  if (!state_db) {
    return absl::FailedPreconditionError(
        absl::StrCat("query ", query_id, ": this host has no state store for stateful operators"));
  }
  SKEIN_ASSIGN_OR_RETURN(state::TenantStateDb * db, state_db());
  txn = std::make_unique<state::StateTransaction>(db, /*sink=*/nullptr);
  return txn.get();
}

absl::StatusOr<std::unique_ptr<StageTask>> StageTask::Create(const skein::v1::PhysicalPlan& plan,
                                                             const skein::v1::Stage& stage,
                                                             TaskOptions options) {
  const int n = stage.operators_size();
  if (n < 2 || !stage.operators(0).has_source() || !stage.operators(n - 1).has_sink()) {
    return absl::InvalidArgumentError(
        absl::StrCat("plan: stage ", stage.id(), " must start with a source and end with a sink"));
  }
  std::unique_ptr<StageTask> t(new StageTask());
  t->ctx_ = std::make_unique<OperatorContext>();
  t->ctx_->query_id = plan.query_id();
  if (options.log == nullptr) {
    t->null_log_ = std::make_unique<NullProcessingLog>();
    options.log = t->null_log_.get();
  }
  t->ctx_->log = options.log;
  t->ctx_->stage_id = static_cast<int32_t>(stage.id());
  t->ctx_->partition = options.partition;
  t->ctx_->state_db = std::move(options.state_db);
  t->clock_ = options.clock ? options.clock : Clock::Real();
  SKEIN_ASSIGN_OR_RETURN(t->source_,
                         SourceOperator::Create(stage.operators(0).source(), t->ctx_.get()));
  t->ctx_->table = t->source_->is_table();
  if (auto it = plan.properties().find("ksql.timestamp.throw.on.invalid");
      it != plan.properties().end()) {
    t->ctx_->throw_on_invalid_timestamp = it->second == "true";
  }
  const RowSchema* schema = &t->source_->output_schema();
  for (int i = 1; i < n - 1; ++i) {
    absl::StatusOr<std::unique_ptr<RowOperator>> op =
        MakeRowOperator(stage.operators(i), *schema, t->ctx_.get());
    if (!op.ok()) {
      return Annotate(op.status(), absl::StrCat("stage ", stage.id(), " operator ", i));
    }
    t->operators_.push_back(*std::move(op));
    schema = &t->operators_.back()->output_schema();
  }
  SKEIN_ASSIGN_OR_RETURN(t->sink_,
                         SinkOperator::Create(stage.operators(n - 1).sink(), t->ctx_.get()));
  return t;
}

absl::Status StageTask::ProcessBatch(std::span<const Record> records, RecordSink* sink) {
  batch_.clear();
  source_->Decode(records, &batch_);
  if (!ctx_->fatal.ok()) return ctx_->fatal;
  for (auto& op : operators_) {
    if (batch_.empty()) break;
    op->Process(&batch_);
  }
  if (!ctx_->fatal.ok()) return ctx_->fatal;
  if (!batch_.empty()) {
    SKEIN_ASSIGN_OR_RETURN(int32_t partitions, sink->Partitions(sink_->topic()));
    out_.clear();
    sink_->Encode(batch_, partitions, &out_);
    for (Record& r : out_) SKEIN_RETURN_IF_ERROR(sink->Write(std::move(r)));
  }
  if (ctx_->txn != nullptr) SKEIN_RETURN_IF_ERROR(ctx_->txn->Commit({}));
  return absl::OkStatus();
}

}  // namespace skein::runtime
