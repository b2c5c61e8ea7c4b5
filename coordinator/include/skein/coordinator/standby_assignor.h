#pragma once

// Placement of standby replicas of stateful tasks: pure logic, unit-tested with no cluster.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace skein::coordinator {

// What one task needs: how many standbys, and the executors that must not hold one (the
// executor its active copy is assigned to and the one still running it, when they differ).
struct StandbyDemand {
  int replicas = 0;
  std::set<std::string> excluded;
  // The executor the active copy is assigned to (empty: none yet); new standbys go round the
  // ring of executor ids from it, so tasks of different executors spread their standbys.
  std::string active;
};

// Returns task -> the executors holding a standby of it (sorted by id), for every task of
// `demand` with replicas > 0, given the live `executors` and the `previous` placement:
// - never on an excluded executor, at most one standby of a task per executor, and as many as
//   wanted when enough executors are eligible (fewer otherwise);
// - spread evenly: no executor holds more standbys than ceil(total / executors) while another
//   eligible one holds fewer;
// - sticky: a standby stays where it was while its executor is live, eligible and within that
//   even share, so a standby that caught up is not thrown away;
// - deterministic: ties between equally loaded executors go to the next after the task's
//   active executor in the ring of executor ids (by id when it has none), then by task order.
std::map<std::string, std::vector<std::string>> AssignStandbys(
    const std::map<std::string, StandbyDemand>& demand, const std::vector<std::string>& executors,
    const std::map<std::string, std::vector<std::string>>& previous);

// The number of standbys a query wants: its num.standby.replicas when set, else 1 when at
// least two executors are ALIVE and 0 otherwise.
int StandbyReplicas(const std::optional<int>& configured, size_t alive_executors);

}  // namespace skein::coordinator
