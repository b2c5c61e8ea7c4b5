// Persistent queries on the cluster: a coordinator and executors as real processes, a real
// broker. The cluster's output topic must equal what the in-process engine of `skein test`
// computes from the same statements and input, before and after an executor joins.

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "local_oracle.h"
#include "skein/runtime/operators.h"
#include "support/cluster.h"
#include "support/kafka_io.h"
#include "support/process.h"

namespace skein::testing {
namespace {

constexpr int kPartitions = 6;

struct Output {
  int32_t partition;
  std::optional<std::string> key, value;
  int64_t timestamp;
  friend bool operator==(const Output&, const Output&) = default;
};

std::ostream& operator<<(std::ostream& os, const Output& o) {
  return os << "p" << o.partition << " " << o.key.value_or("<null>") << " => "
            << o.value.value_or("<null>") << " @" << o.timestamp;
}

// Event times a few minutes in the past, on a minute boundary: recent enough that the broker's
// time-based retention keeps the records (old timestamps would be deleted under the test).
int64_t BaseTime() {
  static const int64_t base = (absl::ToUnixMillis(absl::Now()) / 60'000 - 15) * 60'000;
  return base;
}

// Records of the input topic: keyed JSON clicks, with some malformed values in between.
std::vector<KafkaRecord> Clicks(int from, int to) {
  std::vector<KafkaRecord> out;
  for (int i = from; i < to; ++i) {
    KafkaRecord r;
    r.key = absl::StrCat("user-", i % 37);
    r.value = i % 101 == 0 ? std::string("{not json")
                           : absl::StrCat("{\"URL\":\"/page/", i % 13, "\",\"MS\":", (i * 7) % 500,
                                          ",\"REGION\":\"r", i % 3, "\"}");
    r.timestamp = BaseTime() + i;
    out.push_back(std::move(r));
  }
  return out;
}

using Inputs = OracleInputs;

// What `skein test`'s engine writes to `sink_topic` for `statements` over `inputs` (topics in
// order, each record partitioned by key as a Java producer would).
std::vector<Output> Expected(const std::string& statements, const Inputs& inputs,
                             const std::string& sink_topic) {
  absl::StatusOr<std::vector<runtime::Record>> all =
      RunLocalOracle(statements, inputs, sink_topic, kPartitions);
  EXPECT_TRUE(all.ok()) << all.status();
  std::vector<Output> out;
  if (!all.ok()) return out;
  for (const runtime::Record& r : *all) out.push_back({r.partition, r.key, r.value, r.timestamp});
  std::stable_sort(out.begin(), out.end(),
                   [](const Output& a, const Output& b) { return a.partition < b.partition; });
  return out;
}

// Output records grouped by key, in order: what must match when a repartition stage makes the
// interleaving of different keys depend on timing.
std::map<std::optional<std::string>, std::vector<Output>> ByKey(const std::vector<Output>& all) {
  std::map<std::optional<std::string>, std::vector<Output>> out;
  for (const Output& o : all) out[o.key].push_back(o);
  return out;
}

std::vector<Output> Actual(const std::string& topic, size_t expected) {
  absl::StatusOr<std::vector<KafkaRecord>> read =
      ReadTopic(KafkaBootstrap(), topic, expected, absl::Seconds(90));
  EXPECT_TRUE(read.ok()) << read.status();
  std::vector<Output> out;
  if (!read.ok()) return out;
  for (const KafkaRecord& r : *read) out.push_back({r.partition, r.key, r.value, r.timestamp});
  return out;
}

std::map<std::string, int> TasksPerExecutor(const v1::QueryView& q) {
  std::map<std::string, int> n;
  for (const v1::TaskView& t : q.tasks()) ++n[t.executor_id()];
  return n;
}

TEST(ClusterQueryTest, FilterProjectOutputEqualsSkeinTestBeforeAndAfterAnExecutorJoins) {
  const std::string suffix = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const std::string input = "clicks_" + suffix, sink = "slow_clicks_" + suffix;
  const std::string statements = absl::StrCat(
      "SET 'auto.offset.reset'='earliest';\n"
      "CREATE STREAM clicks (user_id STRING KEY, url STRING, ms BIGINT, region STRING)\n"
      "  WITH (KAFKA_TOPIC='",
      input, "', VALUE_FORMAT='JSON', PARTITIONS=", kPartitions,
      ");\n"
      "CREATE STREAM slow_clicks WITH (KAFKA_TOPIC='",
      sink,
      "') AS\n"
      "  SELECT user_id, UCASE(url) AS url, ms * 2 AS double_ms, region FROM clicks\n"
      "  WHERE ms > 250 AND region <> 'r2';\n");

  TestCluster cluster("cluster-query", 3000);
  ASSERT_NO_FATAL_FAILURE(cluster.StartCoordinator());
  for (const char* id : {"exec-1", "exec-2", "exec-3"}) {
    cluster.StartExecutor(id);
    ASSERT_TRUE(cluster.AwaitState(id, v1::EXECUTOR_STATE_ALIVE, absl::Seconds(30)).ok());
  }
  absl::StatusOr<v1::ExecuteStatementsResponse> executed = cluster.Execute(statements);
  ASSERT_TRUE(executed.ok()) << executed.status();
  ASSERT_EQ(executed->results_size(), 3);
  const std::string query_id = executed->results(2).query_id();
  EXPECT_EQ(query_id, "CSAS_SLOW_CLICKS_0");
  absl::StatusOr<v1::QueryView> running = cluster.AwaitQueryRunning(query_id, absl::Seconds(60));
  ASSERT_TRUE(running.ok()) << running.status();
  ASSERT_EQ(running->tasks_size(), kPartitions);
  EXPECT_EQ(TasksPerExecutor(*running).size(), 3u) << running->DebugString();

  // Batch 1 on three executors.
  const std::vector<KafkaRecord> batch1 = Clicks(0, 1500);
  ASSERT_TRUE(ProduceAll(KafkaBootstrap(), input, batch1).ok());
  std::vector<Output> expected = Expected(statements, {{input, batch1}}, sink);
  ASSERT_GT(expected.size(), 300u);
  std::vector<Output> actual = Actual(sink, expected.size());
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) ASSERT_EQ(actual[i], expected[i]) << "record " << i;

  // A fourth executor joins: tasks move onto it (and only after their old owner stopped).
  cluster.StartExecutor("exec-4");
  ASSERT_TRUE(cluster.AwaitState("exec-4", v1::EXECUTOR_STATE_ALIVE, absl::Seconds(30)).ok());
  running = cluster.AwaitQueryRunning(query_id, absl::Seconds(60), [](const v1::QueryView& q) {
    return TasksPerExecutor(q).count("exec-4") > 0;
  });
  ASSERT_TRUE(running.ok()) << running.status();
  auto per_executor = TasksPerExecutor(*running);
  EXPECT_EQ(per_executor.size(), 4u);
  for (const auto& [executor, n] : per_executor) EXPECT_LE(n, 2) << executor;

  // Batch 2 on four executors: the whole output still equals the in-process run.
  const std::vector<KafkaRecord> batch2 = Clicks(1500, 3000);
  ASSERT_TRUE(ProduceAll(KafkaBootstrap(), input, batch2).ok());
  std::vector<KafkaRecord> both = batch1;
  both.insert(both.end(), batch2.begin(), batch2.end());
  expected = Expected(statements, {{input, both}}, sink);
  actual = Actual(sink, expected.size());
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) ASSERT_EQ(actual[i], expected[i]) << "record " << i;

