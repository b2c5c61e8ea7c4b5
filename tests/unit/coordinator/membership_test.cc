#include "skein/coordinator/membership.h"

#include "gtest/gtest.h"

namespace skein::coordinator {
namespace {

v1::ExecutorInfo Info(const std::string& id) {
  v1::ExecutorInfo info;
  info.set_id(id);
  info.set_address("127.0.0.1:1" + id);
  info.set_cores(2);
  return info;
}

class MembershipTest : public ::testing::Test {
 protected:
  ManualClock clock_{absl::FromUnixSeconds(1'700'000'000)};
  Membership membership_{&clock_, absl::Seconds(3)};
};

TEST_F(MembershipTest, RegisteredExecutorIsAliveWithItsInfo) {
  absl::StatusOr<uint64_t> epoch = membership_.Register(Info("a"));
  ASSERT_TRUE(epoch.ok()) << epoch.status();
  absl::StatusOr<v1::ExecutorView> view = membership_.Describe("a");
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->state(), v1::EXECUTOR_STATE_ALIVE);
  EXPECT_EQ(view->epoch(), *epoch);
  EXPECT_EQ(view->info().address(), "127.0.0.1:1a");
  EXPECT_EQ(view->last_heartbeat_unix_ms(), 1'700'000'000'000);
}

TEST_F(MembershipTest, RejectsRegistrationWithoutIdOrAddress) {
  v1::ExecutorInfo no_id = Info("a");
  no_id.clear_id();
  EXPECT_EQ(membership_.Register(no_id).status().code(), absl::StatusCode::kInvalidArgument);
  v1::ExecutorInfo no_address = Info("a");
  no_address.clear_address();
  EXPECT_EQ(membership_.Register(no_address).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(membership_.List().empty());
}

TEST_F(MembershipTest, HeartbeatsKeepTheLeaseAndExpiryDeclaresDead) {
  uint64_t epoch = *membership_.Register(Info("a"));
  for (int i = 0; i < 10; ++i) {
    clock_.Advance(absl::Seconds(2));
    ASSERT_TRUE(membership_.Heartbeat("a", epoch, {}).ok());
    EXPECT_TRUE(membership_.ExpireLeases().empty());
  }
  clock_.Advance(absl::Seconds(3));
  EXPECT_TRUE(membership_.ExpireLeases().empty()) << "exactly the lease is not yet expired";
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_EQ(membership_.ExpireLeases(), std::vector<std::string>{"a"});
  EXPECT_EQ(membership_.Describe("a")->state(), v1::EXECUTOR_STATE_DEAD);
  EXPECT_EQ(membership_.Describe("a")->state_changed_at_unix_ms(),
            absl::ToUnixMillis(clock_.Now()));
  EXPECT_TRUE(membership_.ExpireLeases().empty()) << "declared dead only once";
}

TEST_F(MembershipTest, DeadExecutorMustRegisterAgainAndGetsANewerEpoch) {
  uint64_t first = *membership_.Register(Info("a"));
  clock_.Advance(absl::Seconds(4));
  membership_.ExpireLeases();
  absl::Status late = membership_.Heartbeat("a", first, {});
  EXPECT_EQ(late.code(), absl::StatusCode::kAborted) << late;
  uint64_t second = *membership_.Register(Info("a"));
  EXPECT_GT(second, first);
  EXPECT_EQ(membership_.Describe("a")->state(), v1::EXECUTOR_STATE_ALIVE);
  EXPECT_TRUE(membership_.Heartbeat("a", second, {}).ok());
}

TEST_F(MembershipTest, ReRegistrationFencesTheOlderEpoch) {
  uint64_t first = *membership_.Register(Info("a"));
  uint64_t second = *membership_.Register(Info("a"));
  EXPECT_EQ(membership_.Heartbeat("a", first, {}).code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(membership_.Heartbeat("a", second, {}).ok());
  EXPECT_EQ(membership_.List().size(), 1u);
}

TEST_F(MembershipTest, UnknownExecutorIsNotFound) {
  EXPECT_EQ(membership_.Heartbeat("ghost", 1, {}).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(membership_.Describe("ghost").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(MembershipTest, OnlyExpiredExecutorsDie) {
  uint64_t a = *membership_.Register(Info("a"));
  membership_.Register(Info("b")).IgnoreError();
  clock_.Advance(absl::Seconds(2));
  ASSERT_TRUE(membership_.Heartbeat("a", a, {}).ok());
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(membership_.ExpireLeases(), std::vector<std::string>{"b"});
  EXPECT_EQ(membership_.Describe("a")->state(), v1::EXECUTOR_STATE_ALIVE);
}

TEST_F(MembershipTest, LoadIsRecordedFromHeartbeats) {
  uint64_t epoch = *membership_.Register(Info("a"));
  v1::ExecutorLoad load;
  load.set_running_tasks(7);
  ASSERT_TRUE(membership_.Heartbeat("a", epoch, load).ok());
  EXPECT_EQ(membership_.Describe("a")->running_tasks(), 7u);
}

}  // namespace
}  // namespace skein::coordinator
