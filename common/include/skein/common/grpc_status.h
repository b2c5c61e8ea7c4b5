#pragma once

// The one place absl::Status and grpc::Status are translated (codes map one to one).

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace skein {

grpc::Status ToGrpc(const absl::Status& status);
absl::Status FromGrpc(const grpc::Status& status);

}  // namespace skein
