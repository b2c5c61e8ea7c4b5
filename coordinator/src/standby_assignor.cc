#include "skein/coordinator/standby_assignor.h"

#include <algorithm>

namespace skein::coordinator {

std::map<std::string, std::vector<std::string>> AssignStandbys(
    const std::map<std::string, StandbyDemand>& demand, const std::vector<std::string>& executors,
    const std::map<std::string, std::vector<std::string>>& previous) {
  std::map<std::string, std::vector<std::string>> out;
  const std::set<std::string> alive(executors.begin(), executors.end());
  if (alive.empty()) return out;

  // How many standbys each task gets: what it wants, capped by its eligible executors.
  std::map<std::string, size_t> wanted;
  size_t total = 0;
  for (const auto& [task, d] : demand) {
    if (d.replicas <= 0) continue;
    size_t eligible = 0;
    for (const std::string& e : alive) eligible += !d.excluded.count(e);
    wanted[task] = std::min<size_t>(static_cast<size_t>(d.replicas), eligible);
    total += wanted[task];
  }
  const size_t cap = (total + alive.size() - 1) / alive.size();

  std::map<std::string, size_t> load;
  std::map<std::string, std::set<std::string>> placed;
  // Keep what fits: previous standbys on live, eligible executors within the even share.
  for (const auto& [task, n] : wanted) {
    auto prev = previous.find(task);
    if (prev == previous.end()) continue;
    const std::set<std::string>& excluded = demand.at(task).excluded;
    for (const std::string& e : prev->second) {
      if (placed[task].size() >= n) break;
      if (!alive.count(e) || excluded.count(e) || placed[task].count(e) || load[e] >= cap) {
        continue;
      }
      placed[task].insert(e);
      ++load[e];
    }
  }
  // Fill the rest on the least-loaded eligible executors.
  for (const auto& [task, n] : wanted) {
    const std::set<std::string>& excluded = demand.at(task).excluded;
    while (placed[task].size() < n) {
      // Executors in ring order from the one after the active (by id when it has none).
      const std::string& active = demand.at(task).active;
      std::vector<const std::string*> ring;
      for (auto it = alive.upper_bound(active); it != alive.end(); ++it) ring.push_back(&*it);
      for (auto it = alive.begin(); it != alive.upper_bound(active); ++it) ring.push_back(&*it);
      const std::string* best = nullptr;
      for (const std::string* e : ring) {
        if (excluded.count(*e) || placed[task].count(*e)) continue;
        if (best == nullptr || load[*e] < load[*best]) best = e;
      }
      placed[task].insert(*best);  // wanted <= eligible, so one exists
      ++load[*best];
    }
    if (n > 0) out[task].assign(placed[task].begin(), placed[task].end());
  }
  return out;
}

int StandbyReplicas(const std::optional<int>& configured, size_t alive_executors) {
  if (configured) return *configured;
  return alive_executors >= 2 ? 1 : 0;
}

}  // namespace skein::coordinator
