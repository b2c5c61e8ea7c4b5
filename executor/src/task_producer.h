#pragma once

// Private: the Kafka producer of one worker thread, idempotent (at-least-once tasks) or
// transactional (exactly-once tasks), through which task output and changelog records go.

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "skein/runtime/stage_task.h"

namespace skein::executor {

// Owned by one Worker; every call (and every delivery report, served by Poll/Flush/commit)
// happens on that worker's thread. Not per tenant: a worker's tasks of every tenant share it.
//
// Transactional use: BeginIfNeeded() before producing, SendOffsets() per task, then
// CommitTransaction(). Its codes: OK; ABORTED when the transaction could not commit and was
// aborted (the caller drops uncommitted work and reprocesses from the committed offsets);
// FAILED_PRECONDITION when the producer was fenced or failed fatally (a newer producer owns the
// transactional id: the caller must give its tasks up and destroy this producer).
class TaskProducer final : public runtime::RecordSink {
 public:
  // `transactional_id` empty: an idempotent producer. A transactional one is initialized here
  // (init_transactions fences earlier producers with the same id), blocking up to 30 s.
  static absl::StatusOr<std::unique_ptr<TaskProducer>> Create(const std::string& bootstrap,
                                                              const std::string& client_id,
                                                              const std::string& transactional_id);
  ~TaskProducer() override;
  TaskProducer(const TaskProducer&) = delete;
  TaskProducer& operator=(const TaskProducer&) = delete;

  bool transactional() const { return transactional_; }
  bool in_transaction() const { return in_transaction_; }

  // runtime::RecordSink: task output.
  absl::StatusOr<int32_t> Partitions(std::string_view topic) override;
  absl::Status Write(runtime::Record record) override;

  // A changelog record; its delivered offset is tracked for DeliveredEnd().
  absl::Status SendChangelog(const std::string& topic, int32_t partition, std::string_view key,
                             std::optional<std::string_view> value);
  // The offset after the last delivered changelog record of (topic, partition), if any.
  std::optional<int64_t> DeliveredEnd(const std::string& topic, int32_t partition) const;

  // Serves delivery reports without blocking.
  void Poll();
  // Idempotent mode: waits until everything produced is acknowledged; the first delivery
  // failure since the last Flush otherwise (outputs may be lost: do not commit their inputs).
  absl::Status Flush();

  absl::Status BeginIfNeeded();
  // Adds `offsets` (topic -> next offset, all of partition `partition`) of the consumer's group
  // to the open transaction.
  absl::Status SendOffsets(rd_kafka_t* consumer, const std::map<std::string, int64_t>& offsets,
                           int32_t partition);
  absl::Status CommitTransaction();
  // Aborts the open transaction (best effort; a fatal error shows at the next call).
  void AbortTransaction();

 private:
  TaskProducer() = default;
  absl::Status Produce(const char* topic, int32_t partition, const void* key, size_t key_size,
                       const void* value, size_t value_size, int64_t timestamp,
                       rd_kafka_headers_t* headers, void* opaque);
  // Maps a transactional API error: ABORTED (after aborting) if it requires an abort,
  // FAILED_PRECONDITION if fatal, UNAVAILABLE if retriable. Destroys `error`.
  absl::Status TxnError(rd_kafka_error_t* error, const char* op);

  rd_kafka_t* rk_ = nullptr;
  bool transactional_ = false;
  bool in_transaction_ = false;
  absl::Status delivery_error_;
  absl::flat_hash_map<std::string, int64_t> delivered_end_;  // "topic/partition" -> next
  std::map<std::string, int32_t> partitions_;
};

}  // namespace skein::executor
