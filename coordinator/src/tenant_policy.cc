#include "tenant_policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "skein/tenant/topic_owner.h"

namespace skein::coordinator {
namespace {

// Tasks a plan runs: one per partition of each stage's source (as QueryManager::StartQuery).
int64_t TaskCount(const v1::PhysicalPlan& plan) {
  int64_t tasks = 0;
  for (const v1::Stage& stage : plan.stages()) {
    if (stage.operators_size() == 0 || !stage.operators(0).has_source()) continue;
    tasks += std::max<int64_t>(1, stage.operators(0).source().topic().partitions());
  }
  return tasks;
}

// Every topic a plan reads or writes (sources, sinks, repartition topics).
std::vector<std::string> PlanTopics(const v1::PhysicalPlan& plan) {
  std::vector<std::string> topics;
  for (const v1::Stage& stage : plan.stages()) {
    for (const auto* chain : {&stage.operators(), &stage.right_operators()}) {
      for (const v1::Operator& op : *chain) {
        if (op.has_source()) topics.push_back(op.source().topic().name());
        if (op.has_sink()) topics.push_back(op.sink().topic().name());
      }
    }
  }
  return topics;
}

}  // namespace

absl::Status TenantPolicy::Check(const std::string& tenant, const compiler::StatementResult& result,
                                 const compiler::Catalog& catalog) const {
  if (absl::Status s = CheckTopics(tenant, result, catalog); !s.ok()) return s;
  if (result.kind == compiler::StatementResult::Kind::kQueryStarted && result.plan) {
    return CheckAdmission(tenant, *result.plan);
  }
  return absl::OkStatus();
}

absl::Status TenantPolicy::CheckTopics(const std::string& tenant,
                                       const compiler::StatementResult& result,
                                       const compiler::Catalog& catalog) const {
  if (!enforce_topics_) return absl::OkStatus();
  std::vector<std::string> topics;
  if (result.kind == compiler::StatementResult::Kind::kSourceCreated) {
    if (const compiler::DataSource* src = catalog.FindSource(result.source_name)) {
      topics.push_back(src->topic);
    }
  } else if (result.plan) {
    topics = PlanTopics(*result.plan);
  }
  if (topics.empty()) return absl::OkStatus();
  std::vector<std::string> tenants;
  for (const tenant::TenantInfo& t : registry_->List()) tenants.push_back(t.name);
  for (const std::string& topic : topics) {
    if (absl::Status s = tenant::CheckTopicAccess(tenant, topic, tenants); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status TenantPolicy::CheckAdmission(const std::string& tenant,
                                          const v1::PhysicalPlan& plan) const {
  absl::StatusOr<tenant::Quota> quota = registry_->QuotaOf(tenant);
  if (!quota.ok()) return absl::OkStatus();  // insecure mode: tenants are not registered
  const QueryManager::TenantLoad load = queries_->Load(tenant);
  if (quota->max_queries > 0 && load.queries + 1 > quota->max_queries) {
    return absl::ResourceExhaustedError(
        absl::StrCat("tenant '", tenant, "' runs ", load.queries, " of its ", quota->max_queries,
                     " queries (quota max_queries): terminate one or raise the quota"));
  }
  const int64_t tasks = TaskCount(plan);
  if (quota->max_tasks > 0 && load.tasks + tasks > quota->max_tasks) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the query needs ", tasks, " tasks and tenant '", tenant, "' runs ", load.tasks, " of its ",
        quota->max_tasks,
        " (quota max_tasks): terminate a query, use fewer partitions or raise the quota"));
  }
  return absl::OkStatus();
}

}  // namespace skein::coordinator
