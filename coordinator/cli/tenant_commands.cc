#include "tenant_commands.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace skein::cli {
namespace {

constexpr absl::Duration kCallDeadline = absl::Seconds(10);
// Deleting a tenant terminates its queries.
constexpr absl::Duration kDeleteDeadline = absl::Seconds(120);

std::string Limit(int64_t value, absl::string_view unit = "") {
  return value == 0 ? std::string("unlimited") : absl::StrCat(value, unit);
}

void AddQuotaFlags(CLI::App* cmd, TenantCommands* c) {
  cmd->add_option("--cpu-millicores", c->cpu_millicores, "CPU cap in millicores (0: unlimited)");
  cmd->add_option("--memory-bytes", c->memory_bytes, "memory cap in bytes (0: unlimited)");
  cmd->add_option("--max-queries", c->max_queries, "persistent queries (0: unlimited)");
  cmd->add_option("--max-tasks", c->max_tasks, "tasks over all queries (0: unlimited)");
  cmd->add_option("--ingest-bytes-per-second", c->ingest, "ingest rate cap (0: unlimited)");
}

void ApplyQuotaFlags(const TenantCommands& c, v1::Quota* q) {
  if (c.cpu_millicores) q->set_cpu_millicores(*c.cpu_millicores);
  if (c.memory_bytes) q->set_memory_bytes(*c.memory_bytes);
  if (c.max_queries) q->set_max_queries(*c.max_queries);
  if (c.max_tasks) q->set_max_tasks(*c.max_tasks);
  if (c.ingest) q->set_ingest_bytes_per_second(*c.ingest);
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "skein: error: %s\n", std::string(status.message()).c_str());
  return status.code() == absl::StatusCode::kNotFound ? 1 : 2;
}

std::string QuotaLine(const v1::Quota& q) {
  return absl::StrCat("cpu=", Limit(q.cpu_millicores(), "m"), " memory=", Limit(q.memory_bytes()),
                      " queries=", Limit(q.max_queries()), " tasks=", Limit(q.max_tasks()),
                      " ingest=", Limit(q.ingest_bytes_per_second(), "B/s"));
}

// One call on the Tenants stub: prepares the context and translates the status.
class TenantsClient {
 public:
  explicit TenantsClient(const Connection& connection)
      : connection_(connection), stub_(v1::Tenants::NewStub(connection.Channel())) {}

  template <typename Request, typename Response, typename Method>
  absl::Status Call(Method method, const Request& request, Response* response,
                    absl::Duration deadline = kCallDeadline) {
    grpc::ClientContext context;
    connection_.Prepare(&context, deadline);
    return TranslateRpcStatus((stub_.get()->*method)(&context, request, response),
                              connection_.coordinator);
  }

 private:
  const Connection& connection_;
  std::unique_ptr<v1::Tenants::Stub> stub_;
};

}  // namespace

std::unique_ptr<TenantCommands> AddTenantCommands(CLI::App* app) {
  auto c = std::make_unique<TenantCommands>();
  CLI::App* tenants = app->add_subcommand("tenants", "tenants, quotas and API tokens");
  tenants->require_subcommand(1);
  c->create = tenants->add_subcommand("create", "create a tenant (platform admin)");
  c->create->add_option("name", c->name, "tenant name")->required();
  AddQuotaFlags(c->create, c.get());
  c->list = tenants->add_subcommand("list", "list tenants (platform admin)");
  c->describe = tenants->add_subcommand("describe", "a tenant, its quota and its tokens");
  c->describe->add_option("name", c->name, "tenant name (default: the token's tenant)");
  c->remove = tenants->add_subcommand(
      "delete", "terminate a tenant's queries, revoke its tokens and forget it (platform admin)");
  c->remove->add_option("name", c->name, "tenant name")->required();
  c->quota = tenants->add_subcommand("quota", "change a tenant's quota (platform admin)");
  c->quota->add_option("name", c->name, "tenant name")->required();
  AddQuotaFlags(c->quota, c.get());
  CLI::App* token = tenants->add_subcommand("token", "API tokens of a tenant (platform admin)");
  token->require_subcommand(1);
  c->token_create = token->add_subcommand("create", "issue a token (its secret is shown once)");
  c->token_create->add_option("tenant", c->name, "tenant name")->required();
  c->token_create->add_option("--description", c->description, "what the token is for");
  c->token_revoke = token->add_subcommand("revoke", "revoke a token");
  c->token_revoke->add_option("tenant", c->name, "tenant name")->required();
  c->token_revoke->add_option("id", c->token_id, "token id (tok-...)")->required();
  c->usage = tenants->add_subcommand("usage", "what a tenant uses against its quota");
  c->usage->add_option("name", c->name, "tenant name (default: the token's tenant)");
  return c;
}

