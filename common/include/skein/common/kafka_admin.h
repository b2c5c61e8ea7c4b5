#pragma once

// Topic administration through librdkafka's admin API: what the coordinator needs to create
// sink, repartition and changelog topics, and what tests use to set up inputs.

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace skein {

// One admin connection to a Kafka cluster. Threading: thread-safe (librdkafka handles are);
// each call blocks up to `timeout`.
class KafkaAdmin {
 public:
  // INVALID_ARGUMENT for a bad bootstrap; connecting is lazy.
  static absl::StatusOr<std::unique_ptr<KafkaAdmin>> Create(
      const std::string& bootstrap, absl::Duration timeout = absl::Seconds(30));
  ~KafkaAdmin();
  KafkaAdmin(const KafkaAdmin&) = delete;
  KafkaAdmin& operator=(const KafkaAdmin&) = delete;

  // Number of partitions of `topic`, or nullopt when it does not exist.
  absl::StatusOr<std::optional<int32_t>> Partitions(const std::string& topic);

  // Creates `topic` (replication -1: the broker's default.replication.factor) with topic-level
  // `configs` (cleanup.policy, retention.ms, ...), and waits until its metadata shows every
  // partition. ALREADY_EXISTS when it exists.
  absl::Status CreateTopic(const std::string& topic, int32_t partitions, int32_t replication = -1,
                           const std::map<std::string, std::string>& configs = {});

  // Creates `topic` unless it exists; FAILED_PRECONDITION when it exists with a different
  // partition count.
  absl::Status EnsureTopic(const std::string& topic, int32_t partitions, int32_t replication = -1,
                           const std::map<std::string, std::string>& configs = {});

  absl::Status DeleteTopic(const std::string& topic);

 private:
  KafkaAdmin(rd_kafka_t* rk, absl::Duration timeout) : rk_(rk), timeout_(timeout) {}
  // Runs one admin request and returns its per-topic result error.
  absl::Status AwaitTopicResult(rd_kafka_queue_t* queue, const std::string& what);

  rd_kafka_t* const rk_;
  const absl::Duration timeout_;
};

}  // namespace skein
