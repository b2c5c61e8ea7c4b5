#include "table_read_service.h"

#include "absl/strings/str_cat.h"
#include "cluster_auth.h"
#include "skein/common/grpc_status.h"
#include "skein/common/logging.h"
#include "skein/proto/plan_bytes.h"
#include "skein/proto/task_id.h"
#include "skein/runtime/table_reader.h"

namespace skein::executor {

grpc::Status TableReadService::ReadTable(grpc::ServerContext* context,
                                         const v1::ReadTableRequest* request,
                                         v1::ReadTableResponse* response) {
  if (grpc::Status auth = CheckClusterSecret(*context, cluster_secret_); !auth.ok()) return auth;
  try {
    absl::StatusOr<v1::PhysicalPlan> table_plan =
        proto::ParsePlan(request->table_plan(), "ReadTable: the table plan");
    if (!table_plan.ok()) return ToGrpc(table_plan.status());
    absl::StatusOr<v1::PhysicalPlan> pull_plan =
        proto::ParsePlan(request->pull_plan(), "ReadTable: the pull plan");
    if (!pull_plan.ok()) return ToGrpc(pull_plan.status());
    const std::string tenant = request->tenant().empty() ? "default" : request->tenant();
    // Every requested partition must run here now; otherwise the coordinator's view of the
    // holders is stale (the task is starting or moved) and it retries.
    for (uint32_t p : request->partitions()) {
      v1::TaskId id;
      id.set_tenant(tenant);
      id.set_query_id(request->query_id());
      id.set_stage(request->stage());
      id.set_partition(p);
      if (!tasks_->IsRunning(proto::TaskKey(id))) {
        return ToGrpc(absl::UnavailableError(absl::StrCat(
            "task ", proto::TaskKey(id), " is not running on executor ", executor_id_)));
      }
    }
    absl::StatusOr<std::unique_ptr<runtime::TableReader>> reader =
        runtime::TableReader::Create(*table_plan, request->stage(), *pull_plan);
    if (!reader.ok()) return ToGrpc(reader.status());
    absl::StatusOr<state::TenantStateDb*> db = tasks_->TenantState(tenant);
    if (!db.ok()) return ToGrpc(db.status());
    std::vector<std::string> rows;
    for (uint32_t p : request->partitions()) {
      absl::Status read = (*reader)->Read(*db, static_cast<int32_t>(p),
                                          static_cast<size_t>(request->limit()), &rows);
      if (!read.ok()) return ToGrpc(read);
    }
    for (std::string& r : rows) response->add_rows()->set_json(std::move(r));
    return grpc::Status::OK;
  } catch (const std::exception& e) {
    Logger("executor")->error("ReadTable: {}", e.what());
    return ToGrpc(absl::InternalError(absl::StrCat("ReadTable: ", e.what())));
  }
}

}  // namespace skein::executor
