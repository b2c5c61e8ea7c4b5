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
  absl::Status Write(Record record) override { return topics_->Append(std::move(record)).status(); }

 private:
  InMemoryTopics* topics_;
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
      SKEIN_ASSIGN_OR_RETURN(auto all, topics_->ReadAll(source.name()));
      t.position = all.size();
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
  TopicSink sink(topics_);
  bool progress = true;
  while (progress) {
    progress = false;
    for (Task& t : tasks_) {
      SKEIN_ASSIGN_OR_RETURN(std::vector<Record> all, topics_->ReadAll(t.task->source_topic()));
      if (t.position >= all.size()) continue;
      std::span<const Record> fresh(all.data() + t.position, all.size() - t.position);
      t.position = all.size();
      progress = true;
      SKEIN_RETURN_IF_ERROR(t.task->ProcessBatch(fresh, &sink));
    }
  }
  return absl::OkStatus();
}

OperatorMetrics LocalRunner::Metrics(const std::string& query_id) const {
  OperatorMetrics sum;
  for (const Task& t : tasks_) {
    if (t.query_id != query_id) continue;
    const OperatorMetrics& m = t.task->metrics();
    sum.records_in += m.records_in;
    sum.records_out += m.records_out;
    sum.deserialization_errors += m.deserialization_errors;
    sum.expression_errors += m.expression_errors;
    sum.serialization_errors += m.serialization_errors;
    sum.filtered += m.filtered;
    sum.null_key_dropped += m.null_key_dropped;
  }
  return sum;
}

}  // namespace skein::runtime