  // A push query streams rows of records that arrive after it started, then ends at LIMIT.
  std::vector<v1::PushQueryMessage> pushed;
  absl::Notification header_seen;
  absl::Status push_status;
  std::thread push([&] {
    push_status = cluster.PushQuery(
        "SELECT user_id, url FROM slow_clicks WHERE region = 'r0' EMIT CHANGES LIMIT 5;",
        {{"auto.offset.reset", "latest"}},
        [&](const v1::PushQueryMessage& m) {
          pushed.push_back(m);
          if (m.has_header()) header_seen.Notify();
        },
        absl::Seconds(90));
    if (!header_seen.HasBeenNotified()) header_seen.Notify();  // failed before the header
  });
  struct JoinOnExit {
    std::thread& thread;
    ~JoinOnExit() {
      if (thread.joinable()) thread.join();
    }
  } join_push{push};
  ASSERT_TRUE(header_seen.WaitForNotificationWithTimeout(absl::Seconds(60)));
  ASSERT_FALSE(pushed.empty()) << push_status;
  const std::string push_id = pushed[0].header().query_id();
  EXPECT_EQ(pushed[0].header().schema(), "USER_ID STRING KEY, URL STRING");
  ASSERT_TRUE(cluster.AwaitQueryRunning(push_id, absl::Seconds(60)).ok());
  ASSERT_TRUE(ProduceAll(KafkaBootstrap(), input, Clicks(3000, 3400)).ok());
  push.join();
  ASSERT_TRUE(push_status.ok()) << push_status;
  ASSERT_EQ(pushed.size(), 6u);  // header + LIMIT rows
  for (size_t i = 1; i < pushed.size(); ++i) {
    EXPECT_NE(pushed[i].row().value().find("\"URL\":\"/PAGE/"), std::string::npos)
        << pushed[i].row().value();
  }
  // The transient query is gone once the push query ended.
  EXPECT_EQ(cluster.DescribeQuery(push_id)->state(), v1::QUERY_STATE_TERMINATED);

