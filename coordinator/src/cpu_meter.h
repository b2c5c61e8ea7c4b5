#pragma once

#include <map>
#include <string>

#include "google/protobuf/map.h"

namespace skein::coordinator {

// CPU-seconds per tenant for metering, from the cumulative per-tenant counters each executor
// reports (TaskStatusReport.tenant_cpu_seconds: CPU charged since the executor process started).
// A counter that goes down means the executor restarted: what the previous process had
// reported is kept, so a tenant's total only grows. Threading: not thread-safe (the
// QueryManager calls it under its lock).
class CpuMeter {
 public:
  void Report(const std::string& executor_id,
              const google::protobuf::Map<std::string, double>& tenant_cpu_seconds);
  double TotalSeconds(const std::string& tenant) const;

 private:
  std::map<std::string, std::map<std::string, double>> last_;  // executor -> tenant -> seconds
  std::map<std::string, double> retired_;  // tenant -> seconds of executor processes gone
};

}  // namespace skein::coordinator
