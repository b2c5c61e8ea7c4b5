#include "tenant_service.h"

#include "absl/strings/str_cat.h"
#include "quota_proto.h"
#include "skein/common/grpc_status.h"
#include "skein/tenant/tenant_name.h"
#include "skein/tenant/token.h"

namespace skein::coordinator {
namespace {

v1::TenantView ToView(const tenant::TenantInfo& info) {
  v1::TenantView view;
  view.set_name(info.name);
  *view.mutable_quota() = QuotaToProto(info.quota);
  view.set_created_at_unix_ms(absl::ToUnixMillis(info.created_at));
  for (const tenant::TokenInfo& t : info.tokens) {
    v1::TokenView* token = view.add_tokens();
    token->set_id(t.id);
    token->set_description(t.description);
    token->set_created_at_unix_ms(absl::ToUnixMillis(t.created_at));
  }
  return view;
}

// Runs `body` when `gate` is OK; the RPC's status either way.
template <typename Body>
grpc::Status Guarded(const absl::Status& gate, Body body) {
  if (!gate.ok()) return ToGrpc(gate);
  return ToGrpc(body());
}

}  // namespace

absl::Status TenantService::Record(const v1::MetadataEvent& event) const {
  if (!record_) return absl::OkStatus();
  absl::Status s = record_(event);
  if (s.ok()) return s;
  return absl::UnavailableError(absl::StrCat(
      "applied, but not recorded in the metadata log (a coordinator restart would lose it): ",
      s.message()));
}

absl::Status TenantService::RequireSecure() const {
  if (!auth_->insecure()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "this coordinator runs with --insecure-single-tenant: tenants and tokens are off (restart "
      "it without that flag to manage tenants)");
}

grpc::Status TenantService::CreateTenant(grpc::ServerContext* context,
                                         const v1::CreateTenantRequest* request,
                                         v1::TenantView* response) {
  return Guarded(auth_->RequireAdmin(*context), [&]() -> absl::Status {
    if (absl::Status s = RequireSecure(); !s.ok()) return s;
    if (absl::Status s = registry_->Create(request->name(), QuotaFromProto(request->quota()));
        !s.ok()) {
      return s;
    }
    v1::MetadataEvent event;
    event.mutable_tenant_created()->set_name(request->name());
    *event.mutable_tenant_created()->mutable_quota() = request->quota();
    if (absl::Status s = Record(event); !s.ok()) return s;
    absl::StatusOr<tenant::TenantInfo> info = registry_->Describe(request->name());
    if (!info.ok()) return info.status();
    *response = ToView(*info);
    return absl::OkStatus();
  });
}

grpc::Status TenantService::ListTenants(grpc::ServerContext* context,
                                        const v1::ListTenantsRequest* /*request*/,
                                        v1::ListTenantsResponse* response) {
  return Guarded(auth_->RequireAdmin(*context), [&]() -> absl::Status {
    for (const tenant::TenantInfo& info : registry_->List()) {
      *response->add_tenants() = ToView(info);
    }
    return absl::OkStatus();
  });
}

grpc::Status TenantService::DescribeTenant(grpc::ServerContext* context,
                                           const v1::DescribeTenantRequest* request,
                                           v1::TenantView* response) {
  absl::StatusOr<std::string> name = auth_->ActingTenant(*context, request->name());
  return Guarded(name.status(), [&]() -> absl::Status {
    if (absl::Status s = RequireSecure(); !s.ok()) return s;
    absl::StatusOr<tenant::TenantInfo> info = registry_->Describe(*name);
    if (!info.ok()) return info.status();
    *response = ToView(*info);
    return absl::OkStatus();
  });
}

grpc::Status TenantService::DeleteTenant(grpc::ServerContext* context,
                                         const v1::DeleteTenantRequest* request,
                                         v1::DeleteTenantResponse* response) {
  return Guarded(auth_->RequireAdmin(*context), [&]() -> absl::Status {
    if (absl::Status s = RequireSecure(); !s.ok()) return s;
    if (request->name() == tenant::kDefaultTenant) {
      return absl::FailedPreconditionError("the default tenant cannot be deleted");
    }
    if (absl::Status s = registry_->Delete(request->name()); !s.ok()) return s;
    for (std::string& id : queries_->DropTenant(request->name())) {
      response->add_terminated_queries(std::move(id));
    }
    v1::MetadataEvent event;
    event.mutable_tenant_deleted()->set_name(request->name());
    return Record(event);
  });
}

grpc::Status TenantService::SetQuota(grpc::ServerContext* context,
                                     const v1::SetQuotaRequest* request, v1::TenantView* response) {
  return Guarded(auth_->RequireAdmin(*context), [&]() -> absl::Status {
    if (absl::Status s = RequireSecure(); !s.ok()) return s;
    if (absl::Status s = registry_->SetQuota(request->name(), QuotaFromProto(request->quota()));
        !s.ok()) {
      return s;
    }
    v1::MetadataEvent event;
    event.mutable_quota_set()->set_name(request->name());
    *event.mutable_quota_set()->mutable_quota() = request->quota();
    if (absl::Status s = Record(event); !s.ok()) return s;
    queries_->ResendTenantAssignments(request->name());
    queries_->Rebalance();  // the tenant's reservation changed: placement may change
    absl::StatusOr<tenant::TenantInfo> info = registry_->Describe(request->name());
    if (!info.ok()) return info.status();
    *response = ToView(*info);
    return absl::OkStatus();
  });
}

grpc::Status TenantService::CreateToken(grpc::ServerContext* context,
                                        const v1::CreateTokenRequest* request,
                                        v1::CreateTokenResponse* response) {
  return Guarded(auth_->RequireAdmin(*context), [&]() -> absl::Status {
    if (absl::Status s = RequireSecure(); !s.ok()) return s;
    absl::StatusOr<tenant::IssuedToken> issued =
        registry_->IssueToken(request->tenant(), request->description());
    if (!issued.ok()) return issued.status();
    absl::StatusOr<tenant::TenantInfo> info = registry_->Describe(request->tenant());
    if (!info.ok()) return info.status();
    v1::MetadataEvent event;
    v1::TokenIssuedEvent* token = event.mutable_token_issued();
    token->set_tenant(request->tenant());
    token->set_id(issued->id);
    token->set_sha256(tenant::HashToken(issued->secret));
    token->set_description(request->description());
    for (const tenant::TokenInfo& t : info->tokens) {
      if (t.id == issued->id) token->set_created_at_unix_ms(absl::ToUnixMillis(t.created_at));
    }
    if (absl::Status s = Record(event); !s.ok()) return s;
    response->set_id(issued->id);
    response->set_token(issued->secret);
    return absl::OkStatus();
  });
}

grpc::Status TenantService::RevokeToken(grpc::ServerContext* context,
                                        const v1::RevokeTokenRequest* request,
                                        v1::RevokeTokenResponse* /*response*/) {
  return Guarded(auth_->RequireAdmin(*context), [&]() -> absl::Status {
    if (absl::Status s = RequireSecure(); !s.ok()) return s;
    if (absl::Status s = registry_->RevokeToken(request->tenant(), request->id()); !s.ok()) {
      return s;
    }
    v1::MetadataEvent event;
    event.mutable_token_revoked()->set_tenant(request->tenant());
    event.mutable_token_revoked()->set_id(request->id());
    return Record(event);
  });
}

grpc::Status TenantService::GetUsage(grpc::ServerContext* context,
                                     const v1::GetUsageRequest* request,
                                     v1::TenantUsage* response) {
  absl::StatusOr<std::string> name = auth_->ActingTenant(*context, request->tenant());
  return Guarded(name.status(), [&]() -> absl::Status {
    response->set_tenant(*name);
    if (absl::StatusOr<tenant::Quota> quota = registry_->QuotaOf(*name); quota.ok()) {
      *response->mutable_quota() = QuotaToProto(*quota);
    }
    const QueryManager::TenantLoad load = queries_->Load(*name);
    response->set_queries_running(load.queries);
    response->set_tasks_running(load.tasks);
    response->set_records_in(load.records_in);
    response->set_records_out(load.records_out);
    response->set_bytes_in(load.bytes_in);
    response->set_bytes_out(load.bytes_out);
    response->set_processing_errors(load.processing_errors);
    response->set_cpu_seconds(load.cpu_seconds);
    response->set_memory_bytes(load.memory_bytes);
    response->set_state_bytes(load.state_bytes);
    return absl::OkStatus();
  });
}

}  // namespace skein::coordinator
