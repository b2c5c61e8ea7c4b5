#include "skein/tenant/token.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace skein::tenant {
namespace {

absl::StatusOr<std::string> RandomHex(int bytes) {
  std::string raw(static_cast<size_t>(bytes), '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes) != 1) {
    return absl::InternalError("the OpenSSL random generator failed; no token was issued");
  }
  return absl::BytesToHexString(raw);
}

}  // namespace

absl::StatusOr<std::string> GenerateToken() {
  absl::StatusOr<std::string> hex = RandomHex(32);
  if (!hex.ok()) return hex.status();
  return absl::StrCat("skt_", *hex);
}

absl::StatusOr<std::string> GenerateTokenId() {
  absl::StatusOr<std::string> hex = RandomHex(6);
  if (!hex.ok()) return hex.status();
  return absl::StrCat("tok-", *hex);
}

std::string HashToken(absl::string_view token) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

bool DigestEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace skein::tenant
