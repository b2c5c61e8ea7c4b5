#pragma once

// In-memory Kafka stand-in: the record I/O `skein test` and unit tests run operators over.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "skein/runtime/record.h"

namespace skein::runtime {

// Where a record stands in the global processing order of `skein test`: records appended from
// outside (test inputs) are ordered by append; a record a task appended while processing
// another record inherits that record's `cause`, so it is processed before anything appended
// later from outside — the depth-first order in which Kafka Streams' TopologyTestDriver pushes
// each input record through every sub-topology (repartition topics included).
struct AppendOrder {
  uint64_t cause = 0;
  uint64_t seq = 0;  // global append sequence, breaks ties
  friend auto operator<=>(const AppendOrder&, const AppendOrder&) = default;
};

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
  // Append of a record caused by processing a record of order `cause` (see AppendOrder).
  absl::StatusOr<int64_t> AppendCausedBy(Record record, uint64_t cause);

  // Records of one partition from `from_offset`, at most `max` of them.
  absl::StatusOr<std::vector<Record>> Read(std::string_view topic, int32_t partition,
                                           int64_t from_offset, size_t max = SIZE_MAX) const;
  // End offset (next offset to be written) of a partition.
  absl::StatusOr<int64_t> EndOffset(std::string_view topic, int32_t partition) const;
  // Every record of a topic in append order across partitions (for test output comparison).
  absl::StatusOr<std::vector<Record>> ReadAll(std::string_view topic) const;
  // Number of records of a topic (all partitions); 0 for an unknown topic.
  size_t Size(std::string_view topic) const;
  // The `index`-th record of a topic in append order across partitions, and its order.
  absl::StatusOr<std::pair<Record, AppendOrder>> At(std::string_view topic, size_t index) const;
  // The order of that record; nullopt when the topic has no such record.
  std::optional<AppendOrder> OrderAt(std::string_view topic, size_t index) const;

 private:
  struct Topic {
    std::vector<std::vector<Record>> partitions;
    std::vector<Record> all;         // append order across partitions
    std::vector<AppendOrder> order;  // parallel to `all`
  };
  absl::StatusOr<int64_t> AppendLocked(Record record, std::optional<uint64_t> cause)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 0;
  mutable std::mutex mu_;
  std::map<std::string, Topic, std::less<>> topics_ ABSL_GUARDED_BY(mu_);
};

}  // namespace skein::runtime
