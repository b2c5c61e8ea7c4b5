#pragma once

// Private: the tenant rules every statement passes before it takes effect — its topics must be
// in the tenant's namespace, and a query must fit in the tenant's max queries and max tasks.

#include <string>

#include "absl/status/status.h"
#include "query_manager.h"
#include "skein/compiler/compiler.h"
#include "skein/tenant/tenant_registry.h"

namespace skein::coordinator {

// Installed as the QueryManager's StatementCheck by the CoordinatorServer. Not owned by
// anyone: a value holding pointers to the registry and the QueryManager, which outlive it.
// Thread-safe (reads only).
class TenantPolicy {
 public:
  // `enforce_topics`: false in insecure single-tenant mode, where topics are not checked.
  TenantPolicy(const tenant::TenantRegistry* registry, const QueryManager* queries,
               bool enforce_topics)
      : registry_(registry), queries_(queries), enforce_topics_(enforce_topics) {}

  // PERMISSION_DENIED for a topic outside the tenant's namespace (see CheckTopicAccess);
  // RESOURCE_EXHAUSTED when a started query would take the tenant over max queries or max tasks.
  absl::Status Check(const std::string& tenant, const compiler::StatementResult& result,
                     const compiler::Catalog& catalog) const;

 private:
  absl::Status CheckTopics(const std::string& tenant, const compiler::StatementResult& result,
                           const compiler::Catalog& catalog) const;
  absl::Status CheckAdmission(const std::string& tenant, const v1::PhysicalPlan& plan) const;

  const tenant::TenantRegistry* const registry_;
  const QueryManager* const queries_;
  const bool enforce_topics_;
};

}  // namespace skein::coordinator
