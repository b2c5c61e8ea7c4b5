#pragma once

// Private: the executor's processing log — one JSON record per bad record, produced to the
// tenant's processing-log topic (which the coordinator creates and exposes to the tenant as
// the stream KSQL_PROCESSING_LOG), and a line in the executor's log.

#include <librdkafka/rdkafka.h>

#include <string>

#include "absl/synchronization/mutex.h"
#include "skein/runtime/processing_log.h"

namespace skein::executor {

// Owned by the TaskHost; one per executor. Write() is thread-safe (librdkafka's producer is)
// and never blocks on Kafka: a full queue or a missing topic drops the Kafka copy and keeps
// the log line. Until Connect() the entries only go to the log.
class KafkaProcessingLog final : public runtime::ProcessingLog {
 public:
  ~KafkaProcessingLog() override;
  // Starts producing to `bootstrap` (idempotent; the first bootstrap wins).
  void Connect(const std::string& bootstrap);
  // Writes for `tenant`; runtime::ProcessingLog::Write (no tenant) logs only.
  void WriteFor(const std::string& tenant, const runtime::ProcessingLogEntry& entry);
  void Write(const runtime::ProcessingLogEntry& entry) override;

 private:
  absl::Mutex mu_;
  rd_kafka_t* producer_ ABSL_GUARDED_BY(mu_) = nullptr;
};

// The per-task view: tags entries with the task's tenant.
class TenantProcessingLog final : public runtime::ProcessingLog {
 public:
  TenantProcessingLog(KafkaProcessingLog* log, std::string tenant)
      : log_(log), tenant_(std::move(tenant)) {}
  void Write(const runtime::ProcessingLogEntry& entry) override { log_->WriteFor(tenant_, entry); }

 private:
  KafkaProcessingLog* log_;
  std::string tenant_;
};

}  // namespace skein::executor
