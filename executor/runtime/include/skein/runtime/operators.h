#pragma once

// Stateless operators of a stage: Source (decode), Filter, Project, Rekey, FlatMap, Sink
// (encode). They work on batches of rows and never touch I/O: the stage task feeds them
// records and takes their output records.

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/runtime/eval_context.h"
#include "skein/runtime/expression.h"
#include "skein/runtime/plan_types.h"
#include "skein/runtime/processing_log.h"
#include "skein/runtime/record.h"
#include "skein/serde/format.h"
#include "skein/state/state_transaction.h"
#include "skein/state/store_id.h"
#include "skein/state/tenant_state_db.h"
#include "skein/v1/plan.pb.h"

namespace skein::runtime {

namespace internal {
class JavaTimeFormat;
class TimeZone;
}  // namespace internal

// Counters of one task's operators, read by metrics and tests.
struct OperatorMetrics {
  uint64_t records_in = 0;   // records offered to the source
  uint64_t records_out = 0;  // records produced by the sink
  uint64_t bytes_in = 0;     // key and value bytes of records_in
  uint64_t bytes_out = 0;    // key and value bytes of records_out
  uint64_t deserialization_errors = 0;
  uint64_t expression_errors = 0;
  uint64_t serialization_errors = 0;
  uint64_t filtered = 0;
  uint64_t null_key_dropped = 0;      // table records without a key (Kafka Streams skips them)
  uint64_t late_records_dropped = 0;  // records for windows closed by their grace period
};

// What every operator of a task shares: identity for the processing log, the log itself,
// and the counters. Owned by the StageTask. Threading: the task's worker only.
struct OperatorContext {
  std::string query_id;
  ProcessingLog* log = nullptr;  // never null (StageTask installs a NullProcessingLog)
  // The stage reads a table (changelog semantics): a filter turns a row that fails its
  // predicate into a tombstone instead of dropping it, as Kafka Streams' KTable#filter does.
  bool table = false;
  // ksql.timestamp.throw.on.invalid: an unusable event time stops the task instead of
  // skipping the record.
  bool throw_on_invalid_timestamp = false;
  // Set by an operator that must stop the task; ProcessBatch returns it.
  absl::Status fatal;
  OperatorMetrics metrics;

  // ---- state (stateful operators only)
  // Identity of the task's stores: StoreId{query_id, stage_id, partition, <store name>}.
  int32_t stage_id = 0;
  int32_t partition = 0;
  // Opens the tenant's state database; supplied by the host (TaskOptions::state_db). Null:
  // the host has no state, and State() fails with FAILED_PRECONDITION.
  std::function<absl::StatusOr<state::TenantStateDb*>()> state_db;
  // The task's write buffer, created by the first State() call; StageTask commits it after
  // every batch (the executor's exactly-once path commits it with the Kafka transaction).
  std::unique_ptr<state::StateTransaction> txn;
  // Receives every store write for the store's changelog (TaskOptions::changelog); may be null.
  state::ChangelogSink* changelog = nullptr;
  // Event time of the task: the largest record timestamp seen so far (Kafka Streams' stream
  // time), advanced by the source before the batch reaches the operators. INT64_MIN: none yet.
  int64_t stream_time = std::numeric_limits<int64_t>::min();

  // The task's state transaction (opening the database and creating the transaction on first
  // use), for stateful operators to open their stores on.
  absl::StatusOr<state::StateTransaction*> State();
  // StoreId of this task's store `name`.
  state::StoreId Store(std::string name) const {
    return state::StoreId{query_id, stage_id, partition, std::move(name)};
  }

  // Records a bad record: bumps no counter (the caller does), writes the processing log.
  void Report(ProcessingLogEntry::Kind kind, std::string reason, const std::string& topic,
              const RowRecord& row);
};

// A batch-to-batch operator (Filter, Project, Rekey, FlatMap). Created once per task.
// Threading: the task's worker only.
class RowOperator {
 public:
  virtual ~RowOperator() = default;
  // Transforms `batch` in place (rows may be dropped or multiplied).
  virtual void Process(RowBatch* batch) = 0;
  virtual const RowSchema& output_schema() const = 0;
};

// Decodes records of one topic into rows of the source schema: key and value through the
// topic's formats, header columns, pseudo columns (ROWTIME, ROWPARTITION, ROWOFFSET) and the
// TIMESTAMP column if the source names one. Malformed records go to the processing log.
class SourceOperator {
 public:
  static absl::StatusOr<std::unique_ptr<SourceOperator>> Create(const skein::v1::SourceOp& op,
                                                                OperatorContext* ctx);
  // Appends one row per well-formed record to *out.
  void Decode(std::span<const Record> records, RowBatch* out);
  const RowSchema& output_schema() const { return schema_; }
  const std::string& topic() const { return topic_; }
  bool is_table() const { return is_table_; }

 private:
  SourceOperator() = default;
  bool DecodeOne(const Record& record, RowRecord* row);
  // Strips the window from a windowed key, setting window_start_ / window_end_.
  absl::Status DecodeWindow(std::string_view* key);

  OperatorContext* ctx_ = nullptr;
  std::string topic_;
  bool is_table_ = false;
  RowSchema schema_;
  std::vector<int> key_index_, value_index_;
  std::unique_ptr<serde::Format> key_format_, value_format_;
  int timestamp_column_ = -1;
  std::shared_ptr<const internal::JavaTimeFormat> timestamp_format_;  // STRING time columns
  std::shared_ptr<const internal::TimeZone> utc_;
  // Keys then values at the start of the row (the usual layout): decode in place.
  bool contiguous_ = false;
  std::vector<types::Value> key_scratch_, value_scratch_;
  // Windowed topics: the key's window, and that of the record being decoded.
  skein::v1::WindowedKey windowed_key_;
  int64_t window_start_ = 0, window_end_ = 0;
};

// Encodes rows into records for the sink topic; tables write tombstones for null values.
class SinkOperator {
 public:
  static absl::StatusOr<std::unique_ptr<SinkOperator>> Create(const skein::v1::SinkOp& op,
                                                              OperatorContext* ctx);
  // Appends one record per row that encodes; the partition is chosen like Kafka's default
  // partitioner (murmur2 of the key bytes) over `partitions`, or the row's input partition
  // for a null key.
  void Encode(const RowBatch& rows, int32_t partitions, std::vector<Record>* out);
  const std::string& topic() const { return topic_; }

 private:
  SinkOperator() = default;

  OperatorContext* ctx_ = nullptr;
  std::string topic_;
  bool is_table_ = false;
  std::vector<int> key_index_, value_index_;
  std::unique_ptr<serde::Format> key_format_, value_format_;
  int timestamp_column_ = -1;
  // Key and value columns each form a contiguous run of the row: encode without copying.
  bool contiguous_ = false;
  std::vector<types::Value> key_scratch_, value_scratch_;
  // Windowed output: the key is followed by the window from these (WINDOWSTART, WINDOWEND)
  // row columns.
  skein::v1::WindowedKey windowed_key_;
  int window_start_index_ = -1, window_end_index_ = -1;
};

// Builds a Filter/Project/Rekey/FlatMap/Aggregate operator over rows of `input`.
absl::StatusOr<std::unique_ptr<RowOperator>> MakeRowOperator(const skein::v1::Operator& op,
                                                             const RowSchema& input,
                                                             OperatorContext* ctx);

// Kafka's default partitioner: murmur2 of the serialized key, made positive, modulo
// `partitions` (so records land where a Java producer would put them).
int32_t KafkaPartition(std::string_view key_bytes, int32_t partitions);

}  // namespace skein::runtime
