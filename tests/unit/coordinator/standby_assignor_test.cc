// Standby placement (AssignStandbys) and fail-over to the preferred executor (AssignTasks'
// `preferred`), with no cluster.

#include "skein/coordinator/standby_assignor.h"

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "skein/coordinator/assignor.h"

namespace skein::coordinator {
namespace {

const std::vector<std::string> kThree = {"e1", "e2", "e3"};

// Demand of `n` tasks "t<i>", each wanting `replicas`, excluding its active in `active`.
std::map<std::string, StandbyDemand> Demand(int n, int replicas,
                                            const std::map<std::string, std::string>& active) {
  std::map<std::string, StandbyDemand> out;
  for (int i = 0; i < n; ++i) {
    const std::string t = "t" + std::to_string(i);
    out[t].replicas = replicas;
    if (auto it = active.find(t); it != active.end()) {
      out[t].excluded.insert(it->second);
      out[t].active = it->second;
    }
  }
  return out;
}

std::map<std::string, int> Loads(const std::map<std::string, std::vector<std::string>>& a) {
  std::map<std::string, int> loads;
  for (const auto& [task, executors] : a) {
    for (const std::string& e : executors) ++loads[e];
  }
  return loads;
}

TEST(StandbyAssignorTest, NeverOnTheActivesExecutorAndSpreadEvenly) {
  const std::map<std::string, std::string> active = {{"t0", "e1"}, {"t1", "e2"}, {"t2", "e3"},
                                                     {"t3", "e1"}, {"t4", "e2"}, {"t5", "e3"}};
  const auto standbys = AssignStandbys(Demand(6, 1, active), kThree, {});
  ASSERT_EQ(standbys.size(), 6u);
  for (const auto& [task, executors] : standbys) {
    ASSERT_EQ(executors.size(), 1u) << task;
    EXPECT_NE(executors[0], active.at(task)) << task;
  }
  for (const auto& [e, n] : Loads(standbys)) EXPECT_EQ(n, 2) << e;
}

TEST(StandbyAssignorTest, OneTaskPerExecutorGivesEachExecutorOneStandby) {
  // The ring: e1's task on e2, e2's on e3, e3's on e1 (not two on the lowest id).
  const auto standbys =
      AssignStandbys(Demand(3, 1, {{"t0", "e1"}, {"t1", "e2"}, {"t2", "e3"}}), kThree, {});
  EXPECT_EQ(standbys.at("t0"), (std::vector<std::string>{"e2"}));
  EXPECT_EQ(standbys.at("t1"), (std::vector<std::string>{"e3"}));
  EXPECT_EQ(standbys.at("t2"), (std::vector<std::string>{"e1"}));
}

TEST(StandbyAssignorTest, TwoReplicasOnDistinctExecutors) {
  const auto standbys = AssignStandbys(Demand(3, 2, {{"t0", "e1"}, {"t1", "e2"}}), kThree, {});
  EXPECT_EQ(standbys.at("t0"), (std::vector<std::string>{"e2", "e3"}));
  EXPECT_EQ(standbys.at("t1"), (std::vector<std::string>{"e1", "e3"}));
  EXPECT_EQ(standbys.at("t2").size(), 2u);
}

TEST(StandbyAssignorTest, CappedByEligibleExecutors) {
  // One executor besides the active: one standby, not three; a lone executor: none.
  auto standbys = AssignStandbys(Demand(1, 3, {{"t0", "e1"}}), {"e1", "e2"}, {});
  EXPECT_EQ(standbys.at("t0"), (std::vector<std::string>{"e2"}));
  EXPECT_TRUE(AssignStandbys(Demand(1, 1, {{"t0", "e1"}}), {"e1"}, {}).empty());
  EXPECT_TRUE(AssignStandbys(Demand(2, 1, {}), {}, {}).empty());
}

TEST(StandbyAssignorTest, ZeroReplicasPlacesNothing) {
  EXPECT_TRUE(AssignStandbys(Demand(4, 0, {}), kThree, {}).empty());
}

TEST(StandbyAssignorTest, KeepsStandbysWhereTheyAre) {
  const std::map<std::string, std::string> active = {{"t0", "e1"}, {"t1", "e1"}, {"t2", "e2"}};
  const std::map<std::string, std::vector<std::string>> previous = {
      {"t0", {"e3"}}, {"t1", {"e2"}}, {"t2", {"e1"}}};
  EXPECT_EQ(AssignStandbys(Demand(3, 1, active), kThree, previous), previous);
}

TEST(StandbyAssignorTest, ReplacesStandbysOfALostExecutorOnly) {
  const std::map<std::string, std::string> active = {{"t0", "e1"}, {"t1", "e2"}, {"t2", "e1"}};
  const std::map<std::string, std::vector<std::string>> previous = {
      {"t0", {"e3"}}, {"t1", {"e3"}}, {"t2", {"e2"}}};
  const auto standbys = AssignStandbys(Demand(3, 1, active), {"e1", "e2"}, previous);
  EXPECT_EQ(standbys.at("t0"), (std::vector<std::string>{"e2"}));
  EXPECT_EQ(standbys.at("t1"), (std::vector<std::string>{"e1"}));
  EXPECT_EQ(standbys.at("t2"), (std::vector<std::string>{"e2"}));
}

TEST(StandbyAssignorTest, MovesAStandbyOffTheExecutorThatBecameItsActive) {
  // t0's standby on e2 was promoted: e2 is now excluded, so the standby goes elsewhere (the
  // next executor after e2 in the ring).
  const auto standbys = AssignStandbys(Demand(1, 1, {{"t0", "e2"}}), kThree, {{"t0", {"e2"}}});
  EXPECT_EQ(standbys.at("t0"), (std::vector<std::string>{"e3"}));
}

TEST(StandbyAssignorTest, IsDeterministic) {
  const auto demand = Demand(7, 1, {{"t0", "e1"}, {"t3", "e2"}});
  EXPECT_EQ(AssignStandbys(demand, kThree, {}), AssignStandbys(demand, kThree, {}));
}

TEST(StandbyAssignorTest, DefaultReplicasDependOnAliveExecutors) {
  EXPECT_EQ(StandbyReplicas(std::nullopt, 1), 0);
  EXPECT_EQ(StandbyReplicas(std::nullopt, 2), 1);
  EXPECT_EQ(StandbyReplicas(std::nullopt, 5), 1);
  EXPECT_EQ(StandbyReplicas(0, 3), 0);
  EXPECT_EQ(StandbyReplicas(2, 3), 2);
}

TEST(PreferredAssignmentTest, OrphanedTaskGoesToItsPreferredExecutor) {
  const std::vector<std::string> tasks = {"t0", "t1", "t2", "t3", "t4", "t5"};
  const std::map<std::string, std::string> previous = {{"t0", "e1"}, {"t1", "e2"}, {"t2", "e3"},
                                                       {"t3", "e1"}, {"t4", "e2"}, {"t5", "e3"}};
  // e1 is gone; its tasks' standbys are on e3 (t0) and e2 (t3).
  const auto a = AssignTasks(tasks, {"e2", "e3"}, previous, {{"t0", "e3"}, {"t3", "e2"}});
  EXPECT_EQ(a.at("t0"), "e3");
  EXPECT_EQ(a.at("t3"), "e2");
  for (const std::string t : {"t1", "t4"}) EXPECT_EQ(a.at(t), "e2") << t;
  for (const std::string t : {"t2", "t5"}) EXPECT_EQ(a.at(t), "e3") << t;
}

TEST(PreferredAssignmentTest, PreferredTaskDisplacesAHeldOneWhenTheShareIsFull) {
  // Two tasks on two executors: the stateful t1 (standby on e2) loses e1; e2 already holds the
  // stateless t0. t1 takes e2 and t0 moves to e3, which holds nothing.
  const auto a =
      AssignTasks({"t0", "t1"}, {"e2", "e3"}, {{"t0", "e2"}, {"t1", "e1"}}, {{"t1", "e2"}});
  EXPECT_EQ(a.at("t1"), "e2");
  EXPECT_EQ(a.at("t0"), "e3");
}

TEST(PreferredAssignmentTest, IgnoredWhileThePreviousOwnerIsAlive) {
  const auto a = AssignTasks({"t0", "t1"}, {"e1", "e2"}, {{"t0", "e1"}, {"t1", "e2"}},
                             {{"t0", "e2"}, {"t1", "e1"}});
  EXPECT_EQ(a.at("t0"), "e1");
  EXPECT_EQ(a.at("t1"), "e2");
}

TEST(PreferredAssignmentTest, IgnoredWhenThePreferredExecutorIsGone) {
  const auto a = AssignTasks({"t0"}, {"e2"}, {{"t0", "e1"}}, {{"t0", "e3"}});
  EXPECT_EQ(a.at("t0"), "e2");
}

}  // namespace
}  // namespace skein::coordinator
