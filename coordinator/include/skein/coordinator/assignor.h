#pragma once

// Balanced, sticky assignment of tasks to executors: pure logic, unit-tested with no cluster.

#include <map>
#include <string>
#include <vector>

namespace skein::coordinator {

// Returns task -> executor for every task in `tasks`, given the live `executors` and the
// `previous` assignment:
// - balanced: executor loads differ by at most one;
// - sticky: a task stays where it was unless its executor is gone or holds more than its
//   share (executors keeping the most tasks get the larger shares), so adding an executor
//   moves only the tasks it takes over and losing one moves only its tasks;
// - deterministic: ties are broken by executor id, then by task order;
// - fail-over to standbys: a task whose previous executor is gone (or that had none) goes to
//   its `preferred` executor when that one is live (the one holding its most caught-up
//   standby replica), taking its place there before the tasks that executor already held;
//   one of those then moves instead (placed like any other), which is cheap when the
//   preferred task has state and the displaced one has less to restore.
// Empty when `executors` is empty (every task unassigned).
std::map<std::string, std::string> AssignTasks(
    const std::vector<std::string>& tasks, const std::vector<std::string>& executors,
    const std::map<std::string, std::string>& previous,
    const std::map<std::string, std::string>& preferred = {});

}  // namespace skein::coordinator
