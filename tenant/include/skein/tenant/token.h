#pragma once

// API token primitives: secrets come from OpenSSL's CSPRNG, only their SHA-256 digests are
// kept, and digests are compared in constant time. Thread-safe (no state).

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace skein::tenant {

// A fresh bearer token: "skt_" and 64 hex characters (256 random bits).
// INTERNAL when the CSPRNG fails (never silently weaker).
absl::StatusOr<std::string> GenerateToken();

// A short random identifier for a token ("tok-" and 12 hex characters), safe to print and log.
absl::StatusOr<std::string> GenerateTokenId();

// The raw 32-byte SHA-256 digest of `token`.
std::string HashToken(absl::string_view token);

// True when `a` and `b` are equal, in time that depends only on their lengths.
bool DigestEquals(absl::string_view a, absl::string_view b);

}  // namespace skein::tenant