std::optional<int> RunTenantCommands(const TenantCommands& c, const Connection& connection) {
  TenantsClient client(connection);
  using Stub = v1::Tenants::Stub;
  if (c.create->parsed()) {
    v1::CreateTenantRequest request;
    request.set_name(c.name);
    ApplyQuotaFlags(c, request.mutable_quota());
    v1::TenantView view;
    if (absl::Status s = client.Call(&Stub::CreateTenant, request, &view); !s.ok()) return Fail(s);
    std::fputs(FormatTenant(view).c_str(), stdout);
  } else if (c.list->parsed()) {
    v1::ListTenantsResponse response;
    if (absl::Status s = client.Call(&Stub::ListTenants, v1::ListTenantsRequest(), &response);
        !s.ok()) {
      return Fail(s);
    }
    std::fputs(FormatTenantTable(response).c_str(), stdout);
  } else if (c.describe->parsed()) {
    v1::DescribeTenantRequest request;
    request.set_name(c.name);
    v1::TenantView view;
    if (absl::Status s = client.Call(&Stub::DescribeTenant, request, &view); !s.ok()) {
      return Fail(s);
    }
    std::fputs(FormatTenant(view).c_str(), stdout);
  } else if (c.remove->parsed()) {
    v1::DeleteTenantRequest request;
    request.set_name(c.name);
    v1::DeleteTenantResponse response;
    if (absl::Status s = client.Call(&Stub::DeleteTenant, request, &response, kDeleteDeadline);
        !s.ok()) {
      return Fail(s);
    }
    std::printf("Deleted tenant %s (%d queries terminated)\n", c.name.c_str(),
                response.terminated_queries_size());
  } else if (c.quota->parsed()) {
    v1::DescribeTenantRequest describe;
    describe.set_name(c.name);
    v1::TenantView current;
    if (absl::Status s = client.Call(&Stub::DescribeTenant, describe, &current); !s.ok()) {
      return Fail(s);
    }
    v1::SetQuotaRequest request;
    request.set_name(c.name);
    *request.mutable_quota() = current.quota();
    ApplyQuotaFlags(c, request.mutable_quota());
    v1::TenantView view;
    if (absl::Status s = client.Call(&Stub::SetQuota, request, &view); !s.ok()) return Fail(s);
    std::fputs(FormatTenant(view).c_str(), stdout);
  } else if (c.token_create->parsed()) {
    v1::CreateTokenRequest request;
    request.set_tenant(c.name);
    request.set_description(c.description);
    v1::CreateTokenResponse response;
    if (absl::Status s = client.Call(&Stub::CreateToken, request, &response); !s.ok()) {
      return Fail(s);
    }
    std::printf("Token %s for tenant %s (shown once; store it now):\n%s\n", response.id().c_str(),
                c.name.c_str(), response.token().c_str());
  } else if (c.token_revoke->parsed()) {
    v1::RevokeTokenRequest request;
    request.set_tenant(c.name);
    request.set_id(c.token_id);
    v1::RevokeTokenResponse response;
    if (absl::Status s = client.Call(&Stub::RevokeToken, request, &response); !s.ok()) {
      return Fail(s);
    }
    std::printf("Revoked %s\n", c.token_id.c_str());
  } else if (c.usage->parsed()) {
    v1::GetUsageRequest request;
    request.set_tenant(c.name);
    v1::TenantUsage usage;
    if (absl::Status s = client.Call(&Stub::GetUsage, request, &usage); !s.ok()) return Fail(s);
    std::fputs(FormatUsage(usage).c_str(), stdout);
  } else {
    return std::nullopt;
  }
  return 0;
}

std::string FormatTenant(const v1::TenantView& t) {
  std::string out =
      absl::StrCat("Name:    ", t.name(), "\nQuota:   ", QuotaLine(t.quota()),
                   "\nCreated: ", absl::FormatTime(absl::FromUnixMillis(t.created_at_unix_ms())),
                   "\nTokens:  ", t.tokens_size(), "\n");
  for (const v1::TokenView& token : t.tokens()) {
    absl::StrAppend(&out, "  ", token.id(), "  ",
                    token.description().empty() ? "-" : token.description(), "\n");
  }
  return out;
}

std::string FormatTenantTable(const v1::ListTenantsResponse& tenants) {
  std::string out = "NAME  TOKENS  QUOTA\n";
  for (const v1::TenantView& t : tenants.tenants()) {
    absl::StrAppend(&out, t.name(), "  ", t.tokens_size(), "  ", QuotaLine(t.quota()), "\n");
  }
  return out;
}

std::string FormatUsage(const v1::TenantUsage& u) {
  return absl::StrCat("Tenant:      ", u.tenant(), "\nQueries:     ", u.queries_running(), " / ",
                      Limit(u.quota().max_queries()), "\nTasks:       ", u.tasks_running(), " / ",
                      Limit(u.quota().max_tasks()), "\nRecords in:  ", u.records_in(),
                      "\nRecords out: ", u.records_out(), "\nBytes in:    ", u.bytes_in(),
                      "\nBytes out:   ", u.bytes_out(), "\nErrors:      ", u.processing_errors(),
                      "\nCPU seconds: ", absl::StrFormat("%.3f", u.cpu_seconds()),
                      "\nMemory:      ", u.memory_bytes(),
                      " bytes (quota per executor: ", Limit(u.quota().memory_bytes()), ")",
                      "\nState bytes: ", u.state_bytes(), "\n");
}

}  // namespace skein::cli
