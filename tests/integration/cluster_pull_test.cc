// Pull queries on the cluster: a coordinator and executors as real processes, a real broker.
// The seed-000 aggregate (1-minute tumbling SUM of view time per user and product) runs as a
// CTAS; pull queries must return what the in-process engine of `skein test` computes for the
// same input, read from the state of the executors that hold the table's tasks.

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "local_oracle.h"
#include "skein/common/grpc_status.h"
#include "skein/runtime/operators.h"
#include "support/cluster.h"
#include "support/kafka_io.h"
#include "support/process.h"

namespace skein::testing {
namespace {

constexpr int kPartitions = 6;

// One window of one group: TOTAL_MS and VIEWS.
struct Aggregate {
  int64_t total_ms = 0;
  int64_t views = 0;
  friend bool operator==(const Aggregate&, const Aggregate&) = default;
  friend bool operator<(const Aggregate& a, const Aggregate& b) {
    return std::pair(a.total_ms, a.views) < std::pair(b.total_ms, b.views);
  }
};
// (USER_ID, PRODUCT_ID, WINDOWSTART) -> the window's aggregate.
using Group = std::tuple<std::string, std::string, int64_t>;
using Table = std::map<Group, Aggregate>;

std::ostream& operator<<(std::ostream& os, const Aggregate& a) {
  return os << "{total_ms=" << a.total_ms << " views=" << a.views << "}";
}

// The value of `"NAME":` in a flat JSON object (number or string, without quotes).
std::optional<std::string> Field(const std::string& json, const std::string& name) {
  const std::string tag = absl::StrCat("\"", name, "\":");
  size_t at = json.find(tag);
  if (at == std::string::npos) return std::nullopt;
  at += tag.size();
  if (json[at] == '"') {
    const size_t end = json.find('"', at + 1);
    return json.substr(at + 1, end - at - 1);
  }
  const size_t end = json.find_first_of(",}", at);
  return json.substr(at, end - at);
}

int64_t NumberField(const std::string& json, const std::string& name) {
  std::optional<std::string> v = Field(json, name);
  EXPECT_TRUE(v.has_value()) << name << " in " << json;
  return v ? std::stoll(*v) : -1;
}

// Event times a few minutes in the past, on a minute boundary (kept by the broker's retention).
int64_t BaseTime() {
  static const int64_t base = (absl::ToUnixMillis(absl::Now()) / 60'000 - 15) * 60'000;
  return base;
}

std::string Statements(const std::string& input, const std::string& sink) {
  return absl::StrCat(
      "SET 'auto.offset.reset'='earliest';\n"
      "CREATE STREAM views (user_id STRING KEY, product_id STRING, view_ms BIGINT)\n"
      "  WITH (KAFKA_TOPIC='",
      input, "', FORMAT='JSON', PARTITIONS=", kPartitions,
      ");\n"
      "CREATE TABLE pull_totals WITH (KAFKA_TOPIC='",
      sink,
      "') AS\n"
      "  SELECT user_id, product_id, SUM(view_ms) AS total_ms, COUNT(*) AS views FROM views\n"
      "  WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user_id, product_id EMIT CHANGES;\n");
}

std::vector<KafkaRecord> Views() {
  std::vector<KafkaRecord> views;
  for (int i = 0; i < 2000; ++i) {
    KafkaRecord r;
    r.key = absl::StrCat("\"user-", i % 23, "\"");
    r.value = absl::StrCat("{\"PRODUCT_ID\":\"p", i % 7, "\",\"VIEW_MS\":", (i * 37) % 900, "}");
    r.timestamp = BaseTime() + int64_t{i} * 250;  // 2000 records over ~8 minutes
    views.push_back(std::move(r));
  }
  return views;
}

// The table `skein test`'s engine materializes: the last update of each windowed key of the
// sink (JSON key, then the 8-byte big-endian window start).
Table ExpectedTable(const std::string& statements, const std::string& input,
                    const std::vector<KafkaRecord>& records, const std::string& sink,
                    size_t* updates) {
  absl::StatusOr<std::vector<runtime::Record>> all =
      RunLocalOracle(statements, {{input, records}}, sink, kPartitions);
  EXPECT_TRUE(all.ok()) << all.status();
  Table out;
  if (!all.ok()) return out;
  *updates = all->size();
  for (const runtime::Record& r : *all) {
    EXPECT_TRUE(r.key && r.key->size() > 8 && r.value) << "a windowed update";
    if (!r.key || r.key->size() <= 8 || !r.value) continue;
    const std::string json_key = r.key->substr(0, r.key->size() - 8);
    int64_t start = 0;
    for (size_t i = r.key->size() - 8; i < r.key->size(); ++i) {
      start = (start << 8) | static_cast<unsigned char>((*r.key)[i]);
    }
    out[{*Field(json_key, "USER_ID"), *Field(json_key, "PRODUCT_ID"), start}] = {
        NumberField(*r.value, "TOTAL_MS"), NumberField(*r.value, "VIEWS")};
  }
  return out;
}

Table Subset(const Table& all, const std::function<bool(const Group&)>& keep) {
  Table out;
  for (const auto& [g, a] : all) {
    if (keep(g)) out[g] = a;
  }
  return out;
}

struct PullResult {
  std::string schema;
  std::string query_id;
  std::vector<std::string> rows;
  Table table;
};

// Admin.PullQuery over a fresh connection.
absl::StatusOr<PullResult> Pull(TestCluster& cluster, const std::string& sql) {
  auto stub = v1::Admin::NewStub(
      grpc::CreateChannel(cluster.coordinator_address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  v1::PullQueryRequest request;
  request.set_sql(sql);
  auto reader = stub->PullQuery(&ctx, request);
  PullResult out;
  v1::PullQueryMessage m;
  while (reader->Read(&m)) {
    if (m.has_header()) {
      out.schema = m.header().schema();
      out.query_id = m.header().query_id();
      continue;
    }
    const std::string& row = m.row().json();
    out.rows.push_back(row);
    out.table[{Field(row, "USER_ID").value_or("?"), Field(row, "PRODUCT_ID").value_or("?"),
               NumberField(row, "WINDOWSTART")}] = {NumberField(row, "TOTAL_MS"),
                                                    NumberField(row, "VIEWS")};
  }
  absl::Status s = FromGrpc(reader->Finish());
  if (!s.ok()) return s;
  return out;
}

// Pulls until the answer equals `want` (state is committed a moment after the output it
// produced is visible) or a generous deadline passes; returns the last answer.
PullResult PullUntilEqual(TestCluster& cluster, const std::string& sql, const Table& want) {
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  PullResult last;
  while (true) {
    absl::StatusOr<PullResult> r = Pull(cluster, sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status();
    if (!r.ok()) return last;
    last = *std::move(r);
    if (last.table == want || absl::Now() > deadline) return last;
    absl::SleepFor(absl::Milliseconds(200));
  }
}

std::map<std::string, int> TasksPerExecutor(const v1::QueryView& q) {
  std::map<std::string, int> n;
  for (const v1::TaskView& t : q.tasks()) ++n[t.executor_id()];
  return n;
}

TEST(ClusterPullTest, PullQueriesReadTheSeedAggregateFromTheExecutorsHoldingItsTasks) {
  const std::string suffix = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const std::string input = "pull_views_" + suffix, sink = "pull_view_time_" + suffix;
  const std::string statements = Statements(input, sink);
  const std::vector<KafkaRecord> views = Views();
  size_t updates = 0;
  const Table expected = ExpectedTable(statements, input, views, sink, &updates);
  ASSERT_EQ(updates, views.size());
  ASSERT_GT(expected.size(), 500u);

  TestCluster cluster("cluster-pull", 3000);
  ASSERT_NO_FATAL_FAILURE(cluster.StartCoordinator());
  for (const char* id : {"exec-1", "exec-2", "exec-3"}) {
    cluster.StartExecutor(id);
    ASSERT_TRUE(cluster.AwaitState(id, v1::EXECUTOR_STATE_ALIVE, absl::Seconds(30)).ok());
  }
  absl::StatusOr<v1::ExecuteStatementsResponse> executed = cluster.Execute(statements);
  ASSERT_TRUE(executed.ok()) << executed.status();
  const std::string query_id = executed->results(2).query_id();
  absl::StatusOr<v1::QueryView> running = cluster.AwaitQueryRunning(query_id, absl::Seconds(60));
  ASSERT_TRUE(running.ok()) << running.status();
  EXPECT_EQ(TasksPerExecutor(*running).size(), 3u);
  ASSERT_TRUE(ProduceAll(KafkaBootstrap(), input, views).ok());
  ASSERT_TRUE(ReadTopic(KafkaBootstrap(), sink, updates, absl::Seconds(90)).ok());

  // A key lookup: every window of one (user, product), equal to the in-process engine's.
  const std::string lookup =
      "SELECT * FROM pull_totals WHERE user_id = 'user-3' AND product_id = 'p3';";
  const Table user3_p3 = Subset(expected, [](const Group& g) {
    return std::get<0>(g) == "user-3" && std::get<1>(g) == "p3";
  });
  ASSERT_FALSE(user3_p3.empty());
  PullResult got = PullUntilEqual(cluster, lookup, user3_p3);
  EXPECT_EQ(got.table, user3_p3);
  EXPECT_EQ(got.rows.size(), user3_p3.size());
  EXPECT_EQ(got.query_id, query_id);
  EXPECT_EQ(got.schema,
            "USER_ID STRING KEY, PRODUCT_ID STRING KEY, WINDOWSTART BIGINT KEY, WINDOWEND BIGINT "
            "KEY, TOTAL_MS BIGINT, VIEWS BIGINT");

  // The CLI: `skein select` without EMIT runs a pull query (global options after the command).
  std::string cli;
  ASSERT_EQ(RunCommand({BinDir() + "/skein", "select",
                        "SELECT user_id, total_ms FROM pull_totals WHERE user_id = 'user-3' AND "
                        "product_id = 'p3';",
                        "--coordinator", cluster.coordinator_address()},
                       &cli),
            0)
      << cli;
  EXPECT_TRUE(absl::StartsWith(cli, absl::StrCat("-- ", query_id,
                                                 ": USER_ID STRING KEY, WINDOWSTART BIGINT KEY, "
                                                 "WINDOWEND BIGINT KEY, TOTAL_MS BIGINT\n")))
      << cli;
  EXPECT_EQ(static_cast<size_t>(std::count(cli.begin(), cli.end(), '\n')), 1 + user3_p3.size())
      << cli;
  ASSERT_EQ(RunCommand({BinDir() + "/skein", "queries", "describe", query_id, "--coordinator",
                        cluster.coordinator_address()},
                       &cli),
            0)
      << cli;
  EXPECT_TRUE(absl::StrContains(cli, "CPU")) << cli;

  // IN lists, projections and WINDOWSTART bounds.
  const int64_t from = BaseTime() + 3 * 60'000;
  const Table in_list = Subset(expected, [&](const Group& g) {
    return (std::get<0>(g) == "user-1" || std::get<0>(g) == "user-2") && std::get<1>(g) == "p1" &&
           std::get<2>(g) >= from;
  });
  ASSERT_FALSE(in_list.empty());
  got = PullUntilEqual(cluster,
                       absl::StrCat("SELECT user_id, product_id, WINDOWSTART, total_ms, views "
                                    "FROM pull_totals WHERE user_id IN ('user-1', 'user-2') AND "
                                    "product_id = 'p1' AND WINDOWSTART >= ",
                                    from, ";"),
                       in_list);
  EXPECT_EQ(got.table, in_list);

  // A scan: every window of every group.
  got = PullUntilEqual(cluster, "SELECT * FROM pull_totals;", expected);
  EXPECT_EQ(got.table, expected);
  EXPECT_EQ(got.rows.size(), expected.size());
  got = PullUntilEqual(cluster, "SELECT * FROM pull_totals WHERE views > 100;", {});
  EXPECT_TRUE(got.rows.empty());
  absl::StatusOr<PullResult> limited = Pull(cluster, "SELECT * FROM pull_totals LIMIT 7;");
  ASSERT_TRUE(limited.ok()) << limited.status();
  EXPECT_EQ(limited->rows.size(), 7u);

  // Every task that processed records reports the thread CPU time it used.
  absl::StatusOr<v1::QueryView> described = cluster.DescribeQuery(query_id);
  ASSERT_TRUE(described.ok()) << described.status();
  EXPECT_GT(described->cpu_seconds(), 0.0);
  for (const v1::TaskView& t : described->tasks()) {
    if (t.records_in() > 0) {
      EXPECT_GT(t.cpu_seconds(), 0.0) << t.DebugString();
    }
    EXPECT_GE(t.records_in_per_second(), 0.0);
  }

  // An unknown key: the header and no rows.
  absl::StatusOr<PullResult> none =
      Pull(cluster, "SELECT * FROM pull_totals WHERE user_id = 'nobody' AND product_id = 'p1';");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->schema.empty());
  EXPECT_TRUE(none->rows.empty());

  // Bad pull queries: precise codes, positions and ksqlDB's texts.
  absl::StatusOr<PullResult> bad =
      Pull(cluster, "SELECT user_id, COUNT(*) FROM pull_totals\n  GROUP BY user_id;");
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << bad.status();
  EXPECT_TRUE(absl::StartsWith(bad.status().message(),
                               "line 2:12: Pull queries don't support GROUP BY clauses."))
      << bad.status();
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "Add EMIT CHANGES")) << bad.status();
  bad = Pull(cluster, "SELECT nope FROM pull_totals WHERE user_id = 'user-1';");
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << bad.status();
  EXPECT_TRUE(absl::StartsWith(bad.status().message(), "line 1:8:")) << bad.status();
  bad = Pull(cluster, "SELECT * FROM pull_totals WHERE;");
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << bad.status();
  EXPECT_TRUE(absl::StartsWith(bad.status().message(), "line 1:")) << bad.status();
  bad = Pull(cluster, "SELECT * FROM no_such_table;");
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kNotFound) << bad.status();
  EXPECT_TRUE(absl::StartsWith(bad.status().message(), "line 1:15:")) << bad.status();

  // A fourth executor joins and the table's tasks move: pulls follow the new holders, and a
  // moved task restored its state from the changelog before it reported RUNNING, so the table
  // answers in full.
  cluster.StartExecutor("exec-4");
  ASSERT_TRUE(cluster.AwaitState("exec-4", v1::EXECUTOR_STATE_ALIVE, absl::Seconds(30)).ok());
  running = cluster.AwaitQueryRunning(query_id, absl::Seconds(60), [](const v1::QueryView& q) {
    return TasksPerExecutor(q).count("exec-4") > 0;
  });
  ASSERT_TRUE(running.ok()) << running.status();
  absl::StatusOr<PullResult> after = Pull(cluster, "SELECT * FROM pull_totals;");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->table, expected);

