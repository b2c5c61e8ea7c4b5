#pragma once

// A task: one stage of a physical plan running over one input partition, fed records by
// whoever owns the I/O (the executor's Kafka consumer, or LocalRunner over InMemoryTopics).

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/common/clock.h"
#include "skein/runtime/operators.h"
#include "skein/runtime/processing_log.h"
#include "skein/runtime/record.h"
#include "skein/v1/plan.pb.h"

namespace skein::runtime {

// Where a task's output records go. The executor implements it over a (transactional) Kafka
// producer; InMemoryTopics-backed sinks serve `skein test`.
// Threading: called from the task's worker only.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Partition count of a topic (so the sink operator can partition like Kafka).
  virtual absl::StatusOr<int32_t> Partitions(std::string_view topic) = 0;
  // UNAVAILABLE/ABORTED are for the caller to retry or restart the transaction.
  virtual absl::Status Write(Record record) = 0;
};

class JoinOperator;

struct TaskOptions {
  ProcessingLog* log = nullptr;  // null: entries are dropped (counters still count)
  Clock* clock = nullptr;        // null: Clock::Real(); stateful operators read time here
  // The input partition this task owns (names its state stores).
  int32_t partition = 0;
  // Opens (once) the tenant's RocksDB instance for stateful operators; called lazily, only
  // by stages that have state. Null: stateful stages fail to create.
  std::function<absl::StatusOr<state::TenantStateDb*>()> state_db;
  // Receives every state write (the executor produces it to the store's changelog topic);
  // null: no changelog. Must outlive the task.
  state::ChangelogSink* changelog = nullptr;
  // True: ProcessBatch commits the state writes after every batch (no changelog offsets).
  // False: they stay buffered until the host calls CommitState after its Kafka commit.
  bool commit_state_per_batch = true;
};

// Runs the operator chain of one stage: source decode, row operators, sink encode.
// Created by the executor when a task is assigned (or by LocalRunner); owned by the worker
// that runs it. Threading: single-threaded; distinct tasks run on distinct threads freely
// (compiled expressions and formats are per task).
class StageTask {
 public:
  // INVALID_ARGUMENT for a stage that does not start with a source and end with a sink, or
  // whose expressions or formats do not compile.
  static absl::StatusOr<std::unique_ptr<StageTask>> Create(const skein::v1::PhysicalPlan& plan,
                                                           const skein::v1::Stage& stage,
                                                           TaskOptions options = {});

  // Decodes and processes a batch of records read from the source topic (any partitions; a
  // join stage takes records of both its input topics, routed by topic),
  // writing results to `sink` in input order, then commits the task's state writes (if any).
  // Bad records are logged and skipped; the status is the sink's or the state's failure.
  absl::Status ProcessBatch(std::span<const Record> records, RecordSink* sink);

  // Applies the buffered state writes with the changelog offsets they reach (see
  // state::StateTransaction::Commit). OK when the task has no state.
  absl::Status CommitState(const state::ChangelogOffsets& offsets);
  // Bytes of state writes buffered since the last CommitState (0 for a stage without state):
  // memory the task holds until its commit.
  size_t BufferedStateBytes() const;

  ~StageTask();

  const std::string& source_topic() const { return source_->topic(); }
  // A join stage's second input topic (its right chain's source); empty for other stages.
  const std::string& right_source_topic() const;
  const std::string& sink_topic() const { return sink_->topic(); }
  const OperatorMetrics& metrics() const { return ctx_->metrics; }

 private:
  StageTask() = default;
  absl::Status CreateJoin(const skein::v1::Stage& stage, const skein::v1::JoinOp& join,
                          const RowSchema& left);
  absl::Status ProcessJoinBatch(std::span<const Record> records, RecordSink* sink);

  std::unique_ptr<OperatorContext> ctx_;
  std::unique_ptr<NullProcessingLog> null_log_;
  std::unique_ptr<SourceOperator> source_;
  std::vector<std::unique_ptr<RowOperator>> operators_;
  std::unique_ptr<SinkOperator> sink_;
  // Join stages: the right chain, the join, and how many of operators_ precede the join.
  std::unique_ptr<SourceOperator> right_source_;
  std::vector<std::unique_ptr<RowOperator>> right_operators_;
  std::unique_ptr<JoinOperator> join_;
  size_t join_at_ = 0;
  RowBatch side_batch_;
  Clock* clock_ = nullptr;
  bool commit_state_per_batch_ = true;
  RowBatch batch_;
  std::vector<Record> out_;
};

}  // namespace skein::runtime
