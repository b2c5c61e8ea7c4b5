#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace skein {

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const;
};

// Parses "host:port" ("127.0.0.1:7070", "[::1]:7070", "localhost:0").
// INVALID_ARGUMENT with the expected form when malformed.
absl::StatusOr<HostPort> ParseHostPort(absl::string_view text);

// Checks that a TCP listener can bind `addr` right now, so a server can fail with the real
// reason ("address already in use") instead of gRPC's opaque start failure.
// FAILED_PRECONDITION naming the address and the errno text when it cannot.
absl::Status CheckCanListen(const HostPort& addr);

}  // namespace skein
