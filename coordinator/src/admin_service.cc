#include "admin_service.h"

#include "skein/common/grpc_status.h"
#include "skein/common/version.h"

namespace skein::coordinator {

AdminService::AdminService(const Membership* membership, QueryManager* queries,
                           ClusterSettings settings, absl::Time started_at,
                           const Authenticator* auth)
    : membership_(membership),
      queries_(queries),
      settings_(std::move(settings)),
      started_at_(started_at),
      auth_(auth) {}

grpc::Status AdminService::GetClusterInfo(grpc::ServerContext* context,
                                          const v1::GetClusterInfoRequest* /*request*/,
                                          v1::ClusterInfo* response) {
  if (absl::StatusOr<tenant::Principal> who = auth_->Authenticate(*context); !who.ok()) {
    return ToGrpc(who.status());
  }
  response->set_coordinator_version(kVersion);
  response->set_kafka_bootstrap(settings_.kafka_bootstrap);
  response->set_kafka_cluster_id(settings_.kafka_cluster_id);
  response->set_lease_ms(static_cast<uint32_t>(absl::ToInt64Milliseconds(membership_->lease())));
  response->set_started_at_unix_ms(absl::ToUnixMillis(started_at_));
  for (const v1::ExecutorView& view : membership_->List()) {
    if (view.state() == v1::EXECUTOR_STATE_ALIVE) {
      response->set_executors_alive(response->executors_alive() + 1);
    } else if (view.state() == v1::EXECUTOR_STATE_DEAD) {
      response->set_executors_dead(response->executors_dead() + 1);
    }
  }
  return grpc::Status::OK;
}

grpc::Status AdminService::ListExecutors(grpc::ServerContext* context,
                                         const v1::ListExecutorsRequest* /*request*/,
                                         v1::ListExecutorsResponse* response) {
  if (absl::Status s = auth_->RequireAdmin(*context); !s.ok()) return ToGrpc(s);
  for (v1::ExecutorView& view : membership_->List()) {
    queries_->AddDrainState(&view);
    *response->add_executors() = std::move(view);
  }
  return grpc::Status::OK;
}

grpc::Status AdminService::ExecutorViewOf(const std::string& id, v1::ExecutorView* response) const {
  if (id.empty()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "executor id is empty");
  absl::StatusOr<v1::ExecutorView> view = membership_->Describe(id);
  if (!view.ok()) return ToGrpc(view.status());
  queries_->AddDrainState(&*view);
  *response = std::move(*view);
  return grpc::Status::OK;
}

grpc::Status AdminService::DescribeExecutor(grpc::ServerContext* context,
                                            const v1::DescribeExecutorRequest* request,
                                            v1::ExecutorView* response) {
  if (absl::Status s = auth_->RequireAdmin(*context); !s.ok()) return ToGrpc(s);
  return ExecutorViewOf(request->id(), response);
}

grpc::Status AdminService::DrainExecutor(grpc::ServerContext* context,
                                         const v1::DrainExecutorRequest* request,
                                         v1::ExecutorView* response) {
  return SetDrain(*context, request->id(), true, response);
}

grpc::Status AdminService::UndrainExecutor(grpc::ServerContext* context,
                                           const v1::UndrainExecutorRequest* request,
                                           v1::ExecutorView* response) {
  return SetDrain(*context, request->id(), false, response);
}

grpc::Status AdminService::SetDrain(const grpc::ServerContext& context, const std::string& id,
                                    bool drain, v1::ExecutorView* response) {
  if (absl::Status s = auth_->RequireAdmin(context); !s.ok()) return ToGrpc(s);
  if (id.empty()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "executor id is empty");
  if (absl::Status s = drain ? queries_->Drain(id) : queries_->Undrain(id); !s.ok()) {
    return ToGrpc(s);
  }
  return ExecutorViewOf(id, response);
}

grpc::Status AdminService::ExecuteStatements(grpc::ServerContext* context,
                                             const v1::ExecuteStatementsRequest* request,
                                             v1::ExecuteStatementsResponse* response) {
  if (request->sql().find_first_not_of(" \t\r\n;") == std::string::npos) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no SQL statement in the request");
  }
  absl::StatusOr<std::string> tenant = auth_->ActingTenant(*context, request->tenant());
  if (!tenant.ok()) return ToGrpc(tenant.status());
  absl::StatusOr<v1::ExecuteStatementsResponse> r = queries_->Execute(*tenant, request->sql());
  if (!r.ok()) return ToGrpc(r.status());
  *response = std::move(*r);
  return grpc::Status::OK;
}

