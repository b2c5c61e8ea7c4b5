#pragma once

// Private: the coordinator's metadata event log in a Kafka topic (see metadata.proto).

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "skein/common/kafka_admin.h"
#include "skein/v1/metadata.pb.h"

namespace skein::coordinator {

// Appends metadata events to a one-partition topic with an idempotent producer (acks=all) and
// reads them all back at start-up. Owned by the CoordinatorServer. Thread-safe: appends are
// serialized, so the log order is the order the coordinator applied the changes.
class MetadataLog {
 public:
  // Creates `topic` when missing (1 partition, retention forever). UNAVAILABLE when Kafka
  // cannot be reached.
  static absl::StatusOr<std::unique_ptr<MetadataLog>> Open(const std::string& bootstrap,
                                                           KafkaAdmin* admin,
                                                           const std::string& topic);
  ~MetadataLog();
  MetadataLog(const MetadataLog&) = delete;
  MetadataLog& operator=(const MetadataLog&) = delete;

  // Every event in the topic, oldest first. INTERNAL for a record that does not parse.
  absl::StatusOr<std::vector<v1::MetadataEvent>> ReadAll();

  // Writes `event` and waits until the broker acknowledged it. UNAVAILABLE on timeout.
  absl::Status Append(const v1::MetadataEvent& event);

  const std::string& topic() const { return topic_; }

 private:
  MetadataLog(std::string bootstrap, std::string topic, rd_kafka_t* producer)
      : bootstrap_(std::move(bootstrap)), topic_(std::move(topic)), producer_(producer) {}

  const std::string bootstrap_;
  const std::string topic_;
  rd_kafka_t* const producer_;
  absl::Mutex append_mu_;
};

}  // namespace skein::coordinator
