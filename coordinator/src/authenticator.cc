#include "authenticator.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "skein/tenant/tenant_name.h"

namespace skein::coordinator {
namespace {

constexpr absl::string_view kBearer = "Bearer ";

}  // namespace

absl::StatusOr<tenant::Principal> Authenticator::Authenticate(
    const grpc::ServerContext& context) const {
  if (insecure_) return tenant::Principal{true, "", "insecure"};
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "no API token: send 'authorization: Bearer <token>' (skein --token or SKEIN_TOKEN)");
  }
  const absl::string_view value(it->second.data(), it->second.size());
  if (!absl::StartsWith(value, kBearer)) {
    return absl::UnauthenticatedError("the authorization header must be 'Bearer <token>'");
  }
  return registry_->Authenticate(std::string(value.substr(kBearer.size())));
}

absl::StatusOr<std::string> Authenticator::ActingTenant(const grpc::ServerContext& context,
                                                        const std::string& requested) const {
  absl::StatusOr<tenant::Principal> who = Authenticate(context);
  if (!who.ok()) return who.status();
  if (!who->platform_admin) {
    if (!requested.empty() && requested != who->tenant) {
      return absl::PermissionDeniedError(absl::StrCat("a token of tenant '", who->tenant,
                                                      "' cannot act for tenant '", requested, "'"));
    }
    return who->tenant;
  }
  const std::string tenant = requested.empty() ? std::string(tenant::kDefaultTenant) : requested;
  if (!insecure_ && !registry_->Exists(tenant)) {
    return absl::NotFoundError(absl::StrCat("tenant '", tenant, "' does not exist"));
  }
  return tenant;
}

absl::Status Authenticator::RequireAdmin(const grpc::ServerContext& context) const {
  absl::StatusOr<tenant::Principal> who = Authenticate(context);
  if (!who.ok()) return who.status();
  if (!who->platform_admin) {
    return absl::PermissionDeniedError(
        absl::StrCat("this call needs the platform admin token; the token of tenant '", who->tenant,
                     "' may not make it"));
  }
  return absl::OkStatus();
}

}  // namespace skein::coordinator
