// A coordinator and three executors as real processes over gRPC on TCP: registration, lease
// expiry after kill -9, and rejoining.

#include <signal.h>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "support/cluster.h"

namespace skein::testing {
namespace {

constexpr int kLeaseMs = 2000;

TEST(ClusterMembershipTest, ExecutorsRegisterDieOnKillNineAndRejoin) {
  TestCluster cluster("membership", kLeaseMs);
  ASSERT_NO_FATAL_FAILURE(cluster.StartCoordinator());
  for (const char* id : {"exec-1", "exec-2", "exec-3"}) cluster.StartExecutor(id);
  for (const char* id : {"exec-1", "exec-2", "exec-3"}) {
    absl::StatusOr<v1::ExecutorView> view =
        cluster.AwaitState(id, v1::EXECUTOR_STATE_ALIVE, absl::Seconds(30));
    ASSERT_TRUE(view.ok()) << view.status() << "\n" << cluster.executor(id)->Log();
    EXPECT_GT(view->info().cores(), 0u);
    EXPECT_GT(view->info().memory_bytes(), 0u);
    EXPECT_NE(view->info().address().find("127.0.0.1:"), std::string::npos);
  }
  absl::StatusOr<v1::ListExecutorsResponse> all = cluster.ListExecutors();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->executors_size(), 3);

  // Heartbeats keep executors alive well past one lease.
  absl::SleepFor(absl::Milliseconds(2 * kLeaseMs));
  for (const char* id : {"exec-1", "exec-2", "exec-3"}) {
    EXPECT_EQ(cluster.Describe(id)->state(), v1::EXECUTOR_STATE_ALIVE) << id;
  }

  const uint64_t old_epoch = cluster.Describe("exec-2")->epoch();
  cluster.executor("exec-2")->Signal(SIGKILL);
  ASSERT_EQ(cluster.executor("exec-2")->Wait(absl::Seconds(10)), 128 + SIGKILL);
  absl::StatusOr<v1::ExecutorView> dead =
      cluster.AwaitState("exec-2", v1::EXECUTOR_STATE_DEAD, absl::Seconds(30));
  ASSERT_TRUE(dead.ok()) << dead.status();
  // The coordinator's own timestamps: declared dead within the lease plus one second of the
  // last heartbeat it received.
  int64_t detection_ms = dead->state_changed_at_unix_ms() - dead->last_heartbeat_unix_ms();
  EXPECT_GT(detection_ms, kLeaseMs);
  EXPECT_LE(detection_ms, kLeaseMs + 1000);
  RecordProperty("dead_detection_ms", static_cast<int>(detection_ms));
  EXPECT_EQ(cluster.Describe("exec-1")->state(), v1::EXECUTOR_STATE_ALIVE);
  EXPECT_EQ(cluster.Describe("exec-3")->state(), v1::EXECUTOR_STATE_ALIVE);

  cluster.StartExecutor("exec-2");
  absl::StatusOr<v1::ExecutorView> back =
      cluster.AwaitState("exec-2", v1::EXECUTOR_STATE_ALIVE, absl::Seconds(30));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_GT(back->epoch(), old_epoch);
}

TEST(ClusterMembershipTest, PausedExecutorIsDeclaredDeadThenReRegistersWithNewEpoch) {
  TestCluster cluster("zombie", kLeaseMs);
  ASSERT_NO_FATAL_FAILURE(cluster.StartCoordinator());
  Process* exec = cluster.StartExecutor("exec-z");
  absl::StatusOr<v1::ExecutorView> alive =
      cluster.AwaitState("exec-z", v1::EXECUTOR_STATE_ALIVE, absl::Seconds(30));
  ASSERT_TRUE(alive.ok()) << alive.status();
  exec->Signal(SIGSTOP);
  ASSERT_TRUE(cluster.AwaitState("exec-z", v1::EXECUTOR_STATE_DEAD, absl::Seconds(30)).ok());
  exec->Signal(SIGCONT);
  absl::StatusOr<v1::ExecutorView> back =
      cluster.AwaitState("exec-z", v1::EXECUTOR_STATE_ALIVE, absl::Seconds(30));
  ASSERT_TRUE(back.ok()) << back.status() << "\n" << exec->Log();
  EXPECT_GT(back->epoch(), alive->epoch()) << "the old epoch stays fenced";
}

TEST(ClusterMembershipTest, CoordinatorRestartLosesNoExecutor) {
  TestCluster cluster("coordinator-restart", kLeaseMs);
  ASSERT_NO_FATAL_FAILURE(cluster.StartCoordinator());
  cluster.StartExecutor("exec-r");
  ASSERT_TRUE(cluster.AwaitState("exec-r", v1::EXECUTOR_STATE_ALIVE, absl::Seconds(30)).ok());
  cluster.coordinator()->Signal(SIGTERM);
  ASSERT_EQ(cluster.coordinator()->Wait(absl::Seconds(15)), 0) << cluster.coordinator()->Log();
  ASSERT_NO_FATAL_FAILURE(cluster.StartCoordinator());
  // The executor kept running and registers with the new coordinator on its own.
  absl::StatusOr<v1::ExecutorView> back =
      cluster.AwaitState("exec-r", v1::EXECUTOR_STATE_ALIVE, absl::Seconds(30));
  ASSERT_TRUE(back.ok()) << back.status() << "\n" << cluster.executor("exec-r")->Log();
  EXPECT_TRUE(cluster.executor("exec-r")->running());
}

}  // namespace
}  // namespace skein::testing
