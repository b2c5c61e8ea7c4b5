#pragma once

// Builds the gRPC servers of both planes the same way: health checking and reflection on,
// SO_REUSEPORT off (so a port in use is an error, not a silently shared port), and a clear
// FAILED_PRECONDITION when the address cannot be bound.

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "skein/common/net.h"

namespace skein {

struct StartedServer {
  std::unique_ptr<grpc::Server> server;
  // The address actually bound (the real port when the requested one was 0).
  HostPort address;
};

// Starts a server on `listen` with `services` (not owned; must outlive the server), over TLS
// when `credentials` are given (see tls.h), else plaintext.
absl::StatusOr<StartedServer> StartGrpcServer(
    const HostPort& listen, const std::vector<grpc::Service*>& services,
    std::shared_ptr<grpc::ServerCredentials> credentials = nullptr);

}  // namespace skein
