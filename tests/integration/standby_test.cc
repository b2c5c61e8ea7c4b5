// Standby replicas against the real broker: an exactly-once aggregate on three executors with
// num.standby.replicas=1. Every task gets a standby on another executor, which tails the
// task's changelog until its lag is 0. Then the test kills -9 the executor running a task:
// the coordinator gives the task to the executor holding its standby, which restores only the
// changelog tail (a handful of records, not the N the changelog holds), and the read_committed
// output still equals an oracle computed in the test: one update per input record, every
// final aggregate exact.
//
// SKEIN_STANDBY_RECORDS sets the number of input records (default 20000).

#include <signal.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "support/cluster.h"
#include "support/json_fields.h"
#include "support/kafka_io.h"
#include "support/process.h"

namespace skein::testing {
namespace {

// One task per executor: a fail-over then moves only the victim's task (to its standby).
constexpr int kPartitions = 3;
constexpr int kExecutors = 3;
constexpr int kUsers = 97;
constexpr absl::Duration kDeadline = absl::Seconds(180);

// Polls DescribeQuery until `done` holds for the view; the last view seen, or an error after
// `timeout`.
absl::StatusOr<v1::QueryView> AwaitView(TestCluster* cluster, const std::string& query,
                                        const std::function<bool(const v1::QueryView&)>& done,
                                        absl::Duration timeout = kDeadline) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<v1::QueryView> last = absl::DeadlineExceededError("never described");
  while (absl::Now() < deadline) {
    last = cluster->DescribeQuery(query);
    if (last.ok() && done(*last)) return last;
    absl::SleepFor(absl::Milliseconds(200));
  }
  if (!last.ok()) return last.status();
  return absl::DeadlineExceededError(
      absl::StrCat("condition not met; last view: ", last->DebugString()));
}

// Every task RUNNING, with one standby on another executor that caught up (lag 0), and the
// query having read `records_in` records.
bool StandbysCaughtUp(const v1::QueryView& q, uint64_t records_in) {
  if (q.state() != v1::QUERY_STATE_RUNNING || q.records_in() < records_in) return false;
  for (const v1::TaskView& t : q.tasks()) {
    if (t.standbys_size() != 1) return false;
    const v1::StandbyView& s = t.standbys(0);
    if (s.executor_id() == t.executor_id() || s.lag() != 0) return false;
  }
  return true;
}

TEST(StandbyTest, FailOverPromotesTheCaughtUpStandbyWhichRestoresOnlyTheTail) {
  const int64_t n = EnvInt("SKEIN_STANDBY_RECORDS", 20'000);
  const std::string bootstrap = KafkaBootstrap();
  const std::string suffix = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const std::string views = "standby_views_" + suffix, totals = "standby_totals_" + suffix;

  // Input: record i adds i to user i % kUsers; the oracle is each user's (sum, count).
  std::vector<KafkaRecord> input;
  std::map<std::string, std::pair<int64_t, int64_t>> oracle;  // output key -> (sum, count)
  for (int64_t i = 0; i < n; ++i) {
    KafkaRecord r;
    r.key = absl::StrCat("\"user-", i % kUsers, "\"");
    r.value = absl::StrCat("{\"AMOUNT\":", i, "}");
    oracle[*r.key].first += i;
    oracle[*r.key].second += 1;
    input.push_back(std::move(r));
  }
  const size_t first_half = input.size() / 2;

  TestCluster cluster("standby", 3000);
  ASSERT_NO_FATAL_FAILURE(cluster.StartCoordinator());
  ASSERT_TRUE(cluster.StartExecutors(kExecutors).ok());
  absl::StatusOr<v1::ExecuteStatementsResponse> rejected =
      cluster.Execute("SET 'num.standby.replicas'='many';");
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(rejected.status().message().find("num.standby.replicas 'many' is not supported"),
            std::string::npos)
      << rejected.status();

  absl::StatusOr<v1::ExecuteStatementsResponse> executed = cluster.Execute(
      absl::StrCat("SET 'auto.offset.reset'='earliest';\n"
                   "SET 'num.standby.replicas'='1';\n"
                   "CREATE STREAM views (user_id STRING KEY, amount BIGINT) WITH (KAFKA_TOPIC='",
                   views, "', FORMAT='JSON', PARTITIONS=", kPartitions, ");\n",
                   "CREATE TABLE totals WITH (KAFKA_TOPIC='", totals,
                   "') AS SELECT user_id, SUM(amount) AS total, COUNT(*) AS n FROM views "
                   "GROUP BY user_id EMIT CHANGES;\n"));
  ASSERT_TRUE(executed.ok()) << executed.status();
  const std::string query = executed->results(3).query_id();

  // Half the input, then every standby caught up with its task's changelog.
  ASSERT_TRUE(ProduceAll(bootstrap, views,
                         std::vector<KafkaRecord>(input.begin(), input.begin() + first_half))
                  .ok());
  absl::StatusOr<v1::QueryView> caught_up = AwaitView(
      &cluster, query, [&](const v1::QueryView& q) { return StandbysCaughtUp(q, first_half); });
  ASSERT_TRUE(caught_up.ok()) << caught_up.status();
  for (const v1::TaskView& t : caught_up->tasks()) {
    std::cout << "task " << t.task().stage() << "/" << t.task().partition() << " on "
              << t.executor_id() << ", standby on " << t.standbys(0).executor_id() << " applied "
              << t.standbys(0).applied_records() << " records" << std::endl;
    EXPECT_GT(t.standbys(0).applied_records(), 0u) << "a standby that applied nothing has lag 0";
  }

  // kill -9 the executor of the first task: it must move to its standby's executor.
  const v1::TaskView& victim_task = caught_up->tasks(0);
  const std::string victim = victim_task.executor_id();
  const std::string standby = victim_task.standbys(0).executor_id();
  const uint32_t partition = victim_task.task().partition();
  std::cout << "kill -9 " << victim << "; task partition " << partition << " should move to "
            << standby << std::endl;
  cluster.executor(victim)->Signal(SIGKILL);
  cluster.executor(victim)->Wait(absl::Seconds(10));

  absl::StatusOr<v1::QueryView> moved = AwaitView(&cluster, query, [&](const v1::QueryView& q) {
    if (q.state() != v1::QUERY_STATE_RUNNING) return false;
    for (const v1::TaskView& t : q.tasks()) {
      if (t.executor_id() == victim) return false;
    }
    return true;
  });
  ASSERT_TRUE(moved.ok()) << moved.status();
  for (const v1::TaskView& t : moved->tasks()) {
    if (t.task().partition() != partition) continue;
    EXPECT_EQ(t.executor_id(), standby) << "the task did not fail over to its standby";
    EXPECT_TRUE(t.restore_done());
    std::cout << "promoted on " << t.executor_id() << ": restored " << t.restored_records()
              << " records of the changelog tail (" << first_half << " input records so far)"
              << std::endl;
    // A full restore replays every update of the partition (about half the records so far).
    EXPECT_LT(t.restored_records(), first_half / 20) << "the promoted task restored too much";
  }
  for (const v1::TaskView& t : moved->tasks()) {
    for (const v1::TaskView& before : caught_up->tasks()) {
      if (before.task().partition() == t.task().partition() && before.executor_id() != victim) {
        EXPECT_EQ(t.executor_id(), before.executor_id()) << "a task of a live executor moved";
      }
    }
  }

  // The rest of the input, then the output: one update per input record, exact totals.
  ASSERT_TRUE(ProduceAll(bootstrap, views,
                         std::vector<KafkaRecord>(input.begin() + first_half, input.end()))
                  .ok());
  absl::StatusOr<std::vector<KafkaRecord>> out =
      ReadTopic(bootstrap, totals, input.size(), absl::Seconds(300), absl::Seconds(5));
  ASSERT_TRUE(out.ok()) << out.status();
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> updates;
  for (const KafkaRecord& r : *out) {
    ASSERT_TRUE(r.key && r.value);
    std::optional<int64_t> total = JsonInt(*r.value, "TOTAL");
    std::optional<int64_t> count = JsonInt(*r.value, "N");
    ASSERT_TRUE(total && count) << *r.value;
    updates[*r.key].emplace_back(*total, *count);
  }
  EXPECT_EQ(out->size(), input.size()) << "one update per input record";
  ASSERT_EQ(updates.size(), oracle.size());
  size_t broken_sequences = 0, wrong_finals = 0;
  for (const auto& [key, seq] : updates) {
    for (size_t i = 0; i < seq.size(); ++i) {
      if (seq[i].second != static_cast<int64_t>(i + 1)) {
        ++broken_sequences;
        break;
      }
    }
    auto expected = oracle.find(key);
    if (expected == oracle.end() || seq.back() != expected->second) ++wrong_finals;
  }
  EXPECT_EQ(broken_sequences, 0u) << "keys whose counts skip or repeat";
  EXPECT_EQ(wrong_finals, 0u) << "keys whose final (sum, count) differ from the oracle";

  // The standby lost with the victim is placed again on a live executor. (records_in counts
  // from where each task last started, so it is not compared with the input here.)
  absl::StatusOr<v1::QueryView> replaced =
      AwaitView(&cluster, query, [&](const v1::QueryView& q) { return StandbysCaughtUp(q, 0); });
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  for (const v1::TaskView& t : replaced->tasks()) {
    EXPECT_NE(t.standbys(0).executor_id(), victim);
  }
}

}  // namespace
}  // namespace skein::testing
