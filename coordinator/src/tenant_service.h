#pragma once

#include <functional>

#include "authenticator.h"
#include "query_manager.h"
#include "skein/tenant/tenant_registry.h"
#include "skein/v1/metadata.pb.h"
#include "skein/v1/tenants.grpc.pb.h"

namespace skein::coordinator {

// Serves skein.v1.Tenants: tenant, quota and token administration over the TenantRegistry.
// Platform admin only, except that a tenant token may describe its own tenant and read its own
// usage. Owned by the CoordinatorServer; thread-safe.
class TenantService final : public v1::Tenants::Service {
 public:
  TenantService(tenant::TenantRegistry* registry, QueryManager* queries, const Authenticator* auth)
      : registry_(registry), queries_(queries), auth_(auth) {}

  grpc::Status CreateTenant(grpc::ServerContext* context, const v1::CreateTenantRequest* request,
                            v1::TenantView* response) override;
  grpc::Status ListTenants(grpc::ServerContext* context, const v1::ListTenantsRequest* request,
                           v1::ListTenantsResponse* response) override;
  grpc::Status DescribeTenant(grpc::ServerContext* context,
                              const v1::DescribeTenantRequest* request,
                              v1::TenantView* response) override;
  grpc::Status DeleteTenant(grpc::ServerContext* context, const v1::DeleteTenantRequest* request,
                            v1::DeleteTenantResponse* response) override;
  grpc::Status SetQuota(grpc::ServerContext* context, const v1::SetQuotaRequest* request,
                        v1::TenantView* response) override;
  grpc::Status CreateToken(grpc::ServerContext* context, const v1::CreateTokenRequest* request,
                           v1::CreateTokenResponse* response) override;
  grpc::Status RevokeToken(grpc::ServerContext* context, const v1::RevokeTokenRequest* request,
                           v1::RevokeTokenResponse* response) override;
  grpc::Status GetUsage(grpc::ServerContext* context, const v1::GetUsageRequest* request,
                        v1::TenantUsage* response) override;

  // Where each change is recorded (the metadata log); empty: nowhere. Set before serving.
  void set_recorder(std::function<absl::Status(const v1::MetadataEvent&)> record) {
    record_ = std::move(record);
  }

 private:
  // Registry errors of a tenant-less insecure cluster read better with a hint.
  absl::Status RequireSecure() const;
  // UNAVAILABLE (the change is applied in memory only) when the recorder fails.
  absl::Status Record(const v1::MetadataEvent& event) const;

  tenant::TenantRegistry* const registry_;
  QueryManager* const queries_;
  const Authenticator* const auth_;
  std::function<absl::Status(const v1::MetadataEvent&)> record_;
};

}  // namespace skein::coordinator
