#include "tenant_scheduling.h"

#include <algorithm>

#include "skein/tenant/cpu_ledger.h"

namespace skein::executor {

std::string TenantOfTask(const v1::TaskId& id) {
  return id.tenant().empty() ? "default" : id.tenant();
}

Round PlanRound(const std::vector<std::string>& task_tenants,
                const absl::flat_hash_map<std::string, TenantTurn>& turns) {
  Round round;
  std::vector<std::pair<double, size_t>> runnable;
  for (size_t i = 0; i < task_tenants.size(); ++i) {
    TenantTurn turn;
    if (auto it = turns.find(task_tenants[i]); it != turns.end()) turn = it->second;
    if (turn.runnable_at != absl::InfinitePast()) {
      ++round.throttled;
      round.wake_at = std::min(round.wake_at, turn.runnable_at);
      continue;
    }
    runnable.emplace_back(turn.virtual_time, i);
  }
  std::stable_sort(runnable.begin(), runnable.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  round.order.reserve(runnable.size());
  for (const auto& [vt, i] : runnable) round.order.push_back(i);
  return round;
}

absl::flat_hash_map<std::string, TenantTurn> ReadTurns(const std::vector<std::string>& tenants,
                                                       tenant::CpuLedger& ledger) {
  absl::flat_hash_map<std::string, TenantTurn> turns;
  for (const std::string& t : tenants) {
    if (turns.contains(t)) continue;
    TenantTurn& turn = turns[t];
    turn.runnable_at = ledger.RunnableAt(t);
    turn.virtual_time = ledger.VirtualTime(t);
  }
  return turns;
}

}  // namespace skein::executor