grpc::Status AdminService::ListQueries(grpc::ServerContext* context,
                                       const v1::ListQueriesRequest* request,
                                       v1::ListQueriesResponse* response) {
  absl::StatusOr<std::string> tenant = auth_->ActingTenant(*context, request->tenant());
  if (!tenant.ok()) return ToGrpc(tenant.status());
  for (v1::QueryView& q : queries_->List(*tenant)) {
    *response->add_queries() = std::move(q);
  }
  return grpc::Status::OK;
}

grpc::Status AdminService::DescribeQuery(grpc::ServerContext* context,
                                         const v1::DescribeQueryRequest* request,
                                         v1::QueryView* response) {
  absl::StatusOr<std::string> tenant = auth_->ActingTenant(*context, request->tenant());
  if (!tenant.ok()) return ToGrpc(tenant.status());
  if (request->query_id().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "query id is empty");
  }
  absl::StatusOr<v1::QueryView> view = queries_->Describe(*tenant, request->query_id());
  if (!view.ok()) return ToGrpc(view.status());
  *response = std::move(*view);
  return grpc::Status::OK;
}

grpc::Status AdminService::TerminateQuery(grpc::ServerContext* context,
                                          const v1::TerminateQueryRequest* request,
                                          v1::TerminateQueryResponse* /*response*/) {
  absl::StatusOr<std::string> tenant = auth_->ActingTenant(*context, request->tenant());
  if (!tenant.ok()) return ToGrpc(tenant.status());
  if (request->query_id().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "query id is empty");
  }
  if (absl::StatusOr<v1::QueryView> q = queries_->Describe(*tenant, request->query_id()); !q.ok()) {
    return ToGrpc(q.status());
  }
  return ToGrpc(queries_->Terminate(*tenant, request->query_id()));
}

grpc::Status AdminService::PushQuery(grpc::ServerContext* context,
                                     const v1::PushQueryRequest* request,
                                     grpc::ServerWriter<v1::PushQueryMessage>* writer) {
  absl::StatusOr<std::string> tenant = auth_->ActingTenant(*context, request->tenant());
  if (!tenant.ok()) return ToGrpc(tenant.status());
  v1::PushQueryRequest scoped = *request;
  scoped.set_tenant(*tenant);
  return ToGrpc(queries_->PushQuery(
      scoped, [writer](const v1::PushQueryMessage& m) { return writer->Write(m); },
      [context] { return context->IsCancelled(); }));
}

grpc::Status AdminService::PullQuery(grpc::ServerContext* context,
                                     const v1::PullQueryRequest* request,
                                     grpc::ServerWriter<v1::PullQueryMessage>* writer) {
  // Waiting for moving tasks is bounded by the client's deadline, and by 30 s at most.
  absl::StatusOr<std::string> tenant = auth_->ActingTenant(*context, request->tenant());
  if (!tenant.ok()) return ToGrpc(tenant.status());
  v1::PullQueryRequest scoped = *request;
  scoped.set_tenant(*tenant);
  const absl::Time deadline =
      std::min(absl::Now() + absl::Seconds(30), absl::FromChrono(context->deadline()));
  return ToGrpc(queries_->PullQuery(
      scoped, deadline, [writer](const v1::PullQueryMessage& m) { return writer->Write(m); }));
}

}  // namespace skein::coordinator