  // Each malformed input record is in the tenant's processing log once, with its offset.
  const size_t malformed = 34;  // i % 101 == 0 for i in [0, 3400)
  absl::StatusOr<std::vector<KafkaRecord>> logged =
      ReadTopic(KafkaBootstrap(), "_skein-default-processing-log", malformed, absl::Seconds(60));
  ASSERT_TRUE(logged.ok()) << logged.status();
  std::set<std::string> where;
  for (const KafkaRecord& r : *logged) {
    ASSERT_TRUE(r.value.has_value());
    EXPECT_NE(r.value->find("\"QUERY_ID\":\"CSAS_SLOW_CLICKS_0\""), std::string::npos) << *r.value;
    EXPECT_NE(r.value->find("\"KIND\":\"DESERIALIZATION\""), std::string::npos) << *r.value;
    where.insert(r.value->substr(r.value->find("\"SOURCE_PARTITION\"")));
  }
  EXPECT_EQ(logged->size(), malformed);
  EXPECT_EQ(where.size(), malformed) << "one entry per bad record";

  // Malformed records were counted, not fatal.
  absl::StatusOr<v1::QueryView> final_view = cluster.DescribeQuery(query_id);
  ASSERT_TRUE(final_view.ok());
  EXPECT_EQ(final_view->state(), v1::QUERY_STATE_RUNNING) << final_view->state_reason();
}

// Starts a coordinator and `n` executors, all ALIVE.
void StartCluster(TestCluster* cluster, int n) {
  ASSERT_NO_FATAL_FAILURE(cluster->StartCoordinator());
  for (int i = 1; i <= n; ++i) {
    const std::string id = absl::StrCat("exec-", i);
    cluster->StartExecutor(id);
    ASSERT_TRUE(cluster->AwaitState(id, v1::EXECUTOR_STATE_ALIVE, absl::Seconds(30)).ok());
  }
}

TEST(ClusterQueryTest, TumblingWindowSumPerUserAndProductEqualsSkeinTest) {
  const std::string suffix = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const std::string input = "views_" + suffix, sink = "view_time_" + suffix;
  const std::string statements = absl::StrCat(
      "SET 'auto.offset.reset'='earliest';\n"
      "CREATE STREAM views (user_id STRING KEY, product_id STRING, view_ms BIGINT)\n"
      "  WITH (KAFKA_TOPIC='",
      input, "', FORMAT='JSON', PARTITIONS=", kPartitions,
      ");\n"
      "CREATE TABLE view_time WITH (KAFKA_TOPIC='",
      sink,
      "') AS\n"
      "  SELECT user_id, product_id, SUM(view_ms) AS total_ms, COUNT(*) AS views FROM views\n"
      "  WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user_id, product_id EMIT CHANGES;\n");
  std::vector<KafkaRecord> views;
  for (int i = 0; i < 2000; ++i) {
    KafkaRecord r;
    r.key = absl::StrCat("\"user-", i % 23, "\"");
    r.value = absl::StrCat("{\"PRODUCT_ID\":\"p", i % 7, "\",\"VIEW_MS\":", (i * 37) % 900, "}");
    r.timestamp = BaseTime() + int64_t{i} * 250;  // 2000 records over ~8 minutes
    views.push_back(std::move(r));
  }
  const std::vector<Output> expected = Expected(statements, {{input, views}}, sink);
  ASSERT_EQ(expected.size(), views.size());  // every update emitted (no record cache)

  TestCluster cluster("cluster-aggregate", 3000);
  ASSERT_NO_FATAL_FAILURE(StartCluster(&cluster, 3));
  absl::StatusOr<v1::ExecuteStatementsResponse> executed = cluster.Execute(statements);
  ASSERT_TRUE(executed.ok()) << executed.status();
  const std::string query_id = executed->results(2).query_id();
  absl::StatusOr<v1::QueryView> running = cluster.AwaitQueryRunning(query_id, absl::Seconds(60));
  ASSERT_TRUE(running.ok()) << running.status();
  EXPECT_EQ(running->tasks_size(), 2 * kPartitions) << "a repartition stage and an aggregate stage";
  ASSERT_TRUE(ProduceAll(KafkaBootstrap(), input, views).ok());

  // Different keys interleave by timing after the repartition; each key's updates may not.
  const std::vector<Output> actual = Actual(sink, expected.size());
  ASSERT_EQ(actual.size(), expected.size());
  const auto want = ByKey(expected), got = ByKey(actual);
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [key, updates] : want) {
    ASSERT_TRUE(got.count(key)) << key.value_or("<null>");
    ASSERT_EQ(got.at(key), updates) << key.value_or("<null>");
  }
}

