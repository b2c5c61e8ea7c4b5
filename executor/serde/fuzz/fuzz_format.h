#pragma once

// Shared harness of the serde libFuzzer targets (built only with -DSKEIN_FUZZ=ON under clang).
// Each target binary is one <format>_fuzz.cc, which says how its format is configured by
// defining MakeFuzzTarget(), plus fuzz_format_main.cc, which holds LLVMFuzzerTestOneInput and
// the checks every format must pass:
//   - decoding arbitrary bytes never crashes and fails only with INVALID_ARGUMENT;
//   - a row that decodes re-encodes, and the re-encoded bytes decode to the same row.
// Threading: libFuzzer calls the entry point from one thread.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "skein/serde/format.h"
#include "skein/types/sql_type.h"

namespace skein::serde::fuzz {

// What one target fuzzes: a format bound to its columns, and bytes put in front of every input
// (e.g. a Confluent wire-format header naming a registered schema), so the fuzzer spends its
// time on the payload rather than on rediscovering a fixed prefix.
struct FuzzTarget {
  std::unique_ptr<Format> format;
  std::string prefix;
  // DELIMITED writes an empty string as an empty field (except in the first column, as ksqlDB
  // does), which reads back as NULL: the round trip may turn '' into NULL and nothing else.
  bool empty_string_reads_back_as_null = false;
};

// Defined once per target binary; called once, before the first input. Aborts on failure
// (a broken harness, not a finding).
FuzzTarget MakeFuzzTarget();

// Value columns from (name, type) pairs, in order.
inline std::vector<Column> ValueColumns(
    std::vector<std::pair<std::string, types::SqlType>> columns) {
  std::vector<Column> out;
  for (auto& [name, type] : columns) {
    out.push_back({std::move(name), std::move(type), types::ColumnNamespace::kValue});
  }
  return out;
}

}  // namespace skein::serde::fuzz
