#include "skein/common/grpc_server.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"

namespace skein {

absl::StatusOr<StartedServer> StartGrpcServer(
    const HostPort& listen, const std::vector<grpc::Service*>& services,
    std::shared_ptr<grpc::ServerCredentials> credentials) {
  if (absl::Status can = CheckCanListen(listen); !can.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(can.message(), ": stop whatever holds the port or pass another --listen"));
  }
  static const bool kPluginsInitialized = [] {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    return true;
  }();
  (void)kPluginsInitialized;

  grpc::ServerBuilder builder;
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  int bound_port = 0;
  builder.AddListeningPort(listen.ToString(),
                           credentials != nullptr ? credentials : grpc::InsecureServerCredentials(),
                           &bound_port);
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound_port == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot start the gRPC server on ", listen.ToString(),
                     ": stop whatever holds the port or pass another --listen"));
  }
  return StartedServer{std::move(server), HostPort{listen.host, static_cast<uint16_t>(bound_port)}};
}

}  // namespace skein
