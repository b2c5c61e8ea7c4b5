// Planned moves: draining an executor (Admin.DrainExecutor) moves every task of a stateful
// exactly-once aggregate to the other executor with the two-phase hand-over (commit, close,
// then the new owner restores and resumes), while input keeps arriving; undraining spreads the
// tasks back. Every update of COUNT(*) is emitted, so each key's output must be exactly
// 1, 2, ..., n in order: nothing lost or duplicated across the moves.

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "support/cluster.h"
#include "support/json_fields.h"
#include "support/kafka_io.h"

namespace skein::testing {
namespace {

constexpr int kKeys = 40;
constexpr int kPerRound = 2000;

std::vector<KafkaRecord> Round(int round) {
  std::vector<KafkaRecord> out;
  for (int i = 0; i < kPerRound; ++i) {
    KafkaRecord r;
    r.key = absl::StrCat("\"k", (i * 7 + round) % kKeys, "\"");
    r.value = absl::StrCat("{\"AMOUNT\":", i % 10, "}");
    out.push_back(std::move(r));
  }
  return out;
}

bool AllOn(const v1::QueryView& q, const std::string& executor) {
  for (const v1::TaskView& t : q.tasks()) {
    if (t.executor_id() != executor) return false;
  }
  return true;
}

bool SomeOn(const v1::QueryView& q, const std::string& executor) {
  for (const v1::TaskView& t : q.tasks()) {
    if (t.executor_id() == executor) return true;
  }
  return false;
}

TEST(DrainTest, DrainMovesEveryTaskAndLosesNothing) {
  const std::string bootstrap = KafkaBootstrap();
  ASSERT_FALSE(bootstrap.empty());
  TestCluster cluster("drain_test", 3000);
  ASSERT_NO_FATAL_FAILURE(cluster.StartCoordinator());
  for (const char* id : {"exec-1", "exec-2"}) {
    cluster.StartExecutor(id);
    ASSERT_TRUE(cluster.AwaitState(id, v1::EXECUTOR_STATE_ALIVE, absl::Seconds(60)).ok());
  }
  absl::StatusOr<v1::ExecutorView> unknown = cluster.Drain("exec-404", true);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound) << unknown.status();

  const std::string run = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const std::string in = "drain_in_" + run, out = "drain_counts_" + run;
  absl::StatusOr<v1::ExecuteStatementsResponse> executed = cluster.Execute(absl::StrCat(
      "SET 'auto.offset.reset'='earliest';"
      "CREATE STREAM drain_in (k STRING KEY, amount BIGINT) WITH (KAFKA_TOPIC='",
      in,
      "', FORMAT='JSON', PARTITIONS=4);"
      "CREATE TABLE drain_counts WITH (KAFKA_TOPIC='",
      out, "') AS SELECT k, COUNT(*) AS n, SUM(amount) AS total FROM drain_in GROUP BY k;"));
  ASSERT_TRUE(executed.ok()) << executed.status();
  const std::string query = executed->results(2).query_id();
  ASSERT_TRUE(cluster
                  .AwaitQueryRunning(query, absl::Minutes(2),
                                     [](const v1::QueryView& q) { return SomeOn(q, "exec-1"); })
                  .ok());

  std::map<std::string, int64_t> count, total;
  auto produce = [&](int round) {
    std::vector<KafkaRecord> records = Round(round);
    for (const KafkaRecord& r : records) {
      ++count[*r.key];
      total[*r.key] += *JsonInt(*r.value, "AMOUNT");
    }
    ASSERT_TRUE(ProduceAll(bootstrap, in, records).ok());
  };
  ASSERT_NO_FATAL_FAILURE(produce(0));

  absl::StatusOr<v1::ExecutorView> draining = cluster.Drain("exec-1", true);
  ASSERT_TRUE(draining.ok()) << draining.status();
  EXPECT_TRUE(draining->draining());
  ASSERT_NO_FATAL_FAILURE(produce(1));  // arrives while the tasks move
  absl::StatusOr<v1::QueryView> moved = cluster.AwaitQueryRunning(
      query, absl::Minutes(3), [](const v1::QueryView& q) { return AllOn(q, "exec-2"); });
  ASSERT_TRUE(moved.ok()) << moved.status();
  absl::StatusOr<v1::ExecutorView> drained = cluster.Describe("exec-1");
  ASSERT_TRUE(drained.ok());
  EXPECT_TRUE(drained->draining());
  EXPECT_EQ(drained->assigned_tasks(), 0u);

  // The last undrained executor cannot be drained: nothing would be left to run tasks.
  absl::StatusOr<v1::ExecutorView> last = cluster.Drain("exec-2", true);
  ASSERT_FALSE(last.ok());
  EXPECT_EQ(last.status().code(), absl::StatusCode::kFailedPrecondition) << last.status();

  // A drained executor restarted under its id stays drained.
  cluster.StartExecutor("exec-1");
  ASSERT_TRUE(cluster.AwaitState("exec-1", v1::EXECUTOR_STATE_ALIVE, absl::Seconds(60)).ok());
  ASSERT_NO_FATAL_FAILURE(produce(2));
  ASSERT_TRUE(cluster
                  .AwaitQueryRunning(query, absl::Minutes(2),
                                     [](const v1::QueryView& q) { return AllOn(q, "exec-2"); })
                  .ok());

  absl::StatusOr<v1::ExecutorView> undrained = cluster.Drain("exec-1", false);
  ASSERT_TRUE(undrained.ok()) << undrained.status();
  EXPECT_FALSE(undrained->draining());
  ASSERT_TRUE(cluster
                  .AwaitQueryRunning(query, absl::Minutes(3),
                                     [](const v1::QueryView& q) { return SomeOn(q, "exec-1"); })
                  .ok());
  ASSERT_NO_FATAL_FAILURE(produce(3));

  const size_t expected = 4 * kPerRound;  // one update per input record
  absl::StatusOr<std::vector<KafkaRecord>> output =
      ReadTopic(bootstrap, out, expected, absl::Minutes(3), absl::Seconds(3));
  ASSERT_TRUE(output.ok()) << output.status();
  EXPECT_EQ(output->size(), expected);
  std::map<std::string, int64_t> last_n, last_total;
  size_t out_of_order = 0;
  for (const KafkaRecord& r : *output) {
    ASSERT_TRUE(r.key && r.value);
    const int64_t n = JsonInt(*r.value, "N").value_or(-1);
    if (n != last_n[*r.key] + 1) ++out_of_order;  // a lost or duplicated update
    last_n[*r.key] = n;
    last_total[*r.key] = JsonInt(*r.value, "TOTAL").value_or(-1);
  }
  EXPECT_EQ(out_of_order, 0u);
  EXPECT_EQ(last_n, count);
  EXPECT_EQ(last_total, total);
}

}  // namespace
}  // namespace skein::testing
