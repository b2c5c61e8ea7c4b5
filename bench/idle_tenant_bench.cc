// What idle tenants cost (issue 7: "idle tenants cost about zero CPU"): one executor, auth on,
// and for each step N tenants each running a stateless and a stateful query over its own topic
// that receives nothing. Reports the executor process's CPU (all threads, /proc) over a window
// at each step, and the same per idle task.
//
//   ctest --test-dir build -R kafka_start
//   SKEIN_TEST_DIR=build/test-data SKEIN_BIN_DIR=build/bin build/bin/idle_tenant_bench
//   ctest --test-dir build -R kafka_stop

#include <cstdio>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "proc_cpu.h"
#include "support/cluster.h"
#include "support/process.h"
#include "support/tenant_client.h"

int main(int argc, char** argv) {
  CLI::App app{"CPU of idle tenants on one executor"};
  std::vector<int> steps = {0, 10, 50};
  int window_s = 20, partitions = 1;
  app.add_option("--tenants", steps, "idle tenant counts to measure, ascending")
      ->capture_default_str();
  app.add_option("--window", window_s, "seconds measured at each step")->capture_default_str();
  app.add_option("--partitions", partitions, "partitions of each idle topic")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (skein::testing::KafkaBootstrap().empty()) {
    std::fprintf(stderr, "no test broker: run ctest -R kafka_start and set SKEIN_TEST_DIR\n");
    return 2;
  }
  skein::testing::TestCluster cluster("idle_tenant_bench", 3000);
  cluster.EnableAuth();
  cluster.StartCoordinator();
  const pid_t executor = cluster.StartExecutor("exec-1")->pid();
  if (!cluster.AwaitState("exec-1", skein::v1::EXECUTOR_STATE_ALIVE, absl::Minutes(1)).ok()) {
    return 1;
  }
  skein::testing::TenantClient bench(cluster.coordinator_address(), cluster.admin_token());
  const std::string run = absl::StrCat(absl::ToUnixMillis(absl::Now()));

  std::printf("%8s %8s %14s %18s\n", "tenants", "tasks", "executor cores", "ms CPU/s per task");
  int created = 0;
  for (int target : steps) {
    for (; created < target; ++created) {
      const std::string tenant = absl::StrCat("idle", created);
      if (!bench.CreateTenant(tenant, 100)) return 1;
      std::string query;
      const std::string sql = absl::StrCat(
          "SET 'auto.offset.reset'='earliest';"
          "CREATE STREAM quiet (k STRING KEY, v BIGINT) WITH (KAFKA_TOPIC='",
          tenant, ".quiet_", run, "', FORMAT='JSON', PARTITIONS=", partitions,
          ");"
          "CREATE STREAM filtered WITH (KAFKA_TOPIC='",
          tenant, ".filtered_", run,
          "') AS SELECT * FROM quiet WHERE v > 0;"
          "CREATE TABLE counts WITH (KAFKA_TOPIC='",
          tenant, ".counts_", run, "') AS SELECT k, COUNT(*) AS n FROM quiet GROUP BY k;");
      if (!bench.Execute(tenant, sql, &query) || !bench.AwaitRunning(tenant, query)) return 1;
    }
    absl::SleepFor(absl::Seconds(5));  // settle: starts, restores, first commits
    const double before = skein::bench::ProcessCpuSeconds(executor);
    const absl::Time start = absl::Now();
    absl::SleepFor(absl::Seconds(window_s));
    const double cores = (skein::bench::ProcessCpuSeconds(executor) - before) /
                         absl::ToDoubleSeconds(absl::Now() - start);
    const int tasks = 2 * partitions * target;
    std::printf("%8d %8d %14.4f %18s\n", target, tasks, cores,
                tasks == 0 ? "-" : absl::StrFormat("%.2f", 1000 * cores / tasks).c_str());
  }
  return 0;
}
