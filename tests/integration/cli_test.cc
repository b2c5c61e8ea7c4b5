// The binaries' user-facing behaviour: `skein executors list`, and one clear line plus a
// non-zero exit for every kind of bad start-up input.

#include <signal.h>

#include <filesystem>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/cluster.h"

namespace skein::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Bin(const std::string& name) { return BinDir() + "/" + name; }
std::string FreeAddress() { return "127.0.0.1:" + std::to_string(FreePort()); }

TEST(CliTest, ExecutorsListShowsEveryExecutorAlive) {
  TestCluster cluster("cli-list", 3000);
  ASSERT_NO_FATAL_FAILURE(cluster.StartCoordinator());
  cluster.StartExecutor("exec-a");
  cluster.StartExecutor("exec-b");
  ASSERT_TRUE(cluster.AwaitState("exec-a", v1::EXECUTOR_STATE_ALIVE, absl::Seconds(30)).ok());
  ASSERT_TRUE(cluster.AwaitState("exec-b", v1::EXECUTOR_STATE_ALIVE, absl::Seconds(30)).ok());

  std::string out;
  ASSERT_EQ(RunCommand(
                {Bin("skein"), "--coordinator", cluster.coordinator_address(), "executors", "list"},
                &out),
            0)
      << out;
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << out;
  EXPECT_THAT(lines[0], HasSubstr("ID"));
  EXPECT_THAT(lines[0], HasSubstr("LAST HEARTBEAT"));
  EXPECT_THAT(lines[1], HasSubstr("exec-a"));
  EXPECT_THAT(lines[1], HasSubstr("ALIVE"));
  EXPECT_THAT(lines[2], HasSubstr("exec-b"));
  EXPECT_THAT(lines[2], HasSubstr("ALIVE"));

  ASSERT_EQ(RunCommand({Bin("skein"), "--coordinator", cluster.coordinator_address(), "executors",
                        "describe", "exec-a"},
                       &out),
            0)
      << out;
  EXPECT_THAT(out, HasSubstr("ALIVE (registered)"));
  EXPECT_EQ(RunCommand({Bin("skein"), "--coordinator", cluster.coordinator_address(), "executors",
                        "describe", "nope"},
                       &out),
            1);
  EXPECT_THAT(out, HasSubstr("no executor with id 'nope'"));

  // Drain and undrain (no tasks here: draining is at once drained).
  const std::vector<std::string> executors = {Bin("skein"), "--coordinator",
                                              cluster.coordinator_address(), "executors"};
  auto executors_command = [&](std::vector<std::string> args) {
    args.insert(args.begin(), executors.begin(), executors.end());
    return RunCommand(args, &out);
  };
  ASSERT_EQ(executors_command({"drain", "exec-a"}), 0) << out;
  EXPECT_THAT(out, HasSubstr("ALIVE drained"));
  ASSERT_EQ(executors_command({"list"}), 0) << out;
  EXPECT_THAT(out, HasSubstr("ALIVE drained"));
  EXPECT_EQ(executors_command({"drain", "exec-b"}), 2);  // not NOT_FOUND: exit code 2
  EXPECT_THAT(out, HasSubstr("no other ALIVE executor would be left"));
  ASSERT_EQ(executors_command({"undrain", "exec-a"}), 0) << out;
  EXPECT_THAT(out, Not(HasSubstr("drained")));

  ASSERT_EQ(
      RunCommand({Bin("skein"), "--coordinator", cluster.coordinator_address(), "cluster", "info"},
                 &out),
      0);
  EXPECT_THAT(out, HasSubstr("executors alive      2"));
  EXPECT_THAT(out, HasSubstr(KafkaBootstrap()));

  // A second coordinator on the same port fails with the real reason.
  ASSERT_EQ(RunCommand({Bin("skein-coordinator"), "--listen", cluster.coordinator_address(),
                        "--bootstrap", KafkaBootstrap()},
                       &out),
            2);
  EXPECT_THAT(out, HasSubstr("Address already in use"));
  // Two executors cannot share a data directory.
  ASSERT_EQ(
      RunCommand({Bin("skein-executor"), "--id", "exec-dup", "--coordinator",
                  cluster.coordinator_address(), "--data-dir", cluster.dir() + "/data/exec-a"},
                 &out),
      2);
  EXPECT_THAT(out, HasSubstr("in use by another executor"));
}

TEST(CliTest, UnknownFlagsAreRejected) {
  const std::vector<std::vector<std::string>> commands = {
      {Bin("skein"), "executors", "list", "--no-such-flag"},
      {Bin("skein-coordinator"), "--no-such-flag"},
      {Bin("skein-executor"), "--data-dir", "/tmp", "--no-such-flag"}};
  for (const auto& command : commands) {
    std::string out;
    EXPECT_NE(RunCommand(command, &out), 0) << command[0];
    EXPECT_THAT(out, HasSubstr("--no-such-flag")) << command[0];
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2) << out;
  }
}

TEST(CliTest, UnreachableCoordinatorIsOneClearLine) {
  std::string out;
  EXPECT_EQ(RunCommand({Bin("skein"), "--coordinator", FreeAddress(), "executors", "list"}, &out),
            2);
  EXPECT_THAT(out, HasSubstr("cannot reach the coordinator"));
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;

  std::string data = ScratchDir("cli-unreachable") + "/data";
  std::filesystem::create_directories(data);
  EXPECT_EQ(RunCommand({Bin("skein-executor"), "--id", "x", "--coordinator", FreeAddress(),
                        "--data-dir", data, "--connect-timeout-ms", "500", "--log-level", "off"},
                       &out),
            2);
  EXPECT_THAT(out, HasSubstr("cannot reach the coordinator"));
}

TEST(CliTest, UnreachableKafkaIsOneClearLine) {
  std::string out;
  EXPECT_EQ(RunCommand({Bin("skein-coordinator"), "--listen", FreeAddress(), "--bootstrap",
                        FreeAddress(), "--kafka-timeout-ms", "1000"},
                       &out),
            2);
  EXPECT_THAT(out, HasSubstr("Kafka is unreachable"));
}

TEST(CliTest, MissingDataDirectoryIsOneClearLine) {
  std::string out;
  EXPECT_EQ(
      RunCommand({Bin("skein-executor"), "--id", "x", "--data-dir", "/nonexistent/skein"}, &out),
      2);
  EXPECT_THAT(out, HasSubstr("data directory '/nonexistent/skein' does not exist"));
  EXPECT_THAT(out, HasSubstr("mkdir -p"));
}

}  // namespace
}  // namespace skein::testing
