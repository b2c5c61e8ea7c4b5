#pragma once

// Private: a self-describing binary encoding of SQL values and rows for state stores (join
// buffers, materialized tables). Each value carries its kind, so decoding needs no schema;
// it is not an interchange format and never leaves the task's stores and changelogs.
// Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "skein/runtime/record.h"
#include "skein/types/value.h"

namespace skein::runtime::internal {

void AppendValue(std::string* out, const types::Value& v);
// Reads one value from the front of *in and advances it; false for truncated/malformed input.
bool ConsumeValue(std::string_view* in, types::Value* v);

// A join key as store key bytes (equal values give equal bytes).
std::string EncodeKey(const types::Value& key);

// A stored row: its values, value_null, timestamp, partition and offset.
void AppendRow(std::string* out, const RowRecord& row);
bool ConsumeRow(std::string_view* in, RowRecord* row);

// A list of rows (records of one key at one timestamp in a join buffer).
std::string EncodeRows(const std::vector<RowRecord>& rows);
bool DecodeRows(std::string_view in, std::vector<RowRecord>* rows);

}  // namespace skein::runtime::internal
