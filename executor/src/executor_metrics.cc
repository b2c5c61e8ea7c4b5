#include "executor_metrics.h"

#include <functional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "skein/common/prometheus_text.h"
#include "tenant_scheduling.h"

namespace skein::executor {
namespace {

struct TaskFamily {
  const char* name;
  const char* type;
  const char* help;
  std::function<double(const v1::TaskStatus&)> value;
};

// "TASK_STATE_RUNNING" -> "running".
std::string StateLabel(v1::TaskState state) {
  std::string name = v1::TaskState_Name(state);
  constexpr absl::string_view kPrefix = "TASK_STATE_";
  if (absl::StartsWith(name, kPrefix)) name = name.substr(kPrefix.size());
  return absl::AsciiStrToLower(name);
}

}  // namespace

std::string RenderExecutorMetrics(const v1::TaskStatusReport& report) {
  const TaskFamily families[] = {
      {"skein_task_records_in_total", "counter", "Input records the task processed.",
       [](const v1::TaskStatus& s) { return static_cast<double>(s.records_in()); }},
      {"skein_task_records_out_total", "counter", "Output records the task produced.",
       [](const v1::TaskStatus& s) { return static_cast<double>(s.records_out()); }},
      {"skein_task_bytes_in_total", "counter", "Key and value bytes of the task's input records.",
       [](const v1::TaskStatus& s) { return static_cast<double>(s.bytes_in()); }},
      {"skein_task_bytes_out_total", "counter", "Key and value bytes of the task's outputs.",
       [](const v1::TaskStatus& s) { return static_cast<double>(s.bytes_out()); }},
      {"skein_task_processing_errors_total", "counter",
       "Records the task could not process (written to the processing log).",
       [](const v1::TaskStatus& s) { return static_cast<double>(s.processing_errors()); }},
      {"skein_task_lag_records", "gauge", "Input records not yet read by the task.",
       [](const v1::TaskStatus& s) { return static_cast<double>(s.lag()); }},
      {"skein_task_cpu_seconds_total", "counter", "Thread CPU time spent on the task.",
       [](const v1::TaskStatus& s) { return static_cast<double>(s.cpu_nanos()) / 1e9; }},
      {"skein_task_restored_records_total", "counter",
       "Changelog records replayed to restore the task's state.",
       [](const v1::TaskStatus& s) { return static_cast<double>(s.restored_records()); }},
      {"skein_task_restored_bytes_total", "counter",
       "Changelog bytes (keys and values) replayed to restore the task's state.",
       [](const v1::TaskStatus& s) { return static_cast<double>(s.restored_bytes()); }},
      {"skein_task_restore_remaining_records", "gauge",
       "Estimated changelog records the task still has to replay (0 once restored).",
       [](const v1::TaskStatus& s) { return static_cast<double>(s.restore_remaining_records()); }},
      {"skein_task_restore_eta_seconds", "gauge",
       "Estimated seconds until the task's restore ends, at the rate so far (0 once restored).",
       [](const v1::TaskStatus& s) { return s.restore_eta_seconds(); }},
  };
  PrometheusText text;
  for (const TaskFamily& f : families) {
    text.Family(f.name, f.type, f.help);
    for (const v1::TaskStatus& s : report.tasks()) {
      if (s.standby()) continue;
      const std::string tenant = TenantOfTask(s.task());
      const std::string stage = absl::StrCat(s.task().stage());
      const std::string partition = absl::StrCat(s.task().partition());
      text.Sample(f.name,
                  {{"tenant", tenant},
                   {"query", s.task().query_id()},
                   {"stage", stage},
                   {"partition", partition}},
                  f.value(s));
    }
  }
  text.Family("skein_task_state", "gauge", "1 for the state the task is in.");
  for (const v1::TaskStatus& s : report.tasks()) {
    if (s.standby()) continue;
    const std::string tenant = TenantOfTask(s.task());
    const std::string stage = absl::StrCat(s.task().stage());
    const std::string partition = absl::StrCat(s.task().partition());
    const std::string state = StateLabel(s.state());
    text.Sample("skein_task_state",
                {{"tenant", tenant},
                 {"query", s.task().query_id()},
                 {"stage", stage},
                 {"partition", partition},
                 {"state", state}},
                1);
  }
  text.Family("skein_standby_lag_records", "gauge",
              "Changelog records a standby replica here has not applied yet (-1: not measured).");
  for (const v1::TaskStatus& s : report.tasks()) {
    if (!s.standby()) continue;
    text.Sample("skein_standby_lag_records",
                {{"tenant", TenantOfTask(s.task())},
                 {"query", s.task().query_id()},
                 {"stage", absl::StrCat(s.task().stage())},
                 {"partition", absl::StrCat(s.task().partition())}},
                static_cast<double>(s.standby_lag()));
  }
  text.Family("skein_tenant_cpu_seconds_total", "counter",
              "CPU time charged to the tenant on this executor since it started.");
  for (const auto& [tenant, seconds] : report.tenant_cpu_seconds()) {
    text.Sample("skein_tenant_cpu_seconds_total", {{"tenant", tenant}}, seconds);
  }
  text.Family("skein_tenant_cpu_throttled_seconds_total", "counter",
              "Time the tenant's tasks were held back by its CPU quota on this executor.");
  for (const auto& [tenant, seconds] : report.tenant_throttled_seconds()) {
    text.Sample("skein_tenant_cpu_throttled_seconds_total", {{"tenant", tenant}}, seconds);
  }
  text.Family("skein_tenant_memory_bytes", "gauge",
              "Memory the tenant holds on this executor, counted against its memory quota.");
  for (const auto& [tenant, bytes] : report.tenant_memory_bytes()) {
    text.Sample("skein_tenant_memory_bytes", {{"tenant", tenant}}, static_cast<double>(bytes));
  }
  return text.text();
}

}  // namespace skein::executor