TEST(ClusterQueryTest, RatingsLeftJoinCustomersThenUnhappyPlatinumEqualSkeinTest) {
  const std::string suffix = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const std::string customers_topic = "customers_" + suffix, ratings_topic = "ratings_" + suffix;
  const std::string rated = "rated_" + suffix, unhappy = "unhappy_platinum_" + suffix;
  const std::string statements = absl::StrCat(
      "SET 'auto.offset.reset'='earliest';\n"
      "CREATE TABLE customers (id STRING PRIMARY KEY, name STRING, level STRING)\n"
      "  WITH (KAFKA_TOPIC='",
      customers_topic, "', FORMAT='JSON', PARTITIONS=", kPartitions,
      ");\n"
      "CREATE STREAM ratings (customer_id STRING KEY, stars INT, channel STRING)\n"
      "  WITH (KAFKA_TOPIC='",
      ratings_topic, "', FORMAT='JSON', PARTITIONS=", kPartitions,
      ");\n"
      "CREATE STREAM rated WITH (KAFKA_TOPIC='",
      rated,
      "') AS SELECT r.customer_id AS customer_id, r.stars AS stars, r.channel AS channel,\n"
      "  c.name AS name, c.level AS level\n"
      "  FROM ratings r LEFT JOIN customers c ON r.customer_id = c.id;\n"
      "CREATE STREAM unhappy_platinum WITH (KAFKA_TOPIC='",
      unhappy, "') AS SELECT * FROM rated WHERE stars < 3 AND level = 'Platinum';\n");
  std::vector<KafkaRecord> customers, ratings;
  const char* levels[] = {"Platinum", "Gold", "Silver"};
  for (int i = 0; i < 60; ++i) {  // ids 60..79 have no customer row: LEFT JOIN nulls
    KafkaRecord r;
    r.key = absl::StrCat("\"c", i, "\"");
    r.value = absl::StrCat("{\"NAME\":\"name-", i, "\",\"LEVEL\":\"", levels[i % 3], "\"}");
    r.timestamp = BaseTime();
    customers.push_back(std::move(r));
  }
  for (int i = 0; i < 1200; ++i) {
    KafkaRecord r;
    r.key = absl::StrCat("\"c", (i * 7) % 80, "\"");
    r.value = absl::StrCat("{\"STARS\":", i % 5 + 1, ",\"CHANNEL\":\"ch", i % 4, "\"}");
    r.timestamp = BaseTime() + 100'000 + i;
    ratings.push_back(std::move(r));
  }
  const Inputs inputs = {{customers_topic, customers}, {ratings_topic, ratings}};
  const std::vector<Output> expected_rated = Expected(statements, inputs, rated);
  const std::vector<Output> expected_unhappy = Expected(statements, inputs, unhappy);
  ASSERT_EQ(expected_rated.size(), ratings.size());
  ASSERT_GT(expected_unhappy.size(), 50u);

  TestCluster cluster("cluster-join", 3000);
  ASSERT_NO_FATAL_FAILURE(StartCluster(&cluster, 3));
  absl::StatusOr<v1::ExecuteStatementsResponse> executed = cluster.Execute(statements);
  ASSERT_TRUE(executed.ok()) << executed.status();
  const std::string join_query = executed->results(3).query_id();
  const std::string filter_query = executed->results(4).query_id();
  ASSERT_TRUE(cluster.AwaitQueryRunning(join_query, absl::Seconds(60)).ok());
  ASSERT_TRUE(cluster.AwaitQueryRunning(filter_query, absl::Seconds(60)).ok());

  // The table is loaded before any rating arrives, so each rating sees its final customer.
  ASSERT_TRUE(ProduceAll(KafkaBootstrap(), customers_topic, customers).ok());
  absl::StatusOr<v1::QueryView> loaded = cluster.AwaitQueryRunning(
      join_query, absl::Seconds(60),
      [&](const v1::QueryView& q) { return q.records_in() >= customers.size(); });
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(ProduceAll(KafkaBootstrap(), ratings_topic, ratings).ok());

  const std::vector<Output> actual_rated = Actual(rated, expected_rated.size());
  ASSERT_EQ(actual_rated.size(), expected_rated.size());
  for (size_t i = 0; i < expected_rated.size(); ++i) {
    ASSERT_EQ(actual_rated[i], expected_rated[i]) << "record " << i;
  }
  const std::vector<Output> actual_unhappy = Actual(unhappy, expected_unhappy.size());
  ASSERT_EQ(actual_unhappy.size(), expected_unhappy.size());
  for (size_t i = 0; i < expected_unhappy.size(); ++i) {
    ASSERT_EQ(actual_unhappy[i], expected_unhappy[i]) << "record " << i;
  }
}

