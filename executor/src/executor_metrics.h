#pragma once

// Private: the executor's Prometheus metrics (served on --metrics-port; names in README.md,
// "Metrics"), rendered from the same TaskStatusReport the executor sends the coordinator.

#include <string>

#include "skein/v1/executor.pb.h"

namespace skein::executor {

// Per task (labels tenant, query, stage, partition): records in/out, processing errors, lag,
// CPU seconds, restored records, state. Per tenant: CPU seconds and throttled seconds.
std::string RenderExecutorMetrics(const v1::TaskStatusReport& report);

}  // namespace skein::executor
