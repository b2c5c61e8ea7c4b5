#pragma once

// The admin and tenant calls the cluster tests and benches make, as the platform admin acting
// for tenants (auth on): create tenants, set quotas, run statements, describe queries, read
// usage. Threading: one test or bench thread (the channel itself is thread-safe).

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "skein/v1/admin.grpc.pb.h"
#include "skein/v1/tenants.grpc.pb.h"

namespace skein::testing {

class TenantClient {
 public:
  TenantClient(std::string coordinator, std::string token)
      : channel_(grpc::CreateChannel(coordinator, grpc::InsecureChannelCredentials())),
        admin_(skein::v1::Admin::NewStub(channel_)),
        tenants_(skein::v1::Tenants::NewStub(channel_)),
        token_(std::move(token)) {}

  bool CreateTenant(const std::string& name, int64_t cpu_millicores) {
    skein::v1::Quota quota;
    quota.set_cpu_millicores(cpu_millicores);
    return CreateTenant(name, quota);
  }

  bool CreateTenant(const std::string& name, const skein::v1::Quota& quota) {
    skein::v1::CreateTenantRequest request;
    request.set_name(name);
    *request.mutable_quota() = quota;
    skein::v1::TenantView view;
    grpc::ClientContext context;
    Prepare(&context);
    return Report("CreateTenant", tenants_->CreateTenant(&context, request, &view));
  }

  bool SetCpuQuota(const std::string& name, int64_t cpu_millicores) {
    skein::v1::SetQuotaRequest request;
    request.set_name(name);
    request.mutable_quota()->set_cpu_millicores(cpu_millicores);
    skein::v1::TenantView view;
    grpc::ClientContext context;
    Prepare(&context);
    return Report("SetQuota", tenants_->SetQuota(&context, request, &view));
  }

  // Runs the statements as `tenant`; `query_id` gets the id of the last query started.
  bool Execute(const std::string& tenant, const std::string& sql, std::string* query_id = nullptr) {
    skein::v1::ExecuteStatementsRequest request;
    request.set_tenant(tenant);
    request.set_sql(sql);
    skein::v1::ExecuteStatementsResponse response;
    grpc::ClientContext context;
    Prepare(&context);
    if (!Report("ExecuteStatements", admin_->ExecuteStatements(&context, request, &response))) {
      return false;
    }
    for (const auto& r : response.results()) {
      if (!r.query_id().empty() && query_id != nullptr) *query_id = r.query_id();
    }
    return true;
  }

  skein::v1::QueryView Describe(const std::string& tenant, const std::string& id) {
    skein::v1::DescribeQueryRequest request;
    request.set_tenant(tenant);
    request.set_query_id(id);
    skein::v1::QueryView view;
    grpc::ClientContext context;
    Prepare(&context);
    Report("DescribeQuery", admin_->DescribeQuery(&context, request, &view));
    return view;
  }

  // The tenant's usage; nullopt (reported on stderr) when the call fails.
  std::optional<skein::v1::TenantUsage> Usage(const std::string& tenant) {
    skein::v1::GetUsageRequest request;
    request.set_tenant(tenant);
    skein::v1::TenantUsage usage;
    grpc::ClientContext context;
    Prepare(&context);
    if (!Report("GetUsage", tenants_->GetUsage(&context, request, &usage))) return std::nullopt;
    return usage;
  }

  bool AwaitRunning(const std::string& tenant, const std::string& id) {
    const absl::Time deadline = absl::Now() + absl::Minutes(2);
    while (absl::Now() < deadline) {
      if (Describe(tenant, id).state() == skein::v1::QUERY_STATE_RUNNING) return true;
      absl::SleepFor(absl::Milliseconds(200));
    }
    std::fprintf(stderr, "query %s of %s is not RUNNING after 2 minutes\n", id.c_str(),
                 tenant.c_str());
    return false;
  }

 private:
  void Prepare(grpc::ClientContext* context) const {
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    context->AddMetadata("authorization", "Bearer " + token_);
  }
  static bool Report(const char* rpc, const grpc::Status& s) {
    if (!s.ok()) std::fprintf(stderr, "%s: %s\n", rpc, s.error_message().c_str());
    return s.ok();
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<skein::v1::Admin::Stub> admin_;
  std::unique_ptr<skein::v1::Tenants::Stub> tenants_;
  std::string token_;
};

}  // namespace skein::testing
