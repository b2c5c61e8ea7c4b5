#pragma once

// Private: one worker thread of the TaskHost and the tasks it runs.

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "kafka_processing_log.h"
#include "skein/proto/task_id.h"
#include "skein/runtime/processing_log.h"
#include "skein/runtime/stage_task.h"
#include "skein/v1/executor.pb.h"
#include "skein/v1/plan.pb.h"
#include "tenant_states.h"

namespace skein::executor {

using proto::TaskKey;

// A worker thread with its tasks. Tasks are added and removed through a command list the
// thread drains between rounds, so every Kafka handle of a task is used by one thread only.
// Owned by the TaskHost. Threading: Add/Remove/Statuses/task_count from any thread.
class Worker {
 public:
  Worker(int index, std::string executor_id, absl::Duration commit_interval, TenantStates* states,
         KafkaProcessingLog* log);
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
    std::string kafka_bootstrap;
    v1::TaskAssignment assignment;
    v1::TaskId remove;
  };
  class ProducerSink;

  void Run();
  void ApplyCommands();
  absl::Status StartTask(const std::string& kafka_bootstrap, const v1::TaskAssignment& a,
                         Task* task);
  absl::Status EnsureProducer(const std::string& kafka_bootstrap);
  // Reads the task's committed offsets and assigns its partitions (retried later on failure).
  void TryAssign(Task* task);
  // Polls each task once; true if any record was processed.
  bool PollTasks(absl::Duration wait);
  // Flushes the producer, then commits every task's consumed offsets.
  void Commit();
  void CloseTask(Task* task);
  void Fail(Task* task, const absl::Status& status);
  void PublishStatuses();

  const int index_;
  const std::string executor_id_;
  const absl::Duration commit_interval_;
  TenantStates* const states_;
  KafkaProcessingLog* const log_;

  // Worker-thread state.
  rd_kafka_t* producer_ = nullptr;
  std::string producer_bootstrap_;
  std::unique_ptr<ProducerSink> sink_;
  std::vector<std::unique_ptr<Task>> tasks_;

  mutable absl::Mutex mu_;
  std::vector<Command> commands_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::TaskStatus> statuses_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace skein::executor
