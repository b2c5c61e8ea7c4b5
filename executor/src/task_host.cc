#include "skein/executor/task_host.h"

#include <algorithm>

#include "kafka_processing_log.h"
#include "kafka_thread_cpu.h"
#include "skein/common/logging.h"
#include "skein/tenant/cpu_ledger.h"
#include "standby_host.h"
#include "tenant_memory.h"
#include "tenant_scheduling.h"
#include "tenant_states.h"
#include "worker.h"

namespace skein::executor {
TaskHost::TaskHost(TaskHostOptions options)
    : options_(std::move(options)),
      states_(std::make_unique<TenantStates>(options_.data_dir)),
      processing_log_(std::make_unique<KafkaProcessingLog>()),
      cpu_ledger_(std::make_unique<tenant::CpuLedger>()),
      kafka_thread_cpu_(std::make_unique<KafkaThreadCpu>()),
      memory_(std::make_unique<TenantMemory>([states = states_.get()] {
        std::map<std::string, StateMemorySample> samples;
        for (const auto& [tenant, db] : states->OpenDbs()) samples[tenant] = SampleStateDb(*db);
        return samples;
      })) {
  absl::MutexLock lock(&mu_);
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    WorkerContext context;
    context.executor_id = options_.executor_id;
    context.commit_interval = options_.commit_interval;
    context.states = states_.get();
    context.log = processing_log_.get();
    context.resync = &resync_;
    context.cpu_ledger = cpu_ledger_.get();
    context.kafka_thread_cpu = kafka_thread_cpu_.get();
    context.memory = memory_.get();
    // standbys_ is set below, before any task is added, and outlives the workers.
    context.standby_here = [this](const std::string& key) { return standbys_->Has(key); };
    workers_.push_back(std::make_unique<Worker>(i, std::move(context)));
  }
  // The workers stay until Stop(), which stops the standbys first.
  std::vector<Worker*> workers;
  for (auto& w : workers_) workers.push_back(w.get());
  standbys_ = std::make_unique<StandbyHost>(
      options_.executor_id, states_.get(), [workers](const std::string& key) {
        return std::any_of(workers.begin(), workers.end(), [&](Worker* w) { return w->Has(key); });
      });
}

TaskHost::~TaskHost() { Stop(); }

Worker* TaskHost::LeastLoaded() {
  Worker* best = workers_.front().get();
  for (auto& w : workers_) {
    if (w->task_count() < best->task_count()) best = w.get();
  }
  return best;
}

void TaskHost::Apply(const std::string& kafka_bootstrap, const v1::AssignmentChange& change) {
  absl::MutexLock lock(&mu_);
  if (stopped_) return;
  if (connected_bootstrap_ != kafka_bootstrap) {
    // Every worker initializes its transactional id at once, aborting what a previous
    // incarnation of this executor left open (which would block read_committed readers).
    connected_bootstrap_ = kafka_bootstrap;
    for (auto& w : workers_) w->Connect(kafka_bootstrap);
  }
  std::vector<std::string> keep, keep_standby;
  for (const v1::TaskAssignment& a : change.add()) {
    (a.standby() ? keep_standby : keep).push_back(TaskKey(a.task()));
  }
  if (change.full()) {
    // Stop every task and standby the coordinator no longer assigns here.
    for (auto& w : workers_) {
      for (const v1::TaskStatus& s : w->Statuses()) {
        if (std::find(keep.begin(), keep.end(), TaskKey(s.task())) == keep.end()) {
          w->Remove(s.task());
        }
      }
    }
    for (const v1::TaskStatus& s : standbys_->Statuses()) {
      const std::string key = TaskKey(s.task());
      if (std::find(keep_standby.begin(), keep_standby.end(), key) == keep_standby.end() &&
          std::find(keep.begin(), keep.end(), key) == keep.end()) {
        standbys_->Remove(key);
      }
    }
  }
  for (const v1::TaskId& id : change.remove()) {
    for (auto& w : workers_) {
      if (w->Has(TaskKey(id))) w->Remove(id);
    }
    standbys_->Remove(TaskKey(id));
  }
  for (const v1::TaskAssignment& a : change.add()) {
    // Every assignment carries its tenant's current quota (a quota change resends them).
    if (!a.standby()) {
      const std::string tenant = TenantOfTask(a.task());
      cpu_ledger_->SetQuota(tenant, a.tenant_cpu_millicores());
      memory_->SetQuota(tenant, a.tenant_memory_bytes());
      // Half the quota for RocksDB (block cache, memtables a quarter), the rest for batches and
      // record queues (docs/architecture.md, "Memory quotas on executors").
      if (absl::Status s = states_->SetMemoryBudget(
              tenant, static_cast<size_t>(std::max<int64_t>(0, a.tenant_memory_bytes()) / 2));
          !s.ok()) {
        Logger("executor")->warn("tenant={}: state memory budget: {}", tenant, s.ToString());
      }
    }
  }
  for (const v1::TaskAssignment& a : change.add()) {
    const std::string key = TaskKey(a.task());
    if (a.standby()) {
      // Waits, on the standby thread, until no worker holds the task any more.
      standbys_->Add(kafka_bootstrap, a);
      continue;
    }
    if (standbys_->Has(key)) {
      // The worker starts the task once the standby released its stores (Worker::standby_here).
      Logger("executor")
          ->info("executor={} promoting the standby of task {}", options_.executor_id, key);
      standbys_->Remove(key);
    }
    // A worker that has the task gets the add too: its removal may still be queued (an add
    // after it restarts the task; a worker skips an add of a task it runs).
    Worker* holder = nullptr;
    for (auto& w : workers_) {
      if (w->Has(key)) holder = w.get();
    }
    (holder != nullptr ? holder : LeastLoaded())->Add(kafka_bootstrap, a);
  }
  applied_version_ = std::max(applied_version_, change.version());
  Logger("executor")
      ->info("executor={} applied assignment version {} (+{} -{}{})", options_.executor_id,
             change.version(), change.add_size(), change.remove_size(),
             change.full() ? ", full" : "");
}

