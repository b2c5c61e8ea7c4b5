#pragma once

// Runs the tasks the coordinator assigns to this executor against Kafka.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "skein/v1/executor.pb.h"

namespace skein::state {
class TenantStateDb;
}  // namespace skein::state
namespace skein::tenant {
class CpuLedger;
}  // namespace skein::tenant

namespace skein::executor {

struct TaskHostOptions {
  std::string executor_id;
  std::string data_dir;  // tenants' state lives under <data_dir>/tenants/
  int workers = 2;       // fixed pool of worker threads
  // How often a worker flushes its producer and commits its tasks' input offsets.
  absl::Duration commit_interval = absl::Milliseconds(100);
};

class Worker;
class StandbyHost;
class TenantMemory;
class TenantStates;
class KafkaProcessingLog;
class KafkaThreadCpu;

// A fixed pool of worker threads, each owning some tasks, a Kafka producer per processing
// guarantee (idempotent for at-least-once, transactional for exactly-once) and one consumer
// per task. Partitions are assigned explicitly (never a consumer-group subscribe); input
// offsets are committed under the query's group id, inside the worker's transaction for
// exactly-once tasks (see docs/architecture.md, "Durable state and exactly-once"). One CPU
// ledger, shared by the workers, holds each tenant's CPU quota (from its assignments) and
// decides which tenants' tasks run (docs/architecture.md, "CPU quotas on executors"); one
// TenantMemory meters each tenant's memory against its quota and pauses or stops its tasks
// (docs/architecture.md, "Memory quotas on executors").
//
// Owned by the ExecutorNode. Apply() is called from the control client's thread; Statuses()
// from any thread; workers run tasks on their own threads.
class TaskHost {
 public:
  explicit TaskHost(TaskHostOptions options);
  ~TaskHost();
  TaskHost(const TaskHost&) = delete;
  TaskHost& operator=(const TaskHost&) = delete;

  // Applies one assignment change from the coordinator: starts added tasks on the least-loaded
  // worker, stops removed ones (committing what they processed). `kafka_bootstrap` is the
  // cluster's, from the registration. A task whose plan does not compile is reported FAILED.
  // Standby adds go to the StandbyHost; an active add of a task held as a standby stops the
  // standby, and the worker starts the task once the standby released its stores, so the task
  // restores only the tail of its changelog over the standby's local state. Never blocks on
  // the standby thread.
  void Apply(const std::string& kafka_bootstrap, const v1::AssignmentChange& change);

  // The latest status of every task held (starting, running, failed, or stopping) and of every
  // standby replica (TaskStatus.standby), with the last applied assignment version, the CPU
  // charged to each of their tenants and the memory each tenant holds.
  v1::TaskStatusReport Report() const;
  uint32_t running_tasks() const;

  // True once after a worker's transactional producer was fenced and it gave its exactly-once
  // tasks up: the control client then re-registers, and the coordinator's full assignment
  // restarts the tasks that are still this executor's.
  bool TakeResyncRequest() { return resync_.exchange(false); }
  // Pull queries (TableReadService): whether task `task_key` (proto::TaskKey) is RUNNING here,
  // and the tenant's state database, opened on first use and valid until the host is destroyed.
  bool IsRunning(const std::string& task_key) const;
  absl::StatusOr<state::TenantStateDb*> TenantState(const std::string& tenant);
  // The Kafka bootstrap of the first assignment (empty until one arrived), for INSERT VALUES.
  std::string KafkaBootstrap() const;

  // Stops every task (committing their progress) and joins the workers. Idempotent.
  void Stop();

 private:
  Worker* LeastLoaded() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const TaskHostOptions options_;
  std::unique_ptr<TenantStates> states_;
  std::unique_ptr<KafkaProcessingLog> processing_log_;  // outlives the workers' tasks
  std::unique_ptr<tenant::CpuLedger> cpu_ledger_;       // outlives the workers
  std::unique_ptr<KafkaThreadCpu> kafka_thread_cpu_;    // outlives the workers' consumers
  std::unique_ptr<TenantMemory> memory_;                // outlives the workers; after states_
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Worker>> workers_ ABSL_GUARDED_BY(mu_);
  // Set after the workers, stopped before them (it asks them whether they hold a task).
  std::unique_ptr<StandbyHost> standbys_;
  uint64_t applied_version_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  std::string connected_bootstrap_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> resync_{false};
};

}  // namespace skein::executor
