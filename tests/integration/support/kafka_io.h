#pragma once

// Producing test input to, and reading output from, the test broker with librdkafka.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace skein::testing {

struct KafkaRecord {
  int32_t partition = -1;  // produce: -1 = by key, with Kafka's Java default (murmur2)
  int64_t offset = -1;
  int64_t timestamp = 0;  // produce: 0 = now
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t received_ms = 0;  // ReadTopic: wall-clock time the reader received it
};

// Produces `records` in order (idempotent producer; keyed records partitioned as a Java
// producer would, so in-memory runs over the same input partition identically) and flushes.
absl::Status ProduceAll(const std::string& bootstrap, const std::string& topic,
                        const std::vector<KafkaRecord>& records);

// Reads every partition of `topic` from the beginning (read_committed) until at least
// `min_records` arrived and then nothing more for `settle`, or `timeout` passed. Returns the
// records per partition in offset order (partitions ascending).
absl::StatusOr<std::vector<KafkaRecord>> ReadTopic(const std::string& bootstrap,
                                                   const std::string& topic, size_t min_records,
                                                   absl::Duration timeout,
                                                   absl::Duration settle = absl::Seconds(1));

}  // namespace skein::testing
