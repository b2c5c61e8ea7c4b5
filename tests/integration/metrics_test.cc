// Prometheus endpoints over real TCP: a coordinator and an executor started with
// --metrics-port, a query fed by a real broker. The scraped text is parsed and its values must
// move with the work done: records in and out per task and per tenant, CPU seconds, query and
// executor counts, and a killed executor shows up as dead. Bad requests get 400 / 404.

#include <signal.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "support/cluster.h"
#include "support/http_exchange.h"
#include "support/kafka_io.h"
#include "support/process.h"

namespace skein::testing {
namespace {

// The body of GET /metrics, or "" when the status is not 200.
std::string Scrape(int port) {
  const std::string response = HttpExchange(port, "GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
  if (response.rfind("HTTP/1.1 200 OK\r\n", 0) != 0) return "";
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

// The sum of the samples of `name` whose labels include every `want` pair (exact text match
// of `label="value"`); -1 when there is no such sample. Checks each line is well formed.
double Sum(const std::string& text, const std::string& name,
           const std::map<std::string, std::string>& want = {}) {
  double sum = 0;
  bool found = false;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    EXPECT_NE(space, absl::string_view::npos) << line;
    if (space == absl::string_view::npos) continue;
    absl::string_view series = line.substr(0, space);
    double value = 0;
    EXPECT_TRUE(absl::SimpleAtod(line.substr(space + 1), &value)) << line;
    absl::string_view metric = series.substr(0, series.find('{'));
    if (metric != name) continue;
    bool match = true;
    for (const auto& [label, v] : want) {
      match = match && absl::StrContains(series, absl::StrCat(label, "=\"", v, "\""));
    }
    if (!match) continue;
    found = true;
    sum += value;
  }
  return found ? sum : -1;
}

// Scrapes until `done` holds for the text (or a generous deadline passes); returns the last text.
std::string ScrapeUntil(int port, const std::function<bool(const std::string&)>& done) {
  const absl::Time deadline = absl::Now() + absl::Minutes(2);
  std::string text;
  while (absl::Now() < deadline) {
    text = Scrape(port);
    if (done(text)) return text;
    absl::SleepFor(absl::Milliseconds(250));
  }
  return text;
}

TEST(MetricsTest, CoordinatorAndExecutorExposeMovingValues) {
  const std::string bootstrap = KafkaBootstrap();
  ASSERT_FALSE(bootstrap.empty());
  const int coordinator_port = FreePort(), executor_port = FreePort();
  TestCluster cluster("metrics_test", 3000);
  cluster.StartCoordinator({"--metrics-port", std::to_string(coordinator_port)});
  cluster.StartExecutor("exec-1", {"--metrics-port", std::to_string(executor_port)});
  ASSERT_TRUE(cluster.AwaitState("exec-1", v1::EXECUTOR_STATE_ALIVE, absl::Minutes(1)).ok());

  // Health and routing on both endpoints.
  for (int port : {coordinator_port, executor_port}) {
    const std::string health = HttpExchange(port, "GET /healthz HTTP/1.1\r\n\r\n");
    EXPECT_EQ(health.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << health;
    EXPECT_NE(health.find("\r\n\r\nok\n"), std::string::npos);
    EXPECT_EQ(HttpExchange(port, "GET /metric HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 404", 0), 0u);
    EXPECT_EQ(HttpExchange(port, std::string("\x00\xff\r\n\r\n", 6)).rfind("HTTP/1.1 400", 0), 0u);
    const std::string metrics = HttpExchange(port, "GET /metrics HTTP/1.0\r\n\r\n");
    EXPECT_NE(metrics.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"),
              std::string::npos)
        << metrics;
  }
  const std::string at_start = Scrape(coordinator_port);
  EXPECT_EQ(Sum(at_start, "skein_executors", {{"state", "alive"}}), 1) << at_start;
  EXPECT_EQ(Sum(at_start, "skein_executors", {{"state", "dead"}}), 0);
  EXPECT_EQ(Sum(at_start, "skein_tenant_queries_running", {{"tenant", "default"}}), 0);

  // A filter query over 200 records, 100 of which pass.
  const std::string run = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  absl::StatusOr<v1::ExecuteStatementsResponse> executed = cluster.Execute(
      absl::StrCat("SET 'auto.offset.reset'='earliest';CREATE STREAM views_", run,
                   " (user_id STRING KEY, view_ms BIGINT) WITH (KAFKA_TOPIC='metrics_in_", run,
                   "', FORMAT='JSON', PARTITIONS=2);CREATE STREAM long_", run,
                   " WITH (KAFKA_TOPIC='metrics_out_", run, "') AS SELECT * FROM views_", run,
                   " WHERE view_ms >= 100;"));
  ASSERT_TRUE(executed.ok()) << executed.status();
  const std::string query = executed->results(executed->results_size() - 1).query_id();
  ASSERT_FALSE(query.empty());
  ASSERT_TRUE(cluster.AwaitQueryRunning(query, absl::Minutes(2)).ok());
  std::vector<KafkaRecord> input;
  for (int i = 0; i < 200; ++i) {
    KafkaRecord r;
    r.key = absl::StrCat("\"u", i, "\"");
    r.value = absl::StrCat("{\"VIEW_MS\":", i, "}");
    input.push_back(std::move(r));
  }
  ASSERT_TRUE(ProduceAll(bootstrap, absl::StrCat("metrics_in_", run), input).ok());

  double input_bytes = 0;
  for (const KafkaRecord& r : input) input_bytes += r.key->size() + r.value->size();
  const std::map<std::string, std::string> of_query = {{"tenant", "default"}, {"query", query}};
  const std::string executor_text = ScrapeUntil(executor_port, [&](const std::string& t) {
    return Sum(t, "skein_task_records_in_total", of_query) == 200;
  });
  EXPECT_EQ(Sum(executor_text, "skein_task_records_in_total", of_query), 200) << executor_text;
  EXPECT_EQ(Sum(executor_text, "skein_task_records_out_total", of_query), 100);
  EXPECT_EQ(Sum(executor_text, "skein_task_bytes_in_total", of_query), input_bytes);
  EXPECT_GT(Sum(executor_text, "skein_task_bytes_out_total", of_query), 0);
  EXPECT_EQ(Sum(executor_text, "skein_task_processing_errors_total", of_query), 0);
  EXPECT_EQ(Sum(executor_text, "skein_task_restored_records_total", of_query), 0);
  EXPECT_EQ(Sum(executor_text, "skein_task_restore_remaining_records", of_query), 0);
  EXPECT_EQ(Sum(executor_text, "skein_task_restore_eta_seconds", of_query), 0);
  EXPECT_NE(Sum(executor_text, "skein_task_lag_records", of_query), -1);
  EXPECT_GT(Sum(executor_text, "skein_task_cpu_seconds_total", of_query), 0);
  EXPECT_EQ(Sum(executor_text, "skein_task_state",
                {{"tenant", "default"}, {"query", query}, {"state", "running"}}),
            2);
  EXPECT_GT(Sum(executor_text, "skein_tenant_cpu_seconds_total", {{"tenant", "default"}}), 0);
  EXPECT_EQ(Sum(executor_text, "skein_tenant_cpu_throttled_seconds_total", {{"tenant", "default"}}),
            0);  // no quota

  const std::map<std::string, std::string> of_tenant = {{"tenant", "default"}};
  const std::string coordinator_text = ScrapeUntil(coordinator_port, [&](const std::string& t) {
    return Sum(t, "skein_tenant_records_in_total", of_tenant) == 200 &&
           Sum(t, "skein_tenant_cpu_seconds_total", of_tenant) > 0;
  });
  EXPECT_EQ(Sum(coordinator_text, "skein_tenant_records_in_total", of_tenant), 200)
      << coordinator_text;
  EXPECT_EQ(Sum(coordinator_text, "skein_tenant_records_out_total", of_tenant), 100);
  EXPECT_EQ(Sum(coordinator_text, "skein_tenant_bytes_in_total", of_tenant), input_bytes);
  EXPECT_EQ(Sum(coordinator_text, "skein_tenant_bytes_out_total", of_tenant),
            Sum(executor_text, "skein_task_bytes_out_total", of_query));
  EXPECT_EQ(Sum(coordinator_text, "skein_tenant_queries_running", of_tenant), 1);
  EXPECT_EQ(Sum(coordinator_text, "skein_tenant_tasks_running", of_tenant), 2);
  EXPECT_GT(Sum(coordinator_text, "skein_tenant_cpu_seconds_total", of_tenant), 0);

  // The executor dies: the coordinator's gauge follows once its lease runs out.
  cluster.executor("exec-1")->Signal(SIGKILL);
  const std::string after_kill = ScrapeUntil(coordinator_port, [](const std::string& t) {
    return Sum(t, "skein_executors", {{"state", "dead"}}) == 1;
  });
  EXPECT_EQ(Sum(after_kill, "skein_executors", {{"state", "dead"}}), 1) << after_kill;
  EXPECT_EQ(Sum(after_kill, "skein_executors", {{"state", "alive"}}), 0);
}

}  // namespace
}  // namespace skein::testing
