// libFuzzer entry point shared by the serde fuzz targets; see fuzz_format.h for the checks.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_format.h"

namespace skein::serde::fuzz {
namespace {

[[noreturn]] void Fail(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "serde fuzz check failed: %.*s: %.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

std::string RowText(const std::vector<Value>& row) {
  std::string out = "[";
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) out += ", ";
    out += row[i].ToDebugString();
  }
  return out + "]";
}

// Whether `again` (after re-encoding) is what `decoded` must read back as.
bool SameRow(const FuzzTarget& target, const std::vector<Value>& decoded,
             const std::vector<Value>& again) {
  for (size_t i = 0; i < decoded.size(); ++i) {
    if (decoded[i] == again[i]) continue;
    if (target.empty_string_reads_back_as_null && again[i].is_null() && !decoded[i].is_null() &&
        decoded[i].kind() == types::TypeKind::kString && decoded[i].str().empty()) {
      continue;
    }
    return false;
  }
  return true;
}

FuzzTarget& Target() {
  static FuzzTarget* target = [] {
    auto* t = new FuzzTarget(MakeFuzzTarget());
    if (t->format == nullptr) Fail("harness", "MakeFuzzTarget() returned no format");
    return t;
  }();
  return *target;
}

}  // namespace
}  // namespace skein::serde::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using skein::serde::RecordKind;
  using skein::serde::fuzz::Fail;
  skein::serde::fuzz::FuzzTarget& target = skein::serde::fuzz::Target();
  skein::serde::Format& format = *target.format;

  std::string input = target.prefix;
  input.append(reinterpret_cast<const char*>(data), size);
  std::vector<skein::types::Value> row(format.columns().size());
  auto decoded = format.Decode(input, row);
  if (!decoded.ok()) {
    // Bad input is the record's fault: anything else would stop a task instead of logging it.
    if (decoded.status().code() != absl::StatusCode::kInvalidArgument) {
      Fail("decode returned a code other than INVALID_ARGUMENT", decoded.status().ToString());
    }
    return 0;
  }
  std::string encoded;
  auto kind = format.Encode(row, &encoded);
  if (!kind.ok()) Fail("a decoded row does not encode", kind.status().ToString());
  if (*kind == RecordKind::kNull) return 0;

  std::vector<skein::types::Value> again(row.size());
  auto redecoded = format.Decode(encoded, again);
  if (!redecoded.ok()) Fail("re-encoded bytes do not decode", redecoded.status().ToString());
  if (!skein::serde::fuzz::SameRow(target, row, again)) {
    Fail("round trip changed the row", "decoded " + skein::serde::fuzz::RowText(row) +
                                           ", after re-encoding " +
                                           skein::serde::fuzz::RowText(again));
  }
  return 0;
}
