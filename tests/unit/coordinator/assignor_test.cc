// The task assignor: balance, stickiness and determinism, with no cluster.

#include "skein/coordinator/assignor.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace skein::coordinator {
namespace {

std::vector<std::string> Tasks(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("t" + std::to_string(i));
  return out;
}

std::map<std::string, int> Loads(const std::map<std::string, std::string>& a) {
  std::map<std::string, int> loads;
  for (const auto& [task, executor] : a) ++loads[executor];
  return loads;
}

int Moves(const std::map<std::string, std::string>& before,
          const std::map<std::string, std::string>& after) {
  int moves = 0;
  for (const auto& [task, executor] : after) {
    auto it = before.find(task);
    if (it != before.end() && it->second != executor) ++moves;
  }
  return moves;
}

TEST(AssignorTest, NoExecutorsLeavesEverythingUnassigned) {
  EXPECT_TRUE(AssignTasks(Tasks(4), {}, {}).empty());
}

TEST(AssignorTest, SpreadsTasksEvenly) {
  auto a = AssignTasks(Tasks(6), {"e1", "e2", "e3"}, {});
  ASSERT_EQ(a.size(), 6u);
  for (const auto& [e, n] : Loads(a)) EXPECT_EQ(n, 2) << e;
  auto b = AssignTasks(Tasks(7), {"e1", "e2", "e3"}, {});
  auto loads = Loads(b);
  auto [lo, hi] = std::minmax_element(loads.begin(), loads.end(),
                                      [](auto& x, auto& y) { return x.second < y.second; });
  EXPECT_LE(hi->second - lo->second, 1);
}

TEST(AssignorTest, AddingAnExecutorMovesOnlyWhatItTakesOver) {
  auto before = AssignTasks(Tasks(6), {"e1", "e2", "e3"}, {});
  auto after = AssignTasks(Tasks(6), {"e1", "e2", "e3", "e4"}, before);
  auto loads = Loads(after);
  EXPECT_EQ(loads.size(), 4u);
  EXPECT_GE(loads["e4"], 1);
  // Shares of 6 over 4 are 2,2,1,1: e4 takes one or two tasks and only those move.
  EXPECT_EQ(Moves(before, after), loads["e4"]);
  for (const auto& [e, n] : loads) EXPECT_LE(n, 2) << e;
}

TEST(AssignorTest, LosingAnExecutorMovesOnlyItsTasks) {
  auto before = AssignTasks(Tasks(9), {"e1", "e2", "e3"}, {});
  auto after = AssignTasks(Tasks(9), {"e1", "e3"}, before);
  for (const auto& [task, executor] : before) {
    if (executor != "e2") {
      EXPECT_EQ(after.at(task), executor) << task;
    }
    EXPECT_NE(after.at(task), "e2");
  }
  auto loads = Loads(after);
  EXPECT_LE(std::abs(loads["e1"] - loads["e3"]), 1);
}

TEST(AssignorTest, IsDeterministicAndStableWhenNothingChanges) {
  auto a = AssignTasks(Tasks(10), {"e2", "e1", "e3"}, {});
  auto b = AssignTasks(Tasks(10), {"e3", "e1", "e2"}, {});
  EXPECT_EQ(a, b);
  EXPECT_EQ(AssignTasks(Tasks(10), {"e1", "e2", "e3"}, a), a);
}

TEST(AssignorTest, DropsTasksThatNoLongerExist) {
  auto before = AssignTasks(Tasks(6), {"e1", "e2"}, {});
  auto after = AssignTasks(Tasks(3), {"e1", "e2"}, before);
  EXPECT_EQ(after.size(), 3u);
  EXPECT_FALSE(after.count("t5"));
}

}  // namespace
}  // namespace skein::coordinator
