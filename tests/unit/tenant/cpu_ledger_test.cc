#include "skein/tenant/cpu_ledger.h"

#include "gtest/gtest.h"

namespace skein::tenant {
namespace {

constexpr absl::Duration kPeriod = absl::Milliseconds(100);

class CpuLedgerTest : public ::testing::Test {
 protected:
  ManualClock clock_{absl::UnixEpoch() + absl::Hours(1)};
  CpuLedger ledger_{kPeriod, &clock_};
};

TEST_F(CpuLedgerTest, UncappedTenantAlwaysRuns) {
  ledger_.Charge("a", absl::Seconds(5));
  EXPECT_TRUE(ledger_.MayRun("a"));
  EXPECT_EQ(ledger_.RunnableAt("a"), absl::InfinitePast());
}

TEST_F(CpuLedgerTest, CappedTenantStopsAtItsBudgetUntilTheNextPeriod) {
  ledger_.SetQuota("a", 500);  // half a core: 50 ms per 100 ms period
  ledger_.Charge("a", absl::Milliseconds(49));
  EXPECT_TRUE(ledger_.MayRun("a"));
  ledger_.Charge("a", absl::Milliseconds(1));
  EXPECT_FALSE(ledger_.MayRun("a"));
  EXPECT_EQ(ledger_.RunnableAt("a"), clock_.Now() + kPeriod);
  clock_.Advance(kPeriod);
  EXPECT_TRUE(ledger_.MayRun("a"));
}

TEST_F(CpuLedgerTest, OvershootIsCarriedAsDebtSoTheAverageStaysUnderTheCap) {
  ledger_.SetQuota("a", 500);
  ledger_.Charge("a", absl::Milliseconds(170));  // one slice that ran long
  // 170 ms used; each period pays down 50 ms: runnable once under 50 ms, after 3 periods (20 ms).
  EXPECT_EQ(ledger_.RunnableAt("a"), clock_.Now() + 3 * kPeriod);
  clock_.Advance(2 * kPeriod);
  EXPECT_FALSE(ledger_.MayRun("a"));
  clock_.Advance(kPeriod);
  EXPECT_TRUE(ledger_.MayRun("a"));
}

TEST_F(CpuLedgerTest, ThrottledTimeCountsEachHeldBackSpanOnce) {
  ledger_.SetQuota("a", 500);
  EXPECT_EQ(ledger_.RunnableAt("a"), absl::InfinitePast());
  EXPECT_EQ(ledger_.ThrottledTime("a"), absl::ZeroDuration());
  ledger_.Charge("a", absl::Milliseconds(170));  // runnable 3 periods from now
  ledger_.RunnableAt("a");
  ledger_.RunnableAt("a");  // asked again: the same span, not counted twice
  EXPECT_EQ(ledger_.ThrottledTime("a"), 3 * kPeriod);
  clock_.Advance(kPeriod);
  ledger_.RunnableAt("a");
  EXPECT_EQ(ledger_.ThrottledTime("a"), 3 * kPeriod);
  clock_.Advance(2 * kPeriod);
  EXPECT_TRUE(ledger_.MayRun("a"));
  ledger_.Charge("a", absl::Milliseconds(100));  // 20 + 100 ms: runnable after 2 periods
  ledger_.RunnableAt("a");
  EXPECT_EQ(ledger_.ThrottledTime("a"), 5 * kPeriod);
  EXPECT_EQ(ledger_.ThrottledTime("uncapped"), absl::ZeroDuration());
}

TEST_F(CpuLedgerTest, LongRunAverageNeverExceedsTheCap) {
  ledger_.SetQuota("a", 250);
  absl::Duration used;
  const absl::Duration slice = absl::Milliseconds(7);
  for (int tick = 0; tick < 10000; ++tick) {  // 10 s in 1 ms steps, greedy tenant
    if (ledger_.MayRun("a")) {
      ledger_.Charge("a", slice);
      used += slice;
    }
    clock_.Advance(absl::Milliseconds(1));
  }
  // Cap: 2.5 s over 10 s, plus at most one slice of overshoot.
  EXPECT_LE(used, absl::Milliseconds(2500) + slice);
  EXPECT_GE(used, absl::Milliseconds(2400));
  EXPECT_EQ(ledger_.TotalCpu("a"), used);
}

TEST_F(CpuLedgerTest, FairQueuingFavoursTheTenantWithLessWeightedCpu) {
  ledger_.SetQuota("heavy", 2000);
  ledger_.SetQuota("light", 1000);
  ledger_.Charge("heavy", absl::Milliseconds(10));  // 10 ms / 2000 = 0.005 ms per millicore
  ledger_.Charge("light", absl::Milliseconds(8));   // 8 ms / 1000 = 0.008
  EXPECT_LT(ledger_.VirtualTime("heavy"), ledger_.VirtualTime("light"));
}

TEST_F(CpuLedgerTest, IdleTenantReentersAtTheActiveMinimumWithoutBankedCredit) {
  ledger_.Charge("busy", absl::Seconds(1));
  clock_.Advance(absl::Milliseconds(10));
  // "late" never ran: it starts level with the busiest-but-lowest active tenant, not at zero.
  EXPECT_DOUBLE_EQ(ledger_.VirtualTime("late"), ledger_.VirtualTime("busy"));
  ledger_.Charge("late", absl::Milliseconds(1));
  EXPECT_GT(ledger_.VirtualTime("late"), ledger_.VirtualTime("busy"));
}

}  // namespace
}  // namespace skein::tenant
