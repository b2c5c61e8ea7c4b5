#pragma once

// Private: the executor's own gRPC services (TableReader, RowWriter) are called by the
// coordinator only. With authentication on, the coordinator presents the cluster secret (the
// platform admin token, which executors hold through --token-file) as its bearer token.

#include <string>

#include "grpcpp/grpcpp.h"

namespace skein::executor {

// OK when `secret` is empty (an --insecure-single-tenant cluster) or the call carries
// `authorization: Bearer <secret>`; UNAUTHENTICATED otherwise (missing, malformed or wrong,
// compared in constant time).
grpc::Status CheckClusterSecret(const grpc::ServerContext& context, const std::string& secret);

}  // namespace skein::executor
