#pragma once

// Logical schemas of streams and tables, and the in-memory row layout operators use.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/types/sql_type.h"
#include "skein/types/value.h"

namespace skein::types {

// Where a column's data lives in a Kafka record.
enum class ColumnNamespace : uint8_t { kKey, kValue, kHeader };

// One column: name (case-sensitive; the parser upper-cases unquoted identifiers), type and
// namespace.
struct Column {
  std::string name;
  SqlType type;
  ColumnNamespace ns = ColumnNamespace::kValue;

  friend bool operator==(const Column& a, const Column& b) {
    return a.name == b.name && a.type == b.type && a.ns == b.ns;
  }
};

// A row is one flat vector of values laid out exactly as its Schema's columns: key columns
// first, then value columns, then header columns. One vector (rather than key + value
// vectors) lets projections and expressions address any column by a single index computed at
// plan time, and lets serde decode keys and values straight into slices of the same vector
// (Schema::key_range() / value_range()). The row's timestamp, partition and offset travel
// beside it in the executor's record batch, not here.
using Row = std::vector<Value>;

// Ordered columns of a source or of an operator's output. Immutable after Build().
// Threading: immutable, safe to share.
class Schema {
 public:
  class Builder {
   public:
    Builder& Key(std::string name, SqlType type);
    Builder& Val(std::string name, SqlType type);
    Builder& Header(std::string name, SqlType type);
    // INVALID_ARGUMENT on a duplicate column name.
    absl::StatusOr<Schema> Build() const;

   private:
    std::vector<Column> keys_, values_, headers_;
  };

  Schema() = default;

  const std::vector<Column>& columns() const { return columns_; }
  size_t size() const { return columns_.size(); }
  const Column& column(size_t i) const { return columns_[i]; }
  size_t num_keys() const { return num_keys_; }
  size_t num_values() const { return num_values_; }
  // [begin, end) index ranges of each namespace inside a Row.
  size_t value_begin() const { return num_keys_; }
  size_t header_begin() const { return num_keys_ + num_values_; }
  std::vector<Column> KeyColumns() const;
  std::vector<Column> ValueColumns() const;

  // Index of a column by exact name, or -1.
  int IndexOf(std::string_view name) const;

  // ksqlDB's LogicalSchema text: "`ID` BIGINT KEY, `NAME` STRING" (HEADERS for header columns).
  // With quote_names=false: "ID BIGINT KEY, NAME STRING" (the form DESCRIBE prints).
  std::string ToString(bool quote_names = true) const;

  friend bool operator==(const Schema& a, const Schema& b) { return a.columns_ == b.columns_; }

 private:
  std::vector<Column> columns_;
  size_t num_keys_ = 0;
  size_t num_values_ = 0;
};

}  // namespace skein::types