// A three-way join on the cluster: orders are repartitioned by customer, joined to the customer,
// rekeyed in the middle by the customer's region and LEFT joined to the region (three stages,
// two internal topics). Tables are loaded first, so every order's result is fixed; the stages
// interleave orders of different customers by timing, so the outputs are compared as sets.
TEST(ClusterQueryTest, ThreeWayJoinWithARekeyInTheMiddleEqualsSkeinTest) {
  const std::string suffix = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const std::string customers_topic = "nw_customers_" + suffix;
  const std::string regions_topic = "nw_regions_" + suffix, orders_topic = "nw_orders_" + suffix;
  const std::string routed = "nw_routed_" + suffix;
  const std::string statements = absl::StrCat(
      "SET 'auto.offset.reset'='earliest';\n"
      "CREATE TABLE customers (id STRING PRIMARY KEY, region STRING)\n"
      "  WITH (KAFKA_TOPIC='",
      customers_topic, "', FORMAT='JSON', PARTITIONS=", kPartitions,
      ");\n"
      "CREATE TABLE regions (code STRING PRIMARY KEY, manager STRING)\n"
      "  WITH (KAFKA_TOPIC='",
      regions_topic, "', FORMAT='JSON', PARTITIONS=", kPartitions,
      ");\n"
      "CREATE STREAM orders (order_id STRING KEY, customer_id STRING, amount INT)\n"
      "  WITH (KAFKA_TOPIC='",
      orders_topic, "', FORMAT='JSON', PARTITIONS=", kPartitions,
      ");\n"
      "CREATE STREAM routed WITH (KAFKA_TOPIC='",
      routed,
      "') AS SELECT r.code AS code, o.order_id AS order_id, o.amount AS amount,\n"
      "  r.manager AS manager\n"
      "  FROM orders o JOIN customers c ON o.customer_id = c.id\n"
      "  LEFT JOIN regions r ON c.region = r.code;\n");
  std::vector<KafkaRecord> customers, regions, orders;
  for (int i = 0; i < 60; ++i) {  // region r3 has no row: LEFT JOIN nulls
    KafkaRecord r;
    r.key = absl::StrCat("\"c", i, "\"");
    r.value = absl::StrCat("{\"REGION\":\"r", i % 4, "\"}");
    r.timestamp = BaseTime();
    customers.push_back(std::move(r));
  }
  for (int i = 0; i < 3; ++i) {
    KafkaRecord r;
    r.key = absl::StrCat("\"r", i, "\"");
    r.value = absl::StrCat("{\"MANAGER\":\"m", i, "\"}");
    r.timestamp = BaseTime();
    regions.push_back(std::move(r));
  }
  for (int i = 0; i < 600; ++i) {  // customers 60..69 are unknown: no result (inner join)
    KafkaRecord r;
    r.key = absl::StrCat("\"o", i, "\"");
    r.value = absl::StrCat("{\"CUSTOMER_ID\":\"c", (i * 7) % 70, "\",\"AMOUNT\":", i, "}");
    r.timestamp = BaseTime() + 100'000 + i;
    orders.push_back(std::move(r));
  }
  const Inputs inputs = {
      {customers_topic, customers}, {regions_topic, regions}, {orders_topic, orders}};
  std::vector<Output> expected = Expected(statements, inputs, routed);
  ASSERT_GT(expected.size(), 400u);
  ASSERT_LT(expected.size(), orders.size());

  TestCluster cluster("cluster-nway-join", 3000);
  ASSERT_NO_FATAL_FAILURE(StartCluster(&cluster, 3));
  absl::StatusOr<v1::ExecuteStatementsResponse> executed = cluster.Execute(statements);
  ASSERT_TRUE(executed.ok()) << executed.status();
  const std::string query = executed->results(4).query_id();
  ASSERT_TRUE(cluster.AwaitQueryRunning(query, absl::Seconds(60)).ok());
  ASSERT_TRUE(ProduceAll(KafkaBootstrap(), customers_topic, customers).ok());
  ASSERT_TRUE(ProduceAll(KafkaBootstrap(), regions_topic, regions).ok());
  absl::StatusOr<v1::QueryView> loaded = cluster.AwaitQueryRunning(
      query, absl::Seconds(60),
      [&](const v1::QueryView& q) { return q.records_in() >= customers.size() + regions.size(); });
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(ProduceAll(KafkaBootstrap(), orders_topic, orders).ok());

  std::vector<Output> actual = Actual(routed, expected.size());
  auto by_value = [](const Output& a, const Output& b) {
    return std::tie(a.partition, a.key, a.value, a.timestamp) <
           std::tie(b.partition, b.key, b.value, b.timestamp);
  };
  std::sort(expected.begin(), expected.end(), by_value);
  std::sort(actual.begin(), actual.end(), by_value);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(actual[i], expected[i]) << "record " << i;
  }
}

