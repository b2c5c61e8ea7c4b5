#include "skein/runtime/stage_task.h"

#include "absl/strings/str_cat.h"
#include "join_operator.h"
#include "skein/common/status.h"

namespace skein::runtime {

absl::StatusOr<state::StateTransaction*> OperatorContext::State() {
  if (txn != nullptr) return txn.get();
  if (!state_db) {
    return absl::FailedPreconditionError(
        absl::StrCat("query ", query_id, ": this host has no state store for stateful operators"));
  }
  SKEIN_ASSIGN_OR_RETURN(state::TenantStateDb * db, state_db());
  txn = std::make_unique<state::StateTransaction>(db, changelog);
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
  t->ctx_->changelog = options.changelog;
  t->commit_state_per_batch_ = options.commit_state_per_batch;
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
    if (stage.operators(i).has_join()) {
      SKEIN_RETURN_IF_ERROR(t->CreateJoin(stage, stage.operators(i).join(), *schema));
      schema = &t->join_->output_schema();
      continue;
    }
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

StageTask::~StageTask() = default;

absl::Status StageTask::CommitState(const state::ChangelogOffsets& offsets) {
  if (ctx_->txn == nullptr) return absl::OkStatus();
  return ctx_->txn->Commit(offsets);
}

size_t StageTask::BufferedStateBytes() const {
  return ctx_->txn == nullptr ? 0 : ctx_->txn->BufferedBytes();
}

const std::string& StageTask::right_source_topic() const {
  static const std::string kNone;
  return right_source_ != nullptr ? right_source_->topic() : kNone;
}

absl::Status StageTask::CreateJoin(const skein::v1::Stage& stage, const skein::v1::JoinOp& join,
                                   const RowSchema& left) {
  const int n = stage.right_operators_size();
  if (n < 1 || !stage.right_operators(0).has_source() || join_ != nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "plan: join stage ", stage.id(), " needs one right chain starting with a source"));
  }
  SKEIN_ASSIGN_OR_RETURN(right_source_,
                         SourceOperator::Create(stage.right_operators(0).source(), ctx_.get()));
  const RowSchema* schema = &right_source_->output_schema();
  for (int i = 1; i < n; ++i) {
    absl::StatusOr<std::unique_ptr<RowOperator>> op =
        MakeRowOperator(stage.right_operators(i), *schema, ctx_.get());
    if (!op.ok()) {
      return Annotate(op.status(), absl::StrCat("stage ", stage.id(), " right operator ", i));
    }
    right_operators_.push_back(*std::move(op));
    schema = &right_operators_.back()->output_schema();
  }
  SKEIN_ASSIGN_OR_RETURN(join_, JoinOperator::Create(join, left, *schema, ctx_.get()));
  join_at_ = operators_.size();
  return absl::OkStatus();
}

absl::Status StageTask::ProcessJoinBatch(std::span<const Record> records, RecordSink* sink) {
  // Runs of records from one input go through that side's chain into the join; join results
  // then go through the operators after the join to the sink, in input order.
  size_t begin = 0;
  while (begin < records.size()) {
    const bool left = records[begin].topic != right_source_->topic();
    size_t end = begin + 1;
    while (end < records.size() && (records[end].topic != right_source_->topic()) == left) ++end;
    side_batch_.clear();
    batch_.clear();
    const auto run = records.subspan(begin, end - begin);
    begin = end;
    (left ? source_ : right_source_)->Decode(run, &side_batch_);
    if (!ctx_->fatal.ok()) return ctx_->fatal;
    if (left) {
      for (size_t i = 0; i < join_at_ && !side_batch_.empty(); ++i) {
        operators_[i]->Process(&side_batch_);
      }
    } else {
      for (auto& op : right_operators_) {
        if (side_batch_.empty()) break;
        op->Process(&side_batch_);
      }
    }
    if (!side_batch_.empty()) join_->Process(left, &side_batch_, &batch_);
    for (size_t i = join_at_; i < operators_.size() && !batch_.empty(); ++i) {
      operators_[i]->Process(&batch_);
    }
    if (!ctx_->fatal.ok()) return ctx_->fatal;
    if (!batch_.empty()) {
      SKEIN_ASSIGN_OR_RETURN(int32_t partitions, sink->Partitions(sink_->topic()));
      out_.clear();
      sink_->Encode(batch_, partitions, &out_);
      for (Record& r : out_) SKEIN_RETURN_IF_ERROR(sink->Write(std::move(r)));
    }
  }
  if (ctx_->txn != nullptr && commit_state_per_batch_) {
    SKEIN_RETURN_IF_ERROR(ctx_->txn->Commit({}));
  }
  return absl::OkStatus();
}

absl::Status StageTask::ProcessBatch(std::span<const Record> records, RecordSink* sink) {
  if (join_ != nullptr) return ProcessJoinBatch(records, sink);
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
  if (ctx_->txn != nullptr && commit_state_per_batch_) {
    SKEIN_RETURN_IF_ERROR(ctx_->txn->Commit({}));
  }
  return absl::OkStatus();
}

}  // namespace skein::runtime
