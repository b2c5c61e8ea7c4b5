#include "cluster_auth.h"

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "skein/tenant/token.h"

namespace skein::executor {

grpc::Status CheckClusterSecret(const grpc::ServerContext& context, const std::string& secret) {
  if (secret.empty()) return grpc::Status::OK;
  constexpr absl::string_view kBearer = "Bearer ";
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return {grpc::StatusCode::UNAUTHENTICATED,
            "executor services take the cluster secret: send 'authorization: Bearer <token>'"};
  }
  const absl::string_view value(it->second.data(), it->second.size());
  if (!absl::StartsWith(value, kBearer) ||
      !tenant::DigestEquals(tenant::HashToken(value.substr(kBearer.size())),
                            tenant::HashToken(secret))) {
    return {grpc::StatusCode::UNAUTHENTICATED, "the bearer token is not the cluster secret"};
  }
  return grpc::Status::OK;
}

}  // namespace skein::executor