  const std::string sink_b = sink + "_b";
  executed = cluster.Execute(absl::StrCat(
      "CREATE TABLE pull_totals_b WITH (KAFKA_TOPIC='", sink_b,
      "') AS SELECT user_id, product_id, SUM(view_ms) AS total_ms, COUNT(*) AS views FROM views "
      "WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user_id, product_id EMIT CHANGES;"));
  ASSERT_TRUE(executed.ok()) << executed.status();
  running = cluster.AwaitQueryRunning(executed->results(0).query_id(), absl::Seconds(60));
  ASSERT_TRUE(running.ok()) << running.status();
  EXPECT_EQ(TasksPerExecutor(*running).size(), 4u);
  ASSERT_TRUE(ReadTopic(KafkaBootstrap(), sink_b, updates, absl::Seconds(90)).ok());
  got = PullUntilEqual(cluster, "SELECT * FROM pull_totals_b;", expected);
  EXPECT_EQ(got.table, expected);
  got = PullUntilEqual(cluster,
                       "SELECT * FROM pull_totals_b WHERE user_id = 'user-3' AND "
                       "product_id = 'p3';",
                       user3_p3);
  EXPECT_EQ(got.table, user3_p3);

  // A table that is not an aggregate's state is not queryable; one whose query ended is not
  // served any more.
  ASSERT_TRUE(cluster
                  .Execute("CREATE TABLE plain (id STRING PRIMARY KEY, v BIGINT) WITH "
                           "(KAFKA_TOPIC='" +
                           sink + "_plain', FORMAT='JSON', PARTITIONS=1);")
                  .ok());
  bad = Pull(cluster, "SELECT * FROM plain;");
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << bad.status();
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "table isn't queryable")) << bad.status();
  bad = Pull(cluster, "SELECT * FROM views;");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kUnimplemented) << bad.status();
  ASSERT_TRUE(
      cluster.Execute(absl::StrCat("TERMINATE ", executed->results(0).query_id(), ";")).ok());
  bad = Pull(cluster, "SELECT * FROM pull_totals_b;");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kFailedPrecondition) << bad.status();
}

}  // namespace
}  // namespace skein::testing
