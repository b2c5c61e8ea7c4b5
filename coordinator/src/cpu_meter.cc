#include "cpu_meter.h"

namespace skein::coordinator {

void CpuMeter::Report(const std::string& executor_id,
                      const google::protobuf::Map<std::string, double>& tenant_cpu_seconds) {
  std::map<std::string, double>& last = last_[executor_id];
  for (const auto& [tenant, seconds] : tenant_cpu_seconds) {
    double& previous = last[tenant];
    if (seconds < previous) retired_[tenant] += previous;  // a new executor process
    previous = seconds;
  }
}

double CpuMeter::TotalSeconds(const std::string& tenant) const {
  double total = 0;
  if (auto it = retired_.find(tenant); it != retired_.end()) total += it->second;
  for (const auto& [executor, tenants] : last_) {
    if (auto it = tenants.find(tenant); it != tenants.end()) total += it->second;
  }
  return total;
}

}  // namespace skein::coordinator
