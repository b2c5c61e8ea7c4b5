#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "skein/common/clock.h"
#include "skein/tenant/quota.h"

namespace skein::tenant {

// Who made a request, as established from its bearer token.
struct Principal {
  bool platform_admin = false;
  std::string tenant;    // empty for the platform admin
  std::string token_id;  // "admin" for the platform admin token
};

struct TokenInfo {
  std::string id;
  std::string tenant;
  std::string description;
  absl::Time created_at;
};

struct TenantInfo {
  std::string name;
  Quota quota;
  absl::Time created_at;
  std::vector<TokenInfo> tokens;  // live tokens only (revoked ones are forgotten)
};

// A token as issued: `secret` is shown to the caller once and never stored.
struct IssuedToken {
  std::string id;
  std::string secret;
};

// The cluster's tenants, their quotas and their API tokens (SHA-256 digests only), plus the
// platform admin token's digest. Owned by the CoordinatorServer; thread-safe (one mutex, never
// held across I/O). Not per-tenant: it is the directory of tenants.
class TenantRegistry {
 public:
  explicit TenantRegistry(const Clock* clock) : clock_(clock) {}

  // The digest (HashToken) of the platform admin token.
  void SetAdminTokenDigest(std::string digest);

  // INVALID_ARGUMENT for a bad name or a negative limit; ALREADY_EXISTS.
  absl::Status Create(const std::string& name, const Quota& quota);
  std::vector<TenantInfo> List() const;  // sorted by name
  // NOT_FOUND for an unknown tenant.
  absl::StatusOr<TenantInfo> Describe(const std::string& name) const;
  // Forgets the tenant and revokes all its tokens. NOT_FOUND for an unknown tenant.
  absl::Status Delete(const std::string& name);
  bool Exists(const std::string& name) const;
  // NOT_FOUND, INVALID_ARGUMENT for a negative limit.
  absl::Status SetQuota(const std::string& name, const Quota& quota);
  absl::StatusOr<Quota> QuotaOf(const std::string& name) const;

  // Issues a token for `tenant` (NOT_FOUND when unknown; INTERNAL when the CSPRNG fails).
  absl::StatusOr<IssuedToken> IssueToken(const std::string& tenant, const std::string& description);
  // Puts back a token known only by its digest (metadata replay). NOT_FOUND for an unknown
  // tenant.
  absl::Status RestoreToken(const TokenInfo& info, std::string digest);
  // Revokes token `id` of `tenant`; NOT_FOUND when the tenant has no such token.
  absl::Status RevokeToken(const std::string& tenant, const std::string& id);

  // The principal `bearer` stands for; UNAUTHENTICATED when it is not a live token. Compares
  // the presented token's digest with every stored digest in constant time, without stopping
  // at a match, so the time taken does not depend on which token (if any) matched.
  absl::StatusOr<Principal> Authenticate(const std::string& bearer) const;

 private:
  struct StoredToken {
    TokenInfo info;
    std::string digest;
  };
  struct Tenant {
    Quota quota;
    absl::Time created_at;
  };

  const Clock* const clock_;
  mutable absl::Mutex mu_;
  std::string admin_digest_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Tenant> tenants_ ABSL_GUARDED_BY(mu_);
  std::vector<StoredToken> tokens_ ABSL_GUARDED_BY(mu_);
};

}  // namespace skein::tenant
