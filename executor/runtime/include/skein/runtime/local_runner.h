#pragma once

// Runs whole physical plans over InMemoryTopics: the data plane of `skein test` and of unit
// tests, using exactly the StageTask the executor runs over Kafka.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "skein/common/clock.h"
#include "skein/runtime/in_memory_topics.h"
#include "skein/runtime/processing_log.h"
#include "skein/runtime/stage_task.h"
#include "skein/state/tenant_state_db.h"
#include "skein/v1/plan.pb.h"

namespace skein::runtime {

// Owns the tasks of the plans added to it and pumps records from their source topics to their
// sinks until nothing is left to read. Records are processed one at a time in the global order
// of InMemoryTopics (AppendOrder) across every task's inputs, which keeps test output
// deterministic and matches Kafka Streams' TopologyTestDriver.
// Owned by the local engine or a test. Threading: single-threaded.
class LocalRunner {
 public:
  // `topics`, `log` and `clock` must outlive the runner; `clock` null = Clock::Real().
  // Stateful operators keep their stores in RocksDB under `state_dir`, or, when empty, in a
  // temporary directory created on first use and removed with the runner.
  LocalRunner(InMemoryTopics* topics, ProcessingLog* log, Clock* clock = nullptr,
              std::string state_dir = "")
      : topics_(topics), log_(log), clock_(clock), state_dir_(std::move(state_dir)) {}
  ~LocalRunner();
  LocalRunner(const LocalRunner&) = delete;
  LocalRunner& operator=(const LocalRunner&) = delete;

  // Creates one task per stage (sink topics are created if missing, with the plan's partition
  // count). Reading starts at the beginning of each source topic ("earliest"), or at its end
  // when the plan's property auto.offset.reset is "latest".
  absl::Status AddPlan(const skein::v1::PhysicalPlan& plan);
  // Stops a query's tasks (TERMINATE).
  void RemovePlan(const std::string& query_id);

  // Processes everything readable, repeating while stages feed each other.
  absl::Status RunUntilIdle();

  // Per-query counters summed over stages.
  OperatorMetrics Metrics(const std::string& query_id) const;

 private:
  struct Task {
    std::string query_id;
    std::unique_ptr<StageTask> task;
    size_t position = 0;        // index into the source topic's append order
    size_t right_position = 0;  // join stages: the same for the right input topic
  };
  class TopicSink;

  // The tenant's state database, opened on first use by a stateful task.
  absl::StatusOr<state::TenantStateDb*> StateDb(const std::string& tenant);

  InMemoryTopics* topics_;
  ProcessingLog* log_;
  Clock* clock_;
  std::string state_dir_;
  bool remove_state_dir_ = false;  // state_dir_ is our temporary directory
  std::map<std::string, std::unique_ptr<state::TenantStateDb>> state_dbs_;  // by tenant
  std::vector<Task> tasks_;  // declared last: tasks' stores close before their databases
};

}  // namespace skein::runtime
