#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace skein::tenant {

struct AdminToken {
  std::string secret;
  bool generated = false;  // true: nobody has seen it yet, so the caller prints it once
};

// The platform admin token: the first line of `path` (surrounding whitespace trimmed), or a
// fresh random token when `path` is empty. FAILED_PRECONDITION when the file cannot be read
// or holds fewer than 16 characters (too guessable to guard every tenant).
absl::StatusOr<AdminToken> LoadAdminToken(const std::string& path);

}  // namespace skein::tenant
