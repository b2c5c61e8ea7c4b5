#pragma once

// Where bad records go: the processing log (ksqlDB's KSQL_PROCESSING_LOG) and its counters.

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"

namespace skein::runtime {

// What went wrong with one record, and where it came from.
struct ProcessingLogEntry {
  enum class Kind { kDeserialization, kExpression, kSerialization, kOther };
  Kind kind = Kind::kOther;
  std::string query_id;
  std::string reason;  // readable cause, e.g. "JSON: expected a number for column PRICE"
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
};

// Sink for per-record failures. A bad record never fails the query: the operator that met it
// writes one entry here, bumps its counters and moves on.
// Implementations: InMemoryProcessingLog (here; `skein test`, and the executor's default before
// the processing-log topic is wired), a Kafka topic writer in the executor.
// Threading: Write() may be called from any worker thread; implementations synchronise.
class ProcessingLog {
 public:
  virtual ~ProcessingLog() = default;
  virtual void Write(const ProcessingLogEntry& entry) = 0;
};

// Keeps entries in memory (bounded; the oldest are dropped past `capacity`) and counts all.
// Owned by whoever runs the tasks (local engine, tests). Threading: thread-safe.
class InMemoryProcessingLog final : public ProcessingLog {
 public:
  explicit InMemoryProcessingLog(size_t capacity = 10000) : capacity_(capacity) {}

  void Write(const ProcessingLogEntry& entry) override;

  std::vector<ProcessingLogEntry> Entries() const;
  uint64_t total() const;

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::vector<ProcessingLogEntry> entries_ ABSL_GUARDED_BY(mu_);
  uint64_t total_ ABSL_GUARDED_BY(mu_) = 0;
};

// Discards entries; for callers that only want counters.
class NullProcessingLog final : public ProcessingLog {
 public:
  void Write(const ProcessingLogEntry&) override {}
};

}  // namespace skein::runtime
