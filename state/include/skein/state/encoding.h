#pragma once

// Byte encodings whose memcmp order is the order of the values they encode, so RocksDB's
// bytewise comparator sorts composite keys field by field. Shared by the state stores and by
// anyone (the executor's serializers, tests) that builds or parses store keys.
//
// All functions are pure and thread-safe. `Consume*` functions read one field from the front
// of `*in`, advance it past the field and return false (leaving `*in` unspecified) when the
// input is truncated or malformed; they never abort on input.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace skein::state::encoding {

inline constexpr size_t kInt64Size = 8;

// Appends `v` as 8 big-endian bytes.
void AppendUint64(std::string* out, uint64_t v);
bool ConsumeUint64(absl::string_view* in, uint64_t* v);

// Appends `v` as 8 big-endian bytes with the sign bit flipped, so that negative numbers sort
// before positive ones under memcmp (two's complement alone would put -1 after INT64_MAX).
void AppendInt64(std::string* out, int64_t v);
bool ConsumeInt64(absl::string_view* in, int64_t* v);
std::string EncodeInt64(int64_t v);
// Decodes exactly 8 bytes; nullopt for any other size.
std::optional<int64_t> DecodeInt64(absl::string_view in);

// Appends a 4-byte big-endian length and the bytes. Unambiguous and compact, but it does NOT
// preserve the bytes' order across different lengths ("b" sorts before "aa"); use it where
// only equality and grouping matter (values, changelog payloads).
void AppendLengthPrefixed(std::string* out, absl::string_view bytes);
bool ConsumeLengthPrefixed(absl::string_view* in, absl::string_view* bytes);

// Appends `bytes` escaped (0x00 -> 0x00 0xFF) and terminated by 0x00 0x01. The result is
// prefix-free (no encoding is a prefix of another) and memcmp order of encodings equals the
// lexicographic order of the raw bytes, so a variable-length key can be followed by more
// fields without ambiguity and still sort as the key does. Costs 2 bytes plus one per NUL.
void AppendOrderedBytes(std::string* out, absl::string_view bytes);
bool ConsumeOrderedBytes(absl::string_view* in, std::string* bytes);
// Advances past one ordered-bytes field without decoding it; on success `*encoded` views the
// whole encoded field (escapes and terminator included).
bool SkipOrderedBytes(absl::string_view* in, absl::string_view* encoded);

// The smallest string greater than every string that starts with `prefix`: an exclusive upper
// bound for a prefix scan. nullopt when no such string exists (`prefix` is empty or all 0xFF),
// meaning the scan is unbounded above.
std::optional<std::string> PrefixSuccessor(absl::string_view prefix);

}  // namespace skein::state::encoding
