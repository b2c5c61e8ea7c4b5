#include "skein/runtime/local_runner.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "skein/common/status.h"

namespace skein::runtime {

// Writes task output into InMemoryTopics.
class LocalRunner::TopicSink final : public RecordSink {
 public:
  explicit TopicSink(InMemoryTopics* topics) : topics_(topics) {}
  absl::StatusOr<int32_t> Partitions(std::string_view topic) override {
    return topics_->Partitions(topic);
  }
  absl::Status Write(Record record) override {
    return topics_->AppendCausedBy(std::move(record), cause_).status();
  }
  // The order of the input record being processed; what it causes inherits it.
  void set_cause(uint64_t cause) { cause_ = cause; }

 private:
  InMemoryTopics* topics_;
  uint64_t cause_ = 0;
};

LocalRunner::~LocalRunner() {
  tasks_.clear();
  state_dbs_.clear();
  if (remove_state_dir_) {
    std::error_code ignored;
    std::filesystem::remove_all(state_dir_, ignored);
  }
}

absl::StatusOr<state::TenantStateDb*> LocalRunner::StateDb(const std::string& tenant) {
  if (auto it = state_dbs_.find(tenant); it != state_dbs_.end()) return it->second.get();
  if (state_dir_.empty()) {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string pattern = (base / "skein-local-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return absl::UnavailableError(
          absl::StrCat("cannot create a temporary state directory under ", base.string()));
    }
    state_dir_ = pattern;
    remove_state_dir_ = true;
  }
  SKEIN_ASSIGN_OR_RETURN(std::unique_ptr<state::TenantStateDb> db,
                         state::TenantStateDb::Open(state_dir_, tenant));
  return (state_dbs_[tenant] = std::move(db)).get();
}

absl::Status LocalRunner::AddPlan(const skein::v1::PhysicalPlan& plan) {
  bool latest = false;
  auto it = plan.properties().find("auto.offset.reset");
  if (it != plan.properties().end()) {
    latest =
        absl::AsciiStrToLower(absl::string_view(it->second.data(), it->second.size())) == "latest";
  }
  std::vector<Task> added;
  for (const auto& stage : plan.stages()) {
    TaskOptions options;
    options.log = log_;
    options.clock = clock_;
    const std::string tenant = plan.tenant().empty() ? "default" : plan.tenant();
    options.state_db = [this, tenant] { return StateDb(tenant); };
    SKEIN_ASSIGN_OR_RETURN(std::unique_ptr<StageTask> task,
                           StageTask::Create(plan, stage, options));
    const auto& source = stage.operators(0).source().topic();
    if (stage.right_operators_size() > 0 && stage.right_operators(0).has_source()) {
      const auto& right = stage.right_operators(0).source().topic();
      if (!topics_->HasTopic(right.name())) {
        SKEIN_RETURN_IF_ERROR(
            topics_->CreateTopic(right.name(), std::max<int32_t>(1, right.partitions())));
      }
    }
    const auto& sink = stage.operators(stage.operators_size() - 1).sink().topic();
    if (!topics_->HasTopic(source.name())) {
      SKEIN_RETURN_IF_ERROR(
          topics_->CreateTopic(source.name(), std::max<int32_t>(1, source.partitions())));
    }
    if (!topics_->HasTopic(sink.name())) {
      SKEIN_RETURN_IF_ERROR(
          topics_->CreateTopic(sink.name(), std::max<int32_t>(1, sink.partitions())));
    }
    Task t;
    t.query_id = plan.query_id();
    t.task = std::move(task);
    if (latest) {
      t.position = topics_->Size(source.name());
      if (!t.task->right_source_topic().empty()) {
        t.right_position = topics_->Size(t.task->right_source_topic());
      }
    }
    added.push_back(std::move(t));
  }
  for (Task& t : added) tasks_.push_back(std::move(t));
  return absl::OkStatus();
}

void LocalRunner::RemovePlan(const std::string& query_id) {
  std::erase_if(tasks_, [&](const Task& t) { return t.query_id == query_id; });
}

absl::Status LocalRunner::RunUntilIdle() {
  // One record at a time, always the pending record first in the global order (AppendOrder)
  // over every task's inputs, so tasks see their topics interleaved as they were produced and
  // what a record causes downstream is processed before the next input record.
  TopicSink sink(topics_);
  while (true) {
    Task* best = nullptr;
    bool best_right = false;
    AppendOrder best_order;
    for (Task& t : tasks_) {
      for (bool right : {false, true}) {
        const std::string& topic = right ? t.task->right_source_topic() : t.task->source_topic();
        if (topic.empty()) continue;
        std::optional<AppendOrder> o =
            topics_->OrderAt(topic, right ? t.right_position : t.position);
        if (o && (best == nullptr || *o < best_order)) {
          best = &t;
          best_right = right;
          best_order = *o;
        }
      }
    }
    if (best == nullptr) return absl::OkStatus();
    size_t& position = best_right ? best->right_position : best->position;
    const std::string& topic =
        best_right ? best->task->right_source_topic() : best->task->source_topic();
    SKEIN_ASSIGN_OR_RETURN(auto record, topics_->At(topic, position));
    ++position;
    sink.set_cause(best_order.cause);
    SKEIN_RETURN_IF_ERROR(
        best->task->ProcessBatch(std::span<const Record>(&record.first, 1), &sink));
  }
}

OperatorMetrics LocalRunner::Metrics(const std::string& query_id) const {
  OperatorMetrics sum;
  for (const Task& t : tasks_) {
    if (t.query_id != query_id) continue;
    const OperatorMetrics& m = t.task->metrics();
    sum.records_in += m.records_in;
    sum.records_out += m.records_out;
    sum.bytes_in += m.bytes_in;
    sum.bytes_out += m.bytes_out;
    sum.deserialization_errors += m.deserialization_errors;
    sum.expression_errors += m.expression_errors;
    sum.serialization_errors += m.serialization_errors;
    sum.filtered += m.filtered;
    sum.null_key_dropped += m.null_key_dropped;
    sum.late_records_dropped += m.late_records_dropped;
  }
  return sum;
}

}  // namespace skein::runtime
