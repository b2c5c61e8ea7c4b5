#pragma once

// Record formats: turn the key or value bytes of a Kafka record into column values and back.

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/types/schema.h"
#include "skein/types/value.h"

namespace skein::serde {

class SchemaRegistry;

using types::Column;
using types::Value;

// Whether a record part is present or a Kafka null (a tombstone for a table's value).
enum class RecordKind { kPresent, kNull };

// How a format is configured: which side of the record it serves and its WITH properties.
struct FormatOptions {
  // Keys and values differ: a single key column is never wrapped in an object/record, a
  // single value column is unless WRAP_SINGLE_VALUE=false.
  bool is_key = false;
  // Property names are matched case-insensitively: WRAP_SINGLE_VALUE (JSON, AVRO),
  // DELIMITER / KEY_DELIMITER / VALUE_DELIMITER (DELIMITED: a single character, "TAB" or
  // "SPACE").
  // Also FULL_SCHEMA_NAME (AVRO: the top-level record's full name).
  std::map<std::string, std::string> properties;
  // AVRO only: where schemas are registered and looked up (not owned; must outlive the
  // format), and the subject the generated schema is registered under ("<topic>-value").
  SchemaRegistry* schema_registry = nullptr;
  std::string subject;
};

// A format bound to the columns of one side of a record (e.g. the value columns of a source).
// Created once per task operator by MakeFormat(), which also validates that the format
// supports the column types (so the compiler can call MakeFormat to check a statement).
//
// Decode/Encode are the data path: no per-call allocation beyond the values themselves, and
// they never crash on input: a malformed record yields INVALID_ARGUMENT with a readable reason
// ("JSON: expected a number for column PRICE ..."); the caller counts it, writes the processing
// log and moves on. Decoded STRING/BYTES values own their bytes (std::string, inline up to 15
// bytes), so rows outlive the Kafka message they came from.
//
// Threading: an instance keeps scratch state (the JSON parser and buffers), so it is used by
// one thread at a time: the worker that owns the task. Make one instance per task.
class Format {
 public:
  virtual ~Format() = default;

  // Upper-case format name: "JSON", "DELIMITED", "KAFKA", "NONE", "AVRO".
  virtual std::string_view name() const = 0;
  const std::vector<Column>& columns() const { return columns_; }

  // Decodes `bytes` (std::nullopt for a Kafka null) into out[0 .. columns().size()), which the
  // caller sizes (typically a slice of the Row). Returns kNull for a null record (Kafka null or
  // a JSON `null` value) with every output set to NULL.
  virtual absl::StatusOr<RecordKind> Decode(std::optional<std::string_view> bytes,
                                            std::span<Value> out) = 0;

  // Encodes values[0 .. columns().size()) into *out (cleared first). Returns kNull when the
  // record part must be written as a Kafka null (e.g. an unwrapped single value that is NULL,
  // or a format without columns), in which case *out is empty.
  virtual absl::StatusOr<RecordKind> Encode(std::span<const Value> values, std::string* out) = 0;

 protected:
  explicit Format(std::vector<Column> columns) : columns_(std::move(columns)) {}

  std::vector<Column> columns_;
};

// Creates the format `name` (case-insensitive: JSON, DELIMITED, KAFKA, NONE, AVRO) for
// `columns`. AVRO registers its generated schema, so it may also fail with the registry's code.
// INVALID_ARGUMENT with ksqlDB's wording for an unknown format ("Unknown format: FOO"), an
// unsupported property, or a column type the format cannot hold.
absl::StatusOr<std::unique_ptr<Format>> MakeFormat(std::string_view name,
                                                   const std::vector<Column>& columns,
                                                   const FormatOptions& options = {});

}  // namespace skein::serde
