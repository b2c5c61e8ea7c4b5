// The order in which a worker polls its tasks by tenant CPU quota and fair queuing
// (executor/src/tenant_scheduling.h), alone and over a real CpuLedger on a manual clock.

#include "tenant_scheduling.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "skein/common/clock.h"
#include "skein/tenant/cpu_ledger.h"

namespace skein::executor {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kT0 = absl::FromUnixSeconds(1'000'000);

TEST(TenantSchedulingTest, OrdersRunnableTasksByTheirTenantsVirtualTimeTiesInTaskOrder) {
  const absl::flat_hash_map<std::string, TenantTurn> turns = {{"a", {absl::InfinitePast(), 3.0}},
                                                              {"b", {absl::InfinitePast(), 1.0}},
                                                              {"c", {absl::InfinitePast(), 2.0}}};
  const Round round = PlanRound({"a", "b", "c", "b", "a"}, turns);
  EXPECT_THAT(round.order, ElementsAre(1, 3, 2, 0, 4));
  EXPECT_EQ(round.throttled, 0u);
  EXPECT_EQ(round.wake_at, absl::InfiniteFuture());
}

TEST(TenantSchedulingTest, SkipsThrottledTenantsAndWakesAtTheEarliestRunnableTime) {
  const absl::flat_hash_map<std::string, TenantTurn> turns = {
      {"a", {kT0 + absl::Milliseconds(300), 0.0}},
      {"b", {absl::InfinitePast(), 5.0}},
      {"c", {kT0 + absl::Milliseconds(200), 0.0}}};
  const Round round = PlanRound({"a", "b", "c", "a"}, turns);
  EXPECT_THAT(round.order, ElementsAre(1));
  EXPECT_EQ(round.throttled, 3u);
  EXPECT_EQ(round.wake_at, kT0 + absl::Milliseconds(200));
}

TEST(TenantSchedulingTest, EveryTaskThrottledLeavesNothingToRun) {
  const absl::flat_hash_map<std::string, TenantTurn> turns = {{"a", {kT0 + absl::Seconds(1), 0.0}}};
  const Round round = PlanRound({"a", "a"}, turns);
  EXPECT_THAT(round.order, IsEmpty());
  EXPECT_EQ(round.throttled, 2u);
  EXPECT_EQ(round.wake_at, kT0 + absl::Seconds(1));
}

TEST(TenantSchedulingTest, ATenantTheLedgerDoesNotKnowMayRun) {
  const Round round = PlanRound({"x"}, {});
  EXPECT_THAT(round.order, ElementsAre(0));
  EXPECT_THAT(PlanRound({}, {}).order, IsEmpty());
}

TEST(TenantSchedulingTest, TasksWithoutATenantRunAsTheDefaultTenant) {
  v1::TaskId id;
  EXPECT_EQ(TenantOfTask(id), "default");
  id.set_tenant("acme");
  EXPECT_EQ(TenantOfTask(id), "acme");
}

TEST(TenantSchedulingTest, ACappedTenantOverItsBudgetSitsOutUntilTheNextPeriod) {
  ManualClock clock(kT0);
  tenant::CpuLedger ledger(absl::Milliseconds(100), &clock);
  ledger.SetQuota("capped", 500);  // 50 ms per 100 ms period
  ledger.Charge("free", absl::Milliseconds(10));
  ledger.Charge("capped", absl::Milliseconds(60));
  const std::vector<std::string> tasks = {"capped", "free", "capped"};

  Round round = PlanRound(tasks, ReadTurns(tasks, ledger));
  EXPECT_THAT(round.order, ElementsAre(1));
  EXPECT_EQ(round.wake_at, kT0 + absl::Milliseconds(100));

  clock.Advance(absl::Milliseconds(100));  // the new period pays the 10 ms debt and leaves 40
  round = PlanRound(tasks, ReadTurns(tasks, ledger));
  // Both may run; "free" (weight 1000, 10 ms) is behind "capped" (weight 500, 60 ms, entering
  // at free's virtual time) in virtual time, so it goes first.
  EXPECT_THAT(round.order, ElementsAre(1, 0, 2));
  EXPECT_EQ(round.wake_at, absl::InfiniteFuture());
}

}  // namespace
}  // namespace skein::executor
