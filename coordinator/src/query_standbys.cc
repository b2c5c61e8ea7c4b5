// QueryManager: standby replicas of stateful tasks — where they run, what they report, and
// which one a task fails over to (see docs/architecture.md, "Standby replicas").

#include <algorithm>
#include <set>

#include "query_manager.h"
#include "skein/coordinator/standby_assignor.h"
#include "skein/proto/task_id.h"

namespace skein::coordinator {

using proto::TaskKey;

std::map<std::string, std::string> QueryManager::PreferredExecutors(
    const std::vector<std::string>& alive) const {
  const std::set<std::string> live(alive.begin(), alive.end());
  std::map<std::string, std::string> preferred;
  for (const auto& [key, id] : tasks_) {
    if (auto t = target_.find(key); t != target_.end() && live.count(t->second)) continue;
    auto statuses = standby_statuses_.find(key);
    auto holders = standby_holders_.find(key);
    if (statuses == standby_statuses_.end() || holders == standby_holders_.end()) continue;
    const v1::TaskStatus* best = nullptr;
    const std::string* best_executor = nullptr;
    for (const auto& [executor, s] : statuses->second) {  // by id: deterministic ties
      if (!live.count(executor) || !holders->second.count(executor) || s.standby_lag() < 0) {
        continue;
      }
      if (best == nullptr || s.standby_lag() < best->standby_lag() ||
          (s.standby_lag() == best->standby_lag() &&
           s.standby_applied_offset() > best->standby_applied_offset())) {
        best = &s;
        best_executor = &executor;
      }
    }
    if (best_executor != nullptr) preferred[key] = *best_executor;
  }
  return preferred;
}

void QueryManager::PlaceStandbys(const std::vector<std::string>& alive,
                                 std::map<std::string, v1::AssignmentChange>* changes) {
  const std::set<std::string> live(alive.begin(), alive.end());
  // A standby on an executor that is gone needs no stop: a new session starts from the full
  // assignment.
  for (auto& [key, holders] : standby_holders_) {
    for (auto it = holders.begin(); it != holders.end();) {
      if (live.count(*it)) {
        ++it;
        continue;
      }
      standby_statuses_[key].erase(*it);
      it = holders.erase(it);
    }
  }

  std::map<std::string, StandbyDemand> demand;
  for (const auto& [qkey, q] : queries_) {
    if (q.terminated) continue;
    const int replicas = StandbyReplicas(q.standby_replicas, alive.size());
    for (const std::string& key : q.stateful) {
      if (!tasks_.count(key)) continue;
      StandbyDemand& d = demand[key];
      d.replicas = replicas;
      if (auto t = target_.find(key); t != target_.end()) {
        d.excluded.insert(t->second);
        d.active = t->second;
      }
      if (auto h = holder_.find(key); h != holder_.end()) d.excluded.insert(h->second);
    }
  }
  std::map<std::string, std::vector<std::string>> previous;
  for (const auto& [key, holders] : standby_holders_) {
    previous[key].assign(holders.begin(), holders.end());
  }
  const std::map<std::string, std::vector<std::string>> placed =
      AssignStandbys(demand, alive, previous);

  for (auto& [key, holders] : standby_holders_) {
    auto p = placed.find(key);
    auto target = target_.find(key);
    for (auto it = holders.begin(); it != holders.end();) {
      const bool keep = p != placed.end() && std::count(p->second.begin(), p->second.end(), *it);
      // On the task's target: the task's add promotes it (RebalanceLocked), no stop.
      const bool promoting = target != target_.end() && target->second == *it;
      if (keep || promoting) {
        ++it;
        continue;
      }
      *(*changes)[*it].add_remove() = known_.at(key);
      standby_statuses_[key].erase(*it);
      it = holders.erase(it);
    }
  }
  for (const auto& [key, executors] : placed) {
    std::set<std::string>& holders = standby_holders_[key];
    for (const std::string& e : executors) {
      if (holders.insert(e).second) AddAssignment(known_.at(key), &(*changes)[e], true);
    }
  }
  std::erase_if(standby_holders_, [](const auto& entry) { return entry.second.empty(); });
  std::erase_if(standby_statuses_, [](const auto& entry) { return entry.second.empty(); });
}

void QueryManager::RecordStandbyStatuses(const std::string& executor_id,
                                         const v1::TaskStatusReport& report) {
  std::set<std::string> reported;
  for (const v1::TaskStatus& s : report.tasks()) {
    if (!s.standby()) continue;
    const std::string key = TaskKey(s.task());
    auto holders = standby_holders_.find(key);
    if (holders == standby_holders_.end() || !holders->second.count(executor_id)) continue;
    standby_statuses_[key][executor_id] = s;
    reported.insert(key);
  }
  for (auto& [key, by_executor] : standby_statuses_) {
    if (!reported.count(key)) by_executor.erase(executor_id);
  }
}

void QueryManager::AddStandbyViews(const std::string& key, v1::TaskView* view) const {
  auto holders = standby_holders_.find(key);
  if (holders == standby_holders_.end()) return;
  const auto statuses = standby_statuses_.find(key);
  for (const std::string& executor : holders->second) {
    if (executor == view->executor_id()) continue;  // being promoted there
    v1::StandbyView* v = view->add_standbys();
    v->set_executor_id(executor);
    v->set_lag(-1);
    if (statuses == standby_statuses_.end()) continue;
    auto s = statuses->second.find(executor);
    if (s == statuses->second.end()) continue;
    v->set_lag(s->second.standby_lag());
    v->set_applied_offset(s->second.standby_applied_offset());
    v->set_applied_records(s->second.restored_records());
    v->set_state(s->second.state());
    v->set_reason(s->second.reason());
  }
}

}  // namespace skein::coordinator