TEST(ClusterQueryTest, HeadlessQueriesFileRunsAtStartUpAndABadOneStopsIt) {
  const std::string suffix = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const std::string dir = ScratchDir("cluster-headless-files");
  const std::string good = dir + "/good.sql", bad = dir + "/bad.sql";
  std::ofstream(good) << "SET 'auto.offset.reset'='earliest';\n"
                      << "CREATE STREAM headless_in (id STRING KEY, v INT) WITH (KAFKA_TOPIC='"
                      << "headless_in_" << suffix << "', FORMAT='JSON', PARTITIONS=2);\n"
                      << "CREATE STREAM headless_out AS SELECT id, v * 2 AS v2 FROM headless_in;\n";
  std::ofstream(bad) << "CREATE STREAM ok_in (v INT) WITH (KAFKA_TOPIC='x_" << suffix
                     << "', FORMAT='JSON', PARTITIONS=1);\nCREATE STREM broken (v INT);\n";

  TestCluster cluster("cluster-headless", 3000);
  ASSERT_NO_FATAL_FAILURE(cluster.StartCoordinator({"--queries-file", good}));
  absl::StatusOr<v1::QueryView> q = cluster.DescribeQuery("CSAS_HEADLESS_OUT_0");
  ASSERT_TRUE(q.ok()) << q.status() << cluster.coordinator()->Log();
  EXPECT_EQ(q->state(), v1::QUERY_STATE_PENDING) << "no executor yet";
  cluster.StartExecutor("exec-1");
  ASSERT_TRUE(cluster.AwaitQueryRunning("CSAS_HEADLESS_OUT_0", absl::Seconds(60)).ok());

  // A file that does not parse stops the coordinator with the position (nothing of it runs).
  Process failing(
      {BinDir() + "/skein-coordinator", "--listen", absl::StrCat("127.0.0.1:", FreePort()),
       "--bootstrap", KafkaBootstrap(), "--queries-file", bad},
      dir + "/bad-coordinator.log");
  EXPECT_EQ(failing.Wait(absl::Seconds(60)), 2);
  EXPECT_NE(failing.Log().find("bad.sql: line 2:8: Syntax Error"), std::string::npos)
      << failing.Log();
}

