#include "skein/tenant/memory_ledger.h"

#include "gtest/gtest.h"

namespace skein::tenant {
namespace {

class MemoryLedgerTest : public ::testing::Test {
 protected:
  ManualClock clock_{absl::UnixEpoch() + absl::Hours(1)};
  MemoryLedger ledger_{absl::Seconds(10), &clock_};
};

TEST_F(MemoryLedgerTest, UncappedTenantIsNeverUnderPressure) {
  ledger_.Charge("a", int64_t{1} << 40);
  EXPECT_EQ(ledger_.Check("a"), MemoryPressure::kOk);
}

TEST_F(MemoryLedgerTest, ChargedAndMeasuredBytesAddUpAgainstTheCap) {
  ledger_.SetQuota("a", 1000);
  ledger_.Charge("a", 600);
  ledger_.SetMeasured("a", 300);
  EXPECT_EQ(ledger_.Used("a"), 900);
  EXPECT_EQ(ledger_.Check("a"), MemoryPressure::kOk);
  ledger_.SetMeasured("a", 400);
  EXPECT_EQ(ledger_.Check("a"), MemoryPressure::kPause);
  ledger_.Release("a", 100);
  EXPECT_EQ(ledger_.Check("a"), MemoryPressure::kOk);
}

TEST_F(MemoryLedgerTest, OverTheCapPastTheGraceIsExhausted) {
  ledger_.SetQuota("a", 1000);
  ledger_.Charge("a", 1500);
  clock_.Advance(absl::Seconds(9));
  ledger_.Charge("a", 10);  // staying over does not restart the clock
  EXPECT_EQ(ledger_.Check("a"), MemoryPressure::kPause);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(ledger_.Check("a"), MemoryPressure::kExhausted);
}

TEST_F(MemoryLedgerTest, GettingBackUnderResetsTheGrace) {
  ledger_.SetQuota("a", 1000);
  ledger_.Charge("a", 1500);
  clock_.Advance(absl::Seconds(9));
  ledger_.Release("a", 1000);
  ledger_.Charge("a", 1000);
  clock_.Advance(absl::Seconds(9));
  EXPECT_EQ(ledger_.Check("a"), MemoryPressure::kPause);
}

TEST_F(MemoryLedgerTest, RestartGraceGivesAnOverTenantAFullGraceAgain) {
  ledger_.SetQuota("a", 1000);
  ledger_.Charge("a", 1500);
  clock_.Advance(absl::Seconds(10));
  EXPECT_EQ(ledger_.Check("a"), MemoryPressure::kExhausted);
  ledger_.RestartGrace("a");
  EXPECT_EQ(ledger_.Check("a"), MemoryPressure::kPause);
  clock_.Advance(absl::Seconds(10));
  EXPECT_EQ(ledger_.Check("a"), MemoryPressure::kExhausted);
  ledger_.Release("a", 1000);
  ledger_.RestartGrace("a");  // under the cap: nothing to restart
  EXPECT_EQ(ledger_.Check("a"), MemoryPressure::kOk);
}

TEST_F(MemoryLedgerTest, TenantsAreAccountedSeparately) {
  ledger_.SetQuota("a", 100);
  ledger_.SetQuota("b", 100);
  ledger_.Charge("a", 500);
  EXPECT_EQ(ledger_.Check("a"), MemoryPressure::kPause);
  EXPECT_EQ(ledger_.Check("b"), MemoryPressure::kOk);
  EXPECT_EQ(ledger_.Quota("b"), 100);
}

}  // namespace
}  // namespace skein::tenant
