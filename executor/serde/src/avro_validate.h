#pragma once

// A bounds check of Avro binary data against its writer schema, run before Avro C decodes it.

#include <avro.h>

#include <string_view>

#include "absl/status/status.h"

namespace skein::serde::internal {

// Most array/map items one record may hold. Items of a zero-size type (null, an empty record)
// take no bytes, so the payload length alone does not bound their count.
inline constexpr int64_t kMaxAvroItems = 1 << 20;
// Deepest nesting of records/arrays/maps/unions one record may use (recursive schemas).
inline constexpr int kMaxAvroDepth = 100;

// Walks `payload` as one datum of `schema` without building values. OK when Avro C can decode
// it without trusting a length it has not checked: every string/bytes length and fixed size
// fits in the remaining bytes, counts are sane, union branches and enum symbols exist, varints
// end. INVALID_ARGUMENT ("AVRO: ...") otherwise. Avro C itself allocates whatever a (possibly
// negative or huge) length prefix says before reading the bytes, and leaks that buffer when
// the bytes are missing, so one malformed record could otherwise exhaust the executor's memory.
// Trailing bytes after the datum are allowed, as Avro C allows them. Thread-safe (reads only).
absl::Status ValidateAvroBinary(avro_schema_t schema, std::string_view payload);

}  // namespace skein::serde::internal
