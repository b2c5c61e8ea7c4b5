#include "coordinator_metrics.h"

#include <functional>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "skein/common/prometheus_text.h"

namespace skein::coordinator {
namespace {

struct TenantFamily {
  const char* name;
  const char* type;
  const char* help;
  std::function<double(const QueryManager::TenantLoad&)> value;
};

}  // namespace

std::string RenderCoordinatorMetrics(const std::vector<TenantUsageRow>& tenants,
                                     const std::vector<v1::ExecutorView>& executors) {
  const TenantFamily families[] = {
      {"skein_tenant_queries_running", "gauge", "The tenant's queries not terminated.",
       [](const QueryManager::TenantLoad& l) { return static_cast<double>(l.queries); }},
      {"skein_tenant_tasks_running", "gauge", "Tasks of the tenant's queries not terminated.",
       [](const QueryManager::TenantLoad& l) { return static_cast<double>(l.tasks); }},
      {"skein_tenant_records_in_total", "counter",
       "Input records of the tenant's queries, as their tasks last reported.",
       [](const QueryManager::TenantLoad& l) { return static_cast<double>(l.records_in); }},
      {"skein_tenant_records_out_total", "counter",
       "Output records of the tenant's queries, as their tasks last reported.",
       [](const QueryManager::TenantLoad& l) { return static_cast<double>(l.records_out); }},
      {"skein_tenant_bytes_in_total", "counter",
       "Key and value bytes the tenant's queries read, as their tasks last reported.",
       [](const QueryManager::TenantLoad& l) { return static_cast<double>(l.bytes_in); }},
      {"skein_tenant_bytes_out_total", "counter",
       "Key and value bytes the tenant's queries wrote, as their tasks last reported.",
       [](const QueryManager::TenantLoad& l) { return static_cast<double>(l.bytes_out); }},
      {"skein_tenant_processing_errors_total", "counter",
       "Records of the tenant's queries that could not be processed.",
       [](const QueryManager::TenantLoad& l) { return static_cast<double>(l.processing_errors); }},
      {"skein_tenant_cpu_seconds_total", "counter",
       "Executor CPU time charged to the tenant since metering began (GetUsage cpu_seconds).",
       [](const QueryManager::TenantLoad& l) { return l.cpu_seconds; }},
      {"skein_tenant_memory_bytes", "gauge",
       "Memory the tenant holds on the executors, as they last reported (GetUsage memory_bytes).",
       [](const QueryManager::TenantLoad& l) { return static_cast<double>(l.memory_bytes); }},
      {"skein_tenant_state_bytes", "gauge",
       "Size of the tenant's state stores, as its tasks last reported (GetUsage state_bytes).",
       [](const QueryManager::TenantLoad& l) { return static_cast<double>(l.state_bytes); }},
  };
  PrometheusText text;
  for (const TenantFamily& f : families) {
    text.Family(f.name, f.type, f.help);
    for (const TenantUsageRow& row : tenants) {
      text.Sample(f.name, {{"tenant", row.tenant}}, f.value(row.load));
    }
  }
  // Every state is present, 0 when no executor is in it, so a scraper sees the drop to zero.
  std::map<std::string, int> by_state;
  for (int s = v1::ExecutorState_MIN; s <= v1::ExecutorState_MAX; ++s) {
    if (!v1::ExecutorState_IsValid(s) || s == v1::EXECUTOR_STATE_UNSPECIFIED) continue;
    std::string name = v1::ExecutorState_Name(static_cast<v1::ExecutorState>(s));
    by_state[absl::AsciiStrToLower(absl::StripPrefix(name, "EXECUTOR_STATE_"))] = 0;
  }
  for (const v1::ExecutorView& e : executors) {
    std::string name = v1::ExecutorState_Name(e.state());
    ++by_state[absl::AsciiStrToLower(absl::StripPrefix(name, "EXECUTOR_STATE_"))];
  }
  text.Family("skein_executors", "gauge", "Registered executors by state.");
  for (const auto& [state, count] : by_state) {
    text.Sample("skein_executors", {{"state", state}}, count);
  }
  return text.text();
}

}  // namespace skein::coordinator
