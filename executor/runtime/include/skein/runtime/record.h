#pragma once

// Records as they cross the runtime's I/O boundary, and rows as they move between operators.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "skein/types/value.h"

namespace skein::runtime {

using Header = std::pair<std::string, std::optional<std::string>>;

// One Kafka record, as read from a topic partition (or written to one). Key and value are
// std::nullopt for a Kafka null. The same struct is used by the executor's Kafka I/O and by
// InMemoryTopics, so operators never know where records come from.
struct Record {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = -1;    // assigned by the topic on append; -1 before
  int64_t timestamp = 0;  // milliseconds since the epoch
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<Header> headers;

  // Key and value bytes (what metering counts as a record's size).
  uint64_t PayloadBytes() const { return (key ? key->size() : 0) + (value ? value->size() : 0); }
};

// A row between operators: the values laid out as the operator's schema (KEY, VALUE, pseudo
// columns), plus the record metadata that travels beside it. `value_null` marks a row whose
// value part is absent (a Kafka null value): a table tombstone, or a stream record ksqlDB
// passes through projections as null and drops at filters.
struct RowRecord {
  std::vector<types::Value> values;
  bool value_null = false;
  // The record's key was a Kafka null: a sink writes a null key again if the key columns are
  // still all NULL (a rekey computes a new key and clears this).
  bool key_null = false;
  int64_t timestamp = 0;
  int32_t partition = 0;
  int64_t offset = -1;
  const std::vector<Header>* headers = nullptr;  // borrowed from the input record; may be null
};

// Operators exchange rows in batches so per-row overheads (virtual calls, checks of the
// processing log, quota accounting) are paid once per batch.
using RowBatch = std::vector<RowRecord>;

}  // namespace skein::runtime
