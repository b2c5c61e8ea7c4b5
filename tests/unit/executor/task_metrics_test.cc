// The worker's per-task CPU slices and input-rate windows (executor/src/task_metrics.h).

#include "task_metrics.h"

#include "gtest/gtest.h"

namespace skein::executor {
namespace {

TEST(TaskMetricsTest, CpuSliceChargesTheThreadCpuTimeOfItsScope) {
  uint64_t total = 0;
  {
    CpuSlice slice(&total);
    volatile uint64_t sink = 0;
    for (uint64_t i = 0; i < 20'000'000; ++i) sink = sink + i;  // burn CPU, not wall time
  }
  EXPECT_GT(total, 0u);
  const uint64_t after_work = total;
  { CpuSlice idle(&total); }
  EXPECT_GE(total, after_work);
}

TEST(TaskMetricsTest, RateMeterReportsTheLastWindowOfAtLeastOneSecond) {
  RateMeter meter;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  EXPECT_EQ(meter.Update(0, t0), 0.0);
  EXPECT_EQ(meter.Update(400, t0 + absl::Milliseconds(500)), 0.0);  // window not complete
  EXPECT_DOUBLE_EQ(meter.Update(1000, t0 + absl::Seconds(2)), 500.0);
  EXPECT_DOUBLE_EQ(meter.Update(1100, t0 + absl::Milliseconds(2500)), 500.0);  // kept
  EXPECT_DOUBLE_EQ(meter.Update(1000 + 3000, t0 + absl::Seconds(3)), 3000.0);
  EXPECT_DOUBLE_EQ(meter.Update(4000, t0 + absl::Seconds(5)), 0.0);  // idle
}

}  // namespace
}  // namespace skein::executor