v1::TaskStatusReport TaskHost::Report() const {
  absl::MutexLock lock(&mu_);
  v1::TaskStatusReport report;
  report.set_applied_assignment_version(applied_version_);
  for (const auto& w : workers_) {
    for (v1::TaskStatus& s : w->Statuses()) *report.add_tasks() = std::move(s);
  }
  if (standbys_ != nullptr) {
    for (v1::TaskStatus& s : standbys_->Statuses()) *report.add_tasks() = std::move(s);
  }
  for (const v1::TaskStatus& s : report.tasks()) {
    if (s.standby()) continue;
    const std::string tenant = TenantOfTask(s.task());
    if (report.tenant_cpu_seconds().contains(tenant)) continue;
    (*report.mutable_tenant_cpu_seconds())[tenant] =
        absl::ToDoubleSeconds(cpu_ledger_->TotalCpu(tenant));
    (*report.mutable_tenant_throttled_seconds())[tenant] =
        absl::ToDoubleSeconds(cpu_ledger_->ThrottledTime(tenant));
  }
  for (const auto& [tenant, bytes] : memory_->UsedByTenant()) {
    (*report.mutable_tenant_memory_bytes())[tenant] =
        static_cast<uint64_t>(std::max<int64_t>(0, bytes));
  }
  return report;
}

uint32_t TaskHost::running_tasks() const {
  uint32_t n = 0;
  const v1::TaskStatusReport report = Report();
  for (const v1::TaskStatus& s : report.tasks()) {
    n += !s.standby() && s.state() == v1::TASK_STATE_RUNNING;
  }
  return n;
}

bool TaskHost::IsRunning(const std::string& task_key) const {
  const v1::TaskStatusReport report = Report();
  return std::any_of(report.tasks().begin(), report.tasks().end(), [&](const v1::TaskStatus& s) {
    return !s.standby() && s.state() == v1::TASK_STATE_RUNNING && TaskKey(s.task()) == task_key;
  });
}

std::string TaskHost::KafkaBootstrap() const {
  absl::MutexLock lock(&mu_);
  return connected_bootstrap_;
}

absl::StatusOr<state::TenantStateDb*> TaskHost::TenantState(const std::string& tenant) {
  return states_->Get(tenant);
}

void TaskHost::Stop() {
  std::vector<std::unique_ptr<Worker>> workers;
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    stopped_ = true;
    workers.swap(workers_);
  }
  standbys_->Stop();  // it asks the workers whether they hold a task
  for (auto& w : workers) w->Stop();
}

}  // namespace skein::executor
