#pragma once

// In-memory Kafka stand-in: the record I/O `skein test` and unit tests run operators over.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "skein/runtime/record.h"

namespace skein::runtime {

// Named topics with partitions, append and read by offset, like a broker that never deletes.
// Offsets are per partition, dense from 0. Owned by the local engine (or a test); the
// executor uses Kafka instead, behind the same Record type.
// Threading: thread-safe (one mutex); reads return copies.
class InMemoryTopics {
 public:
  // Creates `name` with `partitions` partitions; OK if it already exists with the same count,
  // ALREADY_EXISTS with a different count, INVALID_ARGUMENT for 0 partitions.
  absl::Status CreateTopic(std::string_view name, int32_t partitions);
  bool HasTopic(std::string_view name) const;
  // Partition count, or NOT_FOUND.
  absl::StatusOr<int32_t> Partitions(std::string_view name) const;
  std::vector<std::string> TopicNames() const;

  // Appends to record.topic / record.partition: NOT_FOUND if the topic does not exist,
  // OUT_OF_RANGE for a bad partition. Returns the offset assigned.
  absl::StatusOr<int64_t> Append(Record record);

  // Records of one partition from `from_offset`, at most `max` of them.
  absl::StatusOr<std::vector<Record>> Read(std::string_view topic, int32_t partition,
                                           int64_t from_offset, size_t max = SIZE_MAX) const;
  // End offset (next offset to be written) of a partition.
  absl::StatusOr<int64_t> EndOffset(std::string_view topic, int32_t partition) const;
  // Every record of a topic in append order across partitions (for test output comparison).
  absl::StatusOr<std::vector<Record>> ReadAll(std::string_view topic) const;

 private:
  struct Topic {
    std::vector<std::vector<Record>> partitions;
    std::vector<Record> all;  // append order across partitions
  };
  mutable std::mutex mu_;
  std::map<std::string, Topic, std::less<>> topics_ ABSL_GUARDED_BY(mu_);
};

}  // namespace skein::runtime