TEST(ClusterQueryTest, InsertValuesAreWrittenByAnExecutorAndEqualSkeinTest) {
  const std::string suffix = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const std::string input = "payments_" + suffix, sink = "big_payments_" + suffix;
  const std::string ddl = absl::StrCat(
      "SET 'auto.offset.reset'='earliest';\n"
      "CREATE STREAM payments (id STRING KEY, amount DECIMAL(10, 2), n INT, paid BOOLEAN,\n"
      "  at TIMESTAMP, note STRING) WITH (KAFKA_TOPIC='",
      input, "', FORMAT='JSON', PARTITIONS=", kPartitions,
      ");\n"
      "CREATE STREAM big_payments WITH (KAFKA_TOPIC='",
      sink, "') AS SELECT id, amount * 2 AS doubled, n, note FROM payments WHERE paid;\n");
  std::string inserts;
  for (int i = 0; i < 40; ++i) {
    absl::StrAppend(&inserts,
                    "INSERT INTO payments (ROWTIME, id, amount, n, paid, at, note) "
                    "VALUES (",
                    BaseTime() + i, ", 'p-", i % 9, "', ", i, ".", i % 10, "5, ", i, ", ",
                    i % 3 == 0 ? "false" : "true", ", '2026-11-22T10:00:00.000', ",
                    i % 4 == 0 ? "NULL" : absl::StrCat("'it''s #", i, "'"), ");\n");
  }
  const std::vector<Output> expected = Expected(ddl + inserts, {}, sink);
  ASSERT_EQ(expected.size(), 26u);  // 40 rows, every third not paid

  TestCluster cluster("cluster-insert-values", 3000);
  ASSERT_NO_FATAL_FAILURE(cluster.StartCoordinator());
  absl::StatusOr<v1::ExecuteStatementsResponse> executed = cluster.Execute(ddl);
  ASSERT_TRUE(executed.ok()) << executed.status();
  // No executor yet: nothing can write the rows.
  absl::StatusOr<v1::ExecuteStatementsResponse> early = cluster.Execute(
      "INSERT INTO payments (id, amount, n, paid, at, note) VALUES ('x', 1, 1, true, "
      "'2026-11-22T10:00:00.000', 'x');");
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().code(), absl::StatusCode::kUnavailable) << early.status();

  for (const char* id : {"exec-1", "exec-2"}) {
    cluster.StartExecutor(id);
    ASSERT_TRUE(cluster.AwaitState(id, v1::EXECUTOR_STATE_ALIVE, absl::Seconds(30)).ok());
  }
  absl::StatusOr<v1::QueryView> running =
      cluster.AwaitQueryRunning(executed->results(2).query_id(), absl::Seconds(60));
  ASSERT_TRUE(running.ok()) << running.status();
  absl::StatusOr<v1::ExecuteStatementsResponse> inserted = cluster.Execute(inserts);
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  ASSERT_EQ(inserted->results_size(), 40);
  EXPECT_EQ(inserted->results(0).kind(), v1::StatementOutcome::KIND_ROWS_INSERTED);
  EXPECT_EQ(inserted->results(0).rows_inserted(), 1u);

  const std::vector<Output> actual = Actual(sink, expected.size());
  ASSERT_EQ(ByKey(actual), ByKey(expected));

  // A value the column's type cannot take is the statement's error, with its position.
  absl::StatusOr<v1::ExecuteStatementsResponse> bad = cluster.Execute(
      "INSERT INTO payments (id, amount, n, paid, at, note) VALUES ('x', 1, 'one', true, "
      "'2026-11-22T10:00:00.000', 'x');");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << bad.status();
}

TEST(ClusterQueryTest, BadStatementsGetPreciseErrors) {
  TestCluster cluster("cluster-query-errors", 3000);
  ASSERT_NO_FATAL_FAILURE(cluster.StartCoordinator());
  absl::StatusOr<v1::ExecuteStatementsResponse> r = cluster.Execute("CREATE STREM x (a INT);");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("line 1:"), std::string::npos) << r.status();

  const std::string missing = absl::StrCat("missing_", absl::ToUnixMillis(absl::Now()));
  r = cluster.Execute(absl::StrCat("CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='", missing,
                                   "', VALUE_FORMAT='JSON');"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("PARTITIONS"), std::string::npos) << r.status();

  absl::StatusOr<v1::QueryView> q = cluster.DescribeQuery("CSAS_NOPE_0");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace skein::testing
