#pragma once

// A compact, self-describing binary encoding of types::Value trees, for operator state in the
// RocksDB stores (aggregate states, group keys, suppression buffers). Not an interchange
// format: it is read back only by the same operator code. Equal values of the same kind encode
// to equal bytes, so encodings can key a store.
//
// Pure functions; thread-safe.

#include <string>
#include <string_view>

#include "skein/types/value.h"

namespace skein::runtime::internal {

// Appends the encoding of `v` to *out.
void EncodeValue(const types::Value& v, std::string* out);
std::string EncodeValue(const types::Value& v);

// Decodes one value from the front of *in, advancing it. false on truncated or malformed
// input (state written by another version, corruption); *out is then unspecified.
bool DecodeValue(std::string_view* in, types::Value* out);

}  // namespace skein::runtime::internal
