#pragma once

// Private: a task's changelogs — writing every store write to the store's changelog partition
// (ChangelogWriter) and replaying the changelog tail into local RocksDB before the task runs
// (ChangelogRestorer).

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "skein/proto/state_stores.h"
#include "skein/state/state_store.h"
#include "skein/state/state_transaction.h"
#include "skein/state/tenant_state_db.h"
#include "task_producer.h"

namespace skein::executor {

// One store of a task with its changelog partition.
struct TaskStore {
  state::StoreId id;
  proto::StoreKind kind = proto::StoreKind::kKeyValue;
  std::string topic;  // partition: id.partition
};

// The stores of task (tenant, plan, stage, partition), per proto::StageStateStores.
std::vector<TaskStore> TaskStores(const std::string& tenant, const v1::PhysicalPlan& plan,
                                  const v1::Stage& stage, int32_t partition);

// Forwards a task's store writes to their changelog partitions through the worker's producer,
// and computes the changelog offsets a state commit records. Owned by the task; worker thread.
class ChangelogWriter final : public state::ChangelogSink {
 public:
  ChangelogWriter(std::vector<TaskStore> stores, TaskProducer* producer);

  // INTERNAL for a store missing from TaskStores (it would have no changelog topic).
  absl::Status Append(const state::StoreId& store, absl::string_view key,
                      std::optional<absl::string_view> value) override;

  // Column family -> changelog end offset of every store written since the last call, once
  // its records were delivered (call after a successful flush or transaction commit).
  state::ChangelogOffsets TakeOffsets();

 private:
  const std::vector<TaskStore> stores_;
  TaskProducer* const producer_;
  std::vector<bool> written_;  // per store, since the last TakeOffsets
};

// Replays the changelog of each store of a task from the offset its local state reflects (or
// from the beginning) to the end of the committed log, writing straight to RocksDB with the
// offset reached. Owned by the task while it restores; worker thread.
class ChangelogRestorer {
 public:
  static absl::StatusOr<std::unique_ptr<ChangelogRestorer>> Create(const std::string& bootstrap,
                                                                   const std::string& client_id,
                                                                   state::TenantStateDb* db,
                                                                   std::vector<TaskStore> stores);
  ~ChangelogRestorer();

  // Restores one batch; true once every changelog partition reached its end. Errors: Kafka's
  // (FromKafka) or DATA_LOSS for a record a store cannot have written.
  absl::StatusOr<bool> Step();

  uint64_t records() const { return records_; }
  uint64_t bytes() const { return bytes_; }
  // Estimated records still to replay: per partition not yet at its end, the consumer's last
  // known end (the last stable offset, as it reads read_committed) minus its position. It
  // counts transaction markers too, so it over-estimates slightly. Updated by Step.
  uint64_t remaining_records() const { return remaining_records_; }
  // remaining_records() at the rate replayed so far; nullopt before the first record.
  std::optional<absl::Duration> EstimatedTimeLeft(absl::Time now) const;

  // The changelog offset the local stores reflect (the next offset to apply), summed over the
  // task's stores; a store restored from the beginning counts 0 until its first batch.
  int64_t applied_offset() const;
  // Changelog end offsets, queried from the broker now (never a cached watermark, which reads
  // 0 before the first fetch), minus the offsets applied, summed over the stores. Blocks up to
  // `timeout` per store; Kafka's error (FromKafka) when a broker does not answer.
  absl::StatusOr<int64_t> Lag(int timeout_ms);

 private:
  ChangelogRestorer(std::vector<TaskStore> stores, state::TenantStateDb* db)
      : stores_(std::move(stores)), txn_(db, nullptr) {}

  const std::vector<TaskStore> stores_;
  state::StateTransaction txn_;  // only binds the stores; nothing is buffered
  std::vector<std::unique_ptr<state::StateStore>> opened_;  // per store; before txn_ dies
  std::vector<bool> done_;
  std::vector<int64_t> positions_;  // per store: next offset to apply; -1 from the beginning
  rd_kafka_t* consumer_ = nullptr;
  rd_kafka_queue_t* queue_ = nullptr;
  const absl::Time started_ = absl::Now();
  uint64_t records_ = 0;
  uint64_t bytes_ = 0;
  uint64_t remaining_records_ = 0;

  void UpdateRemaining();
};

}  // namespace skein::executor
