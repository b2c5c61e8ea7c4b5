#include "cpu_meter.h"

#include "gtest/gtest.h"

namespace skein::coordinator {
namespace {

google::protobuf::Map<std::string, double> Seconds(
    std::initializer_list<std::pair<const std::string, double>> values) {
  google::protobuf::Map<std::string, double> m;
  for (const auto& [k, v] : values) m[k] = v;
  return m;
}

TEST(CpuMeterTest, SumsTheLatestCounterOfEachExecutor) {
  CpuMeter meter;
  meter.Report("e1", Seconds({{"a", 1.0}, {"b", 2.0}}));
  meter.Report("e2", Seconds({{"a", 0.5}}));
  meter.Report("e1", Seconds({{"a", 1.5}, {"b", 2.0}}));
  EXPECT_DOUBLE_EQ(meter.TotalSeconds("a"), 2.0);
  EXPECT_DOUBLE_EQ(meter.TotalSeconds("b"), 2.0);
  EXPECT_DOUBLE_EQ(meter.TotalSeconds("nobody"), 0.0);
}

TEST(CpuMeterTest, AnExecutorRestartKeepsWhatItsPreviousProcessReported) {
  CpuMeter meter;
  meter.Report("e1", Seconds({{"a", 3.0}}));
  meter.Report("e1", Seconds({{"a", 0.25}}));  // restarted: its counter began again
  EXPECT_DOUBLE_EQ(meter.TotalSeconds("a"), 3.25);
  meter.Report("e1", Seconds({{"a", 1.0}}));
  EXPECT_DOUBLE_EQ(meter.TotalSeconds("a"), 4.0);
}

}  // namespace
}  // namespace skein::coordinator
