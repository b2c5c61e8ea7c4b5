#include "skein/tenant/tenant_registry.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "skein/tenant/tenant_name.h"
#include "skein/tenant/token.h"

namespace skein::tenant {
namespace {

absl::Status ValidateQuota(const Quota& q) {
  if (q.cpu_millicores < 0 || q.memory_bytes < 0 || q.max_queries < 0 || q.max_tasks < 0 ||
      q.ingest_bytes_per_second < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("a quota limit cannot be negative (0 means unlimited): ", QuotaToString(q)));
  }
  return absl::OkStatus();
}

absl::Status UnknownTenant(const std::string& name) {
  return absl::NotFoundError(absl::StrCat("tenant '", name, "' does not exist"));
}

}  // namespace

void TenantRegistry::SetAdminTokenDigest(std::string digest) {
  absl::MutexLock lock(&mu_);
  admin_digest_ = std::move(digest);
}

absl::Status TenantRegistry::Create(const std::string& name, const Quota& quota) {
  if (absl::Status s = ValidateTenantName(name); !s.ok()) return s;
  if (absl::Status s = ValidateQuota(quota); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  if (tenants_.count(name)) {
    return absl::AlreadyExistsError(absl::StrCat("tenant '", name, "' already exists"));
  }
  tenants_[name] = Tenant{quota, clock_->Now()};
  return absl::OkStatus();
}

std::vector<TenantInfo> TenantRegistry::List() const {
  std::vector<TenantInfo> out;
  absl::MutexLock lock(&mu_);
  for (const auto& [name, t] : tenants_) {
    TenantInfo info{name, t.quota, t.created_at, {}};
    for (const StoredToken& token : tokens_) {
      if (token.info.tenant == name) info.tokens.push_back(token.info);
    }
    out.push_back(std::move(info));
  }
  return out;
}

absl::StatusOr<TenantInfo> TenantRegistry::Describe(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = tenants_.find(name);
  if (it == tenants_.end()) return UnknownTenant(name);
  TenantInfo info{name, it->second.quota, it->second.created_at, {}};
  for (const StoredToken& token : tokens_) {
    if (token.info.tenant == name) info.tokens.push_back(token.info);
  }
  return info;
}

absl::Status TenantRegistry::Delete(const std::string& name) {
  absl::MutexLock lock(&mu_);
  if (tenants_.erase(name) == 0) return UnknownTenant(name);
  std::erase_if(tokens_, [&](const StoredToken& t) { return t.info.tenant == name; });
  return absl::OkStatus();
}

bool TenantRegistry::Exists(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  return tenants_.count(name) > 0;
}

absl::Status TenantRegistry::SetQuota(const std::string& name, const Quota& quota) {
  if (absl::Status s = ValidateQuota(quota); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  auto it = tenants_.find(name);
  if (it == tenants_.end()) return UnknownTenant(name);
  it->second.quota = quota;
  return absl::OkStatus();
}

absl::StatusOr<Quota> TenantRegistry::QuotaOf(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = tenants_.find(name);
  if (it == tenants_.end()) return UnknownTenant(name);
  return it->second.quota;
}

absl::StatusOr<IssuedToken> TenantRegistry::IssueToken(const std::string& tenant,
                                                       const std::string& description) {
  absl::StatusOr<std::string> secret = GenerateToken();
  if (!secret.ok()) return secret.status();
  absl::StatusOr<std::string> id = GenerateTokenId();
  if (!id.ok()) return id.status();
  absl::MutexLock lock(&mu_);
  if (!tenants_.count(tenant)) return UnknownTenant(tenant);
  tokens_.push_back(
      StoredToken{TokenInfo{*id, tenant, description, clock_->Now()}, HashToken(*secret)});
  return IssuedToken{*id, *secret};
}

absl::Status TenantRegistry::RestoreToken(const TokenInfo& info, std::string digest) {
  absl::MutexLock lock(&mu_);
  if (!tenants_.count(info.tenant)) return UnknownTenant(info.tenant);
  tokens_.push_back(StoredToken{info, std::move(digest)});
  return absl::OkStatus();
}

absl::Status TenantRegistry::RevokeToken(const std::string& tenant, const std::string& id) {
  absl::MutexLock lock(&mu_);
  const size_t erased = std::erase_if(
      tokens_, [&](const StoredToken& t) { return t.info.tenant == tenant && t.info.id == id; });
  if (erased == 0) {
    return absl::NotFoundError(
        absl::StrCat("tenant '", tenant, "' has no token '", id, "' (already revoked?)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Principal> TenantRegistry::Authenticate(const std::string& bearer) const {
  if (bearer.empty()) {
    return absl::UnauthenticatedError(
        "no API token: send 'authorization: Bearer <token>' (skein --token or SKEIN_TOKEN)");
  }
  const std::string digest = HashToken(bearer);
  absl::MutexLock lock(&mu_);
  const StoredToken* match = nullptr;
  bool admin = !admin_digest_.empty() && DigestEquals(digest, admin_digest_);
  for (const StoredToken& t : tokens_) {
    if (DigestEquals(digest, t.digest)) match = &t;
  }
  if (admin) return Principal{true, "", "admin"};
  if (match != nullptr) return Principal{false, match->info.tenant, match->info.id};
  return absl::UnauthenticatedError("the API token is invalid or was revoked");
}

}  // namespace skein::tenant
