#pragma once

// Private: who is calling the coordinator's gRPC services, and for which tenant they may act.

#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "skein/tenant/tenant_registry.h"

namespace skein::coordinator {

// Reads the bearer token of a call (`authorization: Bearer <token>` metadata) and resolves it
// through the TenantRegistry. In insecure single-tenant mode every call is the platform admin
// (no token needed), as before tenants existed. Owned by the CoordinatorServer; thread-safe.
class Authenticator {
 public:
  // `registry` is not owned and must outlive this.
  Authenticator(const tenant::TenantRegistry* registry, bool insecure)
      : registry_(registry), insecure_(insecure) {}

  bool insecure() const { return insecure_; }

  // UNAUTHENTICATED when the token is missing, malformed, unknown or revoked.
  absl::StatusOr<tenant::Principal> Authenticate(const grpc::ServerContext& context) const;

  // The tenant a call acts for, given the request's `tenant` field. A tenant token acts for its
  // own tenant only (PERMISSION_DENIED when `requested` names another); the platform admin acts
  // for `requested` ("default" when empty), which must exist (NOT_FOUND) unless insecure.
  // UNAUTHENTICATED as Authenticate.
  absl::StatusOr<std::string> ActingTenant(const grpc::ServerContext& context,
                                           const std::string& requested) const;

  // OK for the platform admin; PERMISSION_DENIED for a tenant token; UNAUTHENTICATED.
  absl::Status RequireAdmin(const grpc::ServerContext& context) const;

 private:
  const tenant::TenantRegistry* const registry_;
  const bool insecure_;
};

}  // namespace skein::coordinator
