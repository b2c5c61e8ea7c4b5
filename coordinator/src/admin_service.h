#pragma once

#include "absl/time/time.h"
#include "executor_control_service.h"
#include "skein/coordinator/membership.h"
#include "skein/v1/admin.grpc.pb.h"

namespace skein::coordinator {

// Serves skein.v1.Admin: the API behind the `skein` CLI. Stateless over Membership.
// Owned by the CoordinatorServer; thread-safe.
class AdminService final : public v1::Admin::Service {
 public:
  AdminService(const Membership* membership, ClusterSettings settings, absl::Time started_at);

  grpc::Status GetClusterInfo(grpc::ServerContext* context,
                              const v1::GetClusterInfoRequest* request,
                              v1::ClusterInfo* response) override;
  grpc::Status ListExecutors(grpc::ServerContext* context, const v1::ListExecutorsRequest* request,
                             v1::ListExecutorsResponse* response) override;
  grpc::Status DescribeExecutor(grpc::ServerContext* context,
                                const v1::DescribeExecutorRequest* request,
                                v1::ExecutorView* response) override;

 private:
  const Membership* const membership_;
  const ClusterSettings settings_;
  const absl::Time started_at_;
};

}  // namespace skein::coordinator
