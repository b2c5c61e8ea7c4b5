#pragma once

#include "absl/time/time.h"
#include "authenticator.h"
#include "executor_control_service.h"
#include "query_manager.h"
#include "skein/coordinator/membership.h"
#include "skein/v1/admin.grpc.pb.h"

namespace skein::coordinator {

// Serves skein.v1.Admin: the API behind the `skein` CLI. Stateless over Membership and the
// QueryManager. Every call is authenticated; a tenant token acts only in its own tenant.
// Owned by the CoordinatorServer; thread-safe.
class AdminService final : public v1::Admin::Service {
 public:
  AdminService(const Membership* membership, QueryManager* queries, ClusterSettings settings,
               absl::Time started_at, const Authenticator* auth);

  grpc::Status GetClusterInfo(grpc::ServerContext* context,
                              const v1::GetClusterInfoRequest* request,
                              v1::ClusterInfo* response) override;
  grpc::Status ListExecutors(grpc::ServerContext* context, const v1::ListExecutorsRequest* request,
                             v1::ListExecutorsResponse* response) override;
  grpc::Status DescribeExecutor(grpc::ServerContext* context,
                                const v1::DescribeExecutorRequest* request,
                                v1::ExecutorView* response) override;
  grpc::Status DrainExecutor(grpc::ServerContext* context, const v1::DrainExecutorRequest* request,
                             v1::ExecutorView* response) override;
  grpc::Status UndrainExecutor(grpc::ServerContext* context,
                               const v1::UndrainExecutorRequest* request,
                               v1::ExecutorView* response) override;
  grpc::Status ExecuteStatements(grpc::ServerContext* context,
                                 const v1::ExecuteStatementsRequest* request,
                                 v1::ExecuteStatementsResponse* response) override;
  grpc::Status ListQueries(grpc::ServerContext* context, const v1::ListQueriesRequest* request,
                           v1::ListQueriesResponse* response) override;
  grpc::Status DescribeQuery(grpc::ServerContext* context, const v1::DescribeQueryRequest* request,
                             v1::QueryView* response) override;
  grpc::Status TerminateQuery(grpc::ServerContext* context,
                              const v1::TerminateQueryRequest* request,
                              v1::TerminateQueryResponse* response) override;
  grpc::Status PushQuery(grpc::ServerContext* context, const v1::PushQueryRequest* request,
                         grpc::ServerWriter<v1::PushQueryMessage>* writer) override;
  grpc::Status PullQuery(grpc::ServerContext* context, const v1::PullQueryRequest* request,
                         grpc::ServerWriter<v1::PullQueryMessage>* writer) override;

 private:
  // The executor's view with its drain state; NOT_FOUND for an unknown id.
  grpc::Status ExecutorViewOf(const std::string& id, v1::ExecutorView* response) const;
  // DrainExecutor / UndrainExecutor: admin only.
  grpc::Status SetDrain(const grpc::ServerContext& context, const std::string& id, bool drain,
                        v1::ExecutorView* response);

  const Membership* const membership_;
  QueryManager* const queries_;
  const ClusterSettings settings_;
  const absl::Time started_at_;
  const Authenticator* const auth_;
};

}  // namespace skein::coordinator
