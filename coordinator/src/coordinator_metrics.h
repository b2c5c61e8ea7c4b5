#pragma once

// Private: the coordinator's Prometheus metrics (served on --metrics-port; names in README.md,
// "Metrics"): per tenant what GetUsage returns, and the executors by state.

#include <string>
#include <vector>

#include "query_manager.h"
#include "skein/v1/admin.pb.h"

namespace skein::coordinator {

struct TenantUsageRow {
  std::string tenant;
  QueryManager::TenantLoad load;
};

std::string RenderCoordinatorMetrics(const std::vector<TenantUsageRow>& tenants,
                                     const std::vector<v1::ExecutorView>& executors);

}  // namespace skein::coordinator
