#pragma once

// Private: rebuilding the coordinator's state from its metadata log at start-up.

#include <vector>

#include "query_manager.h"
#include "skein/tenant/tenant_registry.h"
#include "skein/v1/metadata.pb.h"

namespace skein::coordinator {

struct ReplayStats {
  int events = 0;
  int statements = 0;
  int failed = 0;  // statements that no longer apply (logged as warnings, skipped)
};

// Applies `events` in order to the registry and the QueryManager, before the coordinator
// serves: tenants, quotas and token digests come back as they were, and every tenant's
// statements run again in order, so catalogs, query ids and tasks are the same (topics that
// exist are not created again).
ReplayStats ReplayMetadata(const std::vector<v1::MetadataEvent>& events,
                           tenant::TenantRegistry* registry, QueryManager* queries);

}  // namespace skein::coordinator
