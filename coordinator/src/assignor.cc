#include "skein/coordinator/assignor.h"

#include <algorithm>
#include <set>

namespace skein::coordinator {

std::map<std::string, std::string> AssignTasks(
    const std::vector<std::string>& tasks, const std::vector<std::string>& executors,
    const std::map<std::string, std::string>& previous,
    const std::map<std::string, std::string>& preferred) {
  std::map<std::string, std::string> out;
  if (executors.empty()) return out;
  const std::set<std::string> alive(executors.begin(), executors.end());

  // Tasks each live executor held before, in task order, after the orphaned tasks that
  // prefer it (they are kept first).
  std::map<std::string, std::vector<std::string>> held;
  for (const std::string& e : alive) held[e];
  for (const std::string& t : tasks) {
    auto it = previous.find(t);
    if (it != previous.end() && alive.count(it->second)) continue;
    auto p = preferred.find(t);
    if (p != preferred.end() && alive.count(p->second)) held[p->second].push_back(t);
  }
  for (const std::string& t : tasks) {
    auto it = previous.find(t);
    if (it != previous.end() && alive.count(it->second)) held[it->second].push_back(t);
  }

  // Shares: T = q * E + r; the r executors holding the most tasks get q + 1.
  const size_t n = alive.size();
  const size_t q = tasks.size() / n, r = tasks.size() % n;
  std::vector<std::string> by_held(alive.begin(), alive.end());
  std::stable_sort(by_held.begin(), by_held.end(),
                   [&](const auto& a, const auto& b) { return held[a].size() > held[b].size(); });
  std::map<std::string, size_t> share, load;
  for (size_t i = 0; i < by_held.size(); ++i) share[by_held[i]] = q + (i < r ? 1 : 0);

  // Keep what fits in each share; everything else is placed afresh.
  std::vector<std::string> unplaced;
  for (const std::string& e : alive) {
    for (const std::string& t : held[e]) {
      if (load[e] < share[e]) {
        out[t] = e;
        ++load[e];
      }
    }
  }
  for (const std::string& t : tasks) {
    if (!out.count(t)) unplaced.push_back(t);
  }
  for (const std::string& t : unplaced) {
    const std::string* best = nullptr;
    for (const std::string& e : alive) {  // ordered by id: deterministic ties
      if (load[e] >= share[e]) continue;
      if (best == nullptr || load[e] < load[*best]) best = &e;
    }
    out[t] = *best;
    ++load[*best];
  }
  return out;
}

}  // namespace skein::coordinator
