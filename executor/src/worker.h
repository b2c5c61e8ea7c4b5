#pragma once

// Private: one worker thread of the TaskHost and the tasks it runs.

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "changelog.h"
#include "kafka_processing_log.h"
#include "kafka_thread_cpu.h"
#include "skein/proto/task_id.h"
#include "skein/runtime/processing_log.h"
#include "skein/runtime/stage_task.h"
#include "skein/v1/executor.pb.h"
#include "skein/v1/plan.pb.h"
#include "task_producer.h"
#include "tenant_memory.h"
#include "tenant_scheduling.h"
#include "tenant_states.h"

namespace skein::tenant {
class CpuLedger;
}  // namespace skein::tenant

namespace skein::executor {

using proto::TaskKey;

// What a TaskHost's workers share. The pointers are the TaskHost's and outlive the workers.
struct WorkerContext {
  std::string executor_id;
  absl::Duration commit_interval;
  TenantStates* states = nullptr;
  KafkaProcessingLog* log = nullptr;
  // Set when a worker's transactional producer was fenced and it gave up its exactly-once
  // tasks: the executor must re-register to learn which tasks are still its own.
  std::atomic<bool>* resync = nullptr;
  // Decides which tenants' tasks run in a round and in what order; charged each task slice's
  // CPU, and by `kafka_thread_cpu` that of the task consumers' librdkafka threads.
  tenant::CpuLedger* cpu_ledger = nullptr;
  KafkaThreadCpu* kafka_thread_cpu = nullptr;
  // Charged what the tasks hold; pauses or dooms tenants over their memory quota.
  TenantMemory* memory = nullptr;
  // Whether a standby of task `key` still holds its stores on this executor (StandbyHost::Has):
  // an add of the task waits until it does not.
  std::function<bool(const std::string& key)> standby_here;
};

// A worker thread with its tasks. Tasks are added and removed through a command list the
// thread drains between rounds, so every Kafka handle of a task is used by one thread only.
// Owned by the TaskHost. Threading: Add/Remove/Statuses/task_count from any thread.
class Worker {
 public:
  Worker(int index, WorkerContext context);

  // Creates the worker's transactional producer now (its init_transactions aborts whatever
  // transaction a previous incarnation of this executor left open).
  void Connect(std::string kafka_bootstrap);
  ~Worker();  // Stop()

  void Add(std::string kafka_bootstrap, v1::TaskAssignment assignment);
  void Remove(const v1::TaskId& id);
  bool Has(const std::string& key) const;
  std::vector<v1::TaskStatus> Statuses() const;
  size_t task_count() const;
  void Stop();

 private:
  struct Task;
  struct Command {
    bool add = false;
    bool connect = false;
    std::string kafka_bootstrap;
    v1::TaskAssignment assignment;
    v1::TaskId remove;
  };

  void Run();
  void ApplyCommands();
  absl::Status StartTask(const std::string& kafka_bootstrap, const v1::TaskAssignment& a,
                         Task* task);
  // The worker's idempotent (at-least-once tasks) or transactional (exactly-once) producer,
  // created on first use.
  absl::StatusOr<TaskProducer*> ProducerFor(bool exactly_once, const std::string& kafka_bootstrap);
  // Restores the task's stores a batch at a time; the task is assigned its input once done.
  void StepRestore(Task* task);
  // Reads the task's committed offsets and assigns its partitions (retried later on failure).
  void TryAssign(Task* task);
  // Polls each task whose tenant is within its CPU quota once, lowest tenant virtual time
  // first; sets `busy` if any record was processed. Returns the round it ran (which tasks were
  // throttled and until when). Tasks of a tenant over its memory quota are not polled; if
  // they have uncommitted work, or a task's write batch outgrew a quarter of its tenant's
  // quota, `commit_early_` is set.
  Round PollTasks(absl::Duration wait, bool* busy);
  // Commits, then fails and closes the tasks of queries their tenant's memory quota doomed
  // (TenantMemory::DoomedReason).
  void FailDoomedTasks();
  // Brings the task's memory charge up to date: its consumer's queue bound and its
  // uncommitted state writes.
  void UpdateMemoryCharge(Task* task);
  // Waits for a command or `deadline`, whichever comes first.
  void SleepUntil(absl::Time deadline);
  // Commits every task's progress: CommitAtLeastOnce flushes, applies state, then commits
  // input offsets; CommitExactlyOnce commits the transaction (outputs, changelogs, input
  // offsets) and then applies state, or drops all uncommitted work (see the .cc).
  void Commit();
  void CommitAtLeastOnce();
  void CommitExactlyOnce();
  // Drops the task's uncommitted work and starts it again from its committed offsets.
  void RestartTask(Task* task);
  // The transactional producer was fenced: gives up every exactly-once task (see resync).
  void GiveUpExactlyOnceTasks(const absl::Status& why);
  void CloseTask(Task* task);
  void Fail(Task* task, const absl::Status& status);
  void PublishStatuses();

  const int index_;
  const std::string executor_id_;
  const absl::Duration commit_interval_;
  TenantStates* const states_;
  KafkaProcessingLog* const log_;
  std::atomic<bool>* const resync_;
  tenant::CpuLedger* const cpu_ledger_;
  KafkaThreadCpu* const kafka_thread_cpu_;
  absl::Time next_kafka_charge_ = absl::InfinitePast();
  const std::function<bool(const std::string&)> standby_here_;
  TenantMemory* const memory_;

  // Worker-thread state.
  std::unique_ptr<TaskProducer> producer_;      // idempotent, for at-least-once tasks
  std::unique_ptr<TaskProducer> txn_producer_;  // transactional, for exactly-once tasks
  // Set when an exactly-once task failed mid-transaction: the transaction must abort.
  bool abort_transaction_ = false;
  // Set by PollTasks when memory pressure asks for a commit before the commit interval ends.
  bool commit_early_ = false;
  std::vector<std::unique_ptr<Task>> tasks_;

  mutable absl::Mutex mu_;
  std::vector<Command> commands_ ABSL_GUARDED_BY(mu_);
  // Set when the first queued command waits for a standby to stop (see ApplyCommands): the
  // thread then does not wake for the queue until a new command arrives.
  bool commands_deferred_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, v1::TaskStatus> statuses_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace skein::executor
