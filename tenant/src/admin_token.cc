#include "skein/tenant/admin_token.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "skein/tenant/token.h"

namespace skein::tenant {

absl::StatusOr<AdminToken> LoadAdminToken(const std::string& path) {
  if (path.empty()) {
    absl::StatusOr<std::string> secret = GenerateToken();
    if (!secret.ok()) return secret.status();
    return AdminToken{*secret, true};
  }
  std::ifstream in(path);
  std::string line;
  if (!in.is_open() || !std::getline(in, line)) {
    return absl::FailedPreconditionError(absl::StrCat("cannot read the admin token file ", path));
  }
  std::string secret(absl::StripAsciiWhitespace(line));
  if (secret.size() < 16) {
    return absl::FailedPreconditionError(
        absl::StrCat("the admin token in ", path, " has ", secret.size(),
                     " characters; use at least 16 (e.g. openssl rand -hex 32 > ", path, ")"));
  }
  return AdminToken{secret, false};
}

}  // namespace skein::tenant
