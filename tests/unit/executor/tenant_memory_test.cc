#include "tenant_memory.h"

#include "gtest/gtest.h"

namespace skein::executor {
namespace {

using tenant::MemoryPressure;

constexpr int64_t kMiB = int64_t{1} << 20;

// The meter over a fake state sampler and a manual clock: decisions are a pure function of
// the charges, the samples and the time.
class TenantMemoryTest : public ::testing::Test {
 protected:
  ManualClock clock_{absl::UnixEpoch() + absl::Hours(1)};
  std::map<std::string, StateMemorySample> samples_;
  TenantMemory memory_{[this] { return samples_; }, absl::Seconds(10), &clock_};
};

TEST_F(TenantMemoryTest, SumsStateChargesAndConsumerBounds) {
  memory_.SetQuota("hog", 64 * kMiB);
  memory_.Charge("hog", "q1", kConsumerQueueBytes);
  memory_.Charge("hog", "q1", 5 * kMiB);  // an uncommitted batch
  samples_["hog"] = {.bytes = 20 * kMiB, .memtable_bytes_by_query = {{"q1", 4 * kMiB}}};
  memory_.SampleState();
  EXPECT_EQ(memory_.Used("hog"), 20 * kMiB + 5 * kMiB + kConsumerQueueBytes);
  EXPECT_EQ(memory_.UsedByTenant().at("hog"), memory_.Used("hog"));
  memory_.Charge("hog", "q1", -5 * kMiB);  // committed
  EXPECT_EQ(memory_.Used("hog"), 20 * kMiB + kConsumerQueueBytes);
  samples_["hog"].bytes = 2 * kMiB;  // a new sample replaces the old one
  memory_.SampleState();
  EXPECT_EQ(memory_.Used("hog"), 2 * kMiB + kConsumerQueueBytes);
}

TEST_F(TenantMemoryTest, UnderTheQuotaRunsOverItPauses) {
  memory_.SetQuota("a", 10 * kMiB);
  memory_.Charge("a", "q", 9 * kMiB);
  EXPECT_EQ(memory_.Check("a"), MemoryPressure::kOk);
  samples_["a"].bytes = 2 * kMiB;
  memory_.SampleState();
  EXPECT_EQ(memory_.Check("a"), MemoryPressure::kPause);
  memory_.Charge("a", "q", -9 * kMiB);
  EXPECT_EQ(memory_.Check("a"), MemoryPressure::kOk);
}

TEST_F(TenantMemoryTest, TenantWithoutQuotaIsMeteredButNeverPaused) {
  memory_.Charge("free", "q", 100 * kMiB);
  EXPECT_EQ(memory_.Check("free"), MemoryPressure::kOk);
  EXPECT_EQ(memory_.Used("free"), 100 * kMiB);
  clock_.Advance(absl::Minutes(1));
  EXPECT_EQ(memory_.Check("free"), MemoryPressure::kOk);
  EXPECT_FALSE(memory_.DoomedReason("free", "q").has_value());
}

TEST_F(TenantMemoryTest, OverThroughTheGraceDoomsTheLargestQueryOnly) {
  memory_.SetQuota("hog", 64 * kMiB);
  memory_.Charge("hog", "small", kConsumerQueueBytes);
  memory_.Charge("hog", "big", kConsumerQueueBytes + 10 * kMiB);
  samples_["hog"] = {.bytes = 60 * kMiB, .memtable_bytes_by_query = {{"big", 30 * kMiB}}};
  memory_.SampleState();
  EXPECT_EQ(memory_.Check("hog"), MemoryPressure::kPause);
  clock_.Advance(absl::Seconds(9));
  EXPECT_EQ(memory_.Check("hog"), MemoryPressure::kPause);
  EXPECT_FALSE(memory_.DoomedReason("hog", "big").has_value());
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(memory_.Check("hog"), MemoryPressure::kPause);  // never kExhausted to workers
  std::optional<absl::Status> why = memory_.DoomedReason("hog", "big");
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(why->code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(why->message().find("tenant hog memory"), std::string::npos) << why->message();
  EXPECT_NE(why->message().find("over quota 64.0 MiB"), std::string::npos) << why->message();
  EXPECT_NE(why->message().find("query big holds 43.0 MiB"), std::string::npos) << why->message();
  EXPECT_FALSE(memory_.DoomedReason("hog", "small").has_value());
}

TEST_F(TenantMemoryTest, AfterADoomTheGraceStartsAgainBeforeTheNextQuery) {
  memory_.SetQuota("hog", 10 * kMiB);
  memory_.Charge("hog", "q1", 8 * kMiB);
  memory_.Charge("hog", "q2", 4 * kMiB);
  EXPECT_EQ(memory_.Check("hog"), MemoryPressure::kPause);
  clock_.Advance(absl::Seconds(10));
  memory_.Check("hog");
  EXPECT_TRUE(memory_.DoomedReason("hog", "q1").has_value());
  // Its tasks have not released their memory yet: q2 is not failed within the new grace.
  clock_.Advance(absl::Seconds(5));
  EXPECT_EQ(memory_.Check("hog"), MemoryPressure::kPause);
  EXPECT_FALSE(memory_.DoomedReason("hog", "q2").has_value());
  memory_.Charge("hog", "q1", -8 * kMiB);  // its tasks closed
  EXPECT_EQ(memory_.Check("hog"), MemoryPressure::kOk);
  clock_.Advance(absl::Minutes(1));
  EXPECT_EQ(memory_.Check("hog"), MemoryPressure::kOk);
  EXPECT_FALSE(memory_.DoomedReason("hog", "q2").has_value());
}

TEST_F(TenantMemoryTest, GettingBackUnderWithinTheGraceDoomsNothing) {
  memory_.SetQuota("a", 10 * kMiB);
  memory_.Charge("a", "q", 12 * kMiB);
  memory_.Check("a");
  clock_.Advance(absl::Seconds(8));
  memory_.Charge("a", "q", -4 * kMiB);
  EXPECT_EQ(memory_.Check("a"), MemoryPressure::kOk);
  memory_.Charge("a", "q", 4 * kMiB);
  clock_.Advance(absl::Seconds(8));  // over again for 8 s only
  EXPECT_EQ(memory_.Check("a"), MemoryPressure::kPause);
  EXPECT_FALSE(memory_.DoomedReason("a", "q").has_value());
}

TEST_F(TenantMemoryTest, TenantsAreIndependent) {
  memory_.SetQuota("hog", 10 * kMiB);
  memory_.SetQuota("light", 10 * kMiB);
  memory_.Charge("hog", "q", 20 * kMiB);
  memory_.Charge("light", "q", 1 * kMiB);
  memory_.Check("hog");
  clock_.Advance(absl::Seconds(11));
  memory_.Check("hog");
  EXPECT_TRUE(memory_.DoomedReason("hog", "q").has_value());
  EXPECT_EQ(memory_.Check("light"), MemoryPressure::kOk);
  EXPECT_FALSE(memory_.DoomedReason("light", "q").has_value());
}

TEST(BoundedConsumerSettingsTest, MatchTheChargedBound) {
  int64_t bytes = 0;
  for (const auto& [key, value] : BoundedConsumerSettings()) {
    if (key == "queued.max.messages.kbytes") bytes += std::stoll(value) * 1024;
    if (key == "fetch.max.bytes") bytes += std::stoll(value);
  }
  EXPECT_EQ(bytes, kConsumerQueueBytes);
}

}  // namespace
}  // namespace skein::executor
