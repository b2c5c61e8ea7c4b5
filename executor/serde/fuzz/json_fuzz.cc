// libFuzzer entry point for the JSON format: decoding arbitrary bytes must never crash, and
// anything that decodes must re-encode. Built only with -DSKEIN_FUZZ=ON and clang.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "skein/serde/format.h"

namespace {

using skein::serde::Column;
using skein::types::SqlType;

skein::serde::Format* Instance() {
  static skein::serde::Format* format = [] {
    std::vector<Column> cols;
    for (auto& [name, type] : std::vector<std::pair<std::string, SqlType>>{
             {"I", SqlType::Integer()},
             {"N", SqlType::Decimal(10, 2)},
             {"S", SqlType::String()},
             {"M", SqlType::Map(SqlType::String(), SqlType::Array(SqlType::Double()))},
             {"X", SqlType::Struct({{"A", SqlType::Bytes()}, {"B", SqlType::Timestamp()}})}}) {
      cols.push_back({name, type, skein::types::ColumnNamespace::kValue});
    }
    return skein::serde::MakeFormat("JSON", cols).value().release();
  }();
  return format;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  skein::serde::Format* f = Instance();
  std::vector<skein::types::Value> row(f->columns().size());
  auto r = f->Decode(std::string_view(reinterpret_cast<const char*>(data), size), row);
  if (!r.ok()) {
    if (r.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  std::string out;
  if (!f->Encode(row, &out).ok()) std::abort();
  return 0;
}
