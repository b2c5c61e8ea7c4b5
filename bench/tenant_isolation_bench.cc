// CPU isolation between tenants on one executor (issue 7): tenant alpha runs an expensive query
// over a backlog, capped at --cap-millicores; bravo, charlie and delta run light filter queries
// under a steady offered load (--rate records/s each, paced). Each light query is measured alone
// (solo), then the three together while alpha works through its backlog under its cap (shared),
// then again with alpha's quota lifted (control: what the cap buys).
//
//   ctest --test-dir build -R kafka_start      # the test broker (build/test-data/kafka)
//   SKEIN_TEST_DIR=build/test-data SKEIN_BIN_DIR=build/bin build/bin/tenant_isolation_bench
//   ctest --test-dir build -R kafka_stop
//
// Auth is on: the tenants are created through the Tenants API with the platform admin token,
// which then acts for each tenant. Alpha's CPU use is DescribeQuery cpu_seconds (thread CPU of
// its tasks, measured on the executor) over wall time; the executor's whole CPU comes from
// /proc/<pid>/stat. A light query's throughput is the outputs delivered within the window over
// the window; latency is output receive time minus the input's produce timestamp.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "paced_load.h"
#include "proc_cpu.h"
#include "support/cluster.h"
#include "support/kafka_io.h"
#include "support/process.h"
#include "support/tenant_client.h"

namespace {

using skein::testing::KafkaRecord;
using skein::testing::TenantClient;

struct Light {
  std::string tenant;
  size_t inputs = 0, outputs = 0;
  double per_second = 0;
  int64_t p99_ms = 0;
};

std::vector<KafkaRecord> Texts(int n, int text_chars) {
  std::vector<KafkaRecord> out;
  out.reserve(n);
  const std::string text(static_cast<size_t>(text_chars), 'a');
  for (int i = 0; i < n; ++i) {
    KafkaRecord r;
    r.key = absl::StrCat("\"user-", i % 1000, "\"");
    r.value = absl::StrCat("{\"VIEW_MS\":", (i * 37) % 1000, ",\"TXT\":\"abc", text, "\"}");
    out.push_back(std::move(r));
  }
  return out;
}

// A light filter query of `tenant` over fresh topics `<tenant>.in_<run>` -> `<tenant>.out_<run>`.
std::string StartLight(TenantClient& bench, const std::string& tenant, const std::string& run,
                       int partitions) {
  std::string id;
  bench.Execute(
      tenant,
      absl::StrCat("SET 'auto.offset.reset'='earliest';CREATE STREAM in_", run,
                   " (user_id STRING KEY, view_ms BIGINT) WITH (KAFKA_TOPIC='", tenant, ".in_", run,
                   "', FORMAT='JSON', PARTITIONS=", partitions, ");CREATE STREAM out_", run,
                   " WITH (KAFKA_TOPIC='", tenant, ".out_", run,
                   "') AS SELECT user_id, view_ms FROM in_", run, " WHERE view_ms >= 0;"),
      &id);
  return id;
}

// Starts the light queries of `tenants` over `run`'s topics; false when one does not run.
bool StartLights(TenantClient& bench, const std::vector<std::string>& tenants,
                 const std::string& run, int partitions) {
  for (const std::string& t : tenants) {
    const std::string id = StartLight(bench, t, run, partitions);
    if (id.empty() || !bench.AwaitRunning(t, id)) return false;
  }
  return true;
}

// The paced load of each of `tenants` over `run`'s topics, all at once.
std::vector<skein::bench::PacedResult> LoadTogether(const std::string& bootstrap,
                                                    const std::vector<std::string>& tenants,
                                                    const std::string& run, int rate,
                                                    absl::Duration window) {
  std::vector<skein::bench::PacedResult> out(tenants.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < tenants.size(); ++i) {
    threads.emplace_back([&, i] {
      out[i] =
          skein::bench::RunPacedLoad(tenants[i], bootstrap, absl::StrCat(tenants[i], ".in_", run),
                                     absl::StrCat(tenants[i], ".out_", run), rate, window);
    });
  }
  for (std::thread& t : threads) t.join();
  return out;
}

// CPU used over one measured phase: alpha's query (its tasks' thread CPU) and the executor's
// whole process, in cores.
struct PhaseCpu {
  double alpha_cores = 0, executor_cores = 0, seconds = 0;
  double load_average = 0;  // the machine's 1-minute load average at the end of the phase
  uint64_t alpha_records = 0;
};

class CpuWatch {
 public:
  CpuWatch(TenantClient& bench, std::string alpha_id, pid_t executor)
      : bench_(bench), alpha_id_(std::move(alpha_id)), executor_(executor) {
    if (!alpha_id_.empty()) alpha_ = bench_.Describe("alpha", alpha_id_);
    executor_cpu_ = skein::bench::ProcessCpuSeconds(executor_);
  }
  PhaseCpu Stop() {
    PhaseCpu out;
    out.seconds = absl::ToDoubleSeconds(absl::Now() - start_);
    out.executor_cores = (skein::bench::ProcessCpuSeconds(executor_) - executor_cpu_) / out.seconds;
    getloadavg(&out.load_average, 1);
    if (!alpha_id_.empty()) {
      const skein::v1::QueryView now = bench_.Describe("alpha", alpha_id_);
      out.alpha_cores = (now.cpu_seconds() - alpha_.cpu_seconds()) / out.seconds;
      out.alpha_records = now.records_in() - alpha_.records_in();
    }
    return out;
  }

 private:
  TenantClient& bench_;
  std::string alpha_id_;
  pid_t executor_;
  skein::v1::QueryView alpha_;
  double executor_cpu_ = 0;
  absl::Time start_ = absl::Now();
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"CPU isolation of four tenants on one executor"};
  int rate = 3000, window_s = 20, alpha_records = 600000, alpha_text = 1000, alpha_levels = 10;
  int partitions = 2;
  int64_t cap = 500;
  app.add_option("--rate", rate, "records/s offered to each light query")->capture_default_str();
  app.add_option("--window", window_s, "seconds each load runs")->capture_default_str();
  app.add_option("--alpha-records", alpha_records, "alpha's backlog")->capture_default_str();
  app.add_option("--alpha-text", alpha_text, "chars of text per alpha record")
      ->capture_default_str();
  app.add_option("--alpha-levels", alpha_levels, "nested REPLACE(UCASE()) calls per alpha record")
      ->capture_default_str();
  app.add_option("--partitions", partitions)->capture_default_str();
  app.add_option("--cap-millicores", cap, "alpha's CPU quota")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  const absl::Duration window = absl::Seconds(window_s);

  const std::string bootstrap = skein::testing::KafkaBootstrap();
  if (bootstrap.empty()) {
    std::fprintf(stderr, "no test broker: run ctest -R kafka_start and set SKEIN_TEST_DIR\n");
    return 2;
  }
  skein::testing::TestCluster cluster("tenant_isolation_bench", 3000);
  cluster.EnableAuth();
  cluster.StartCoordinator();
  const pid_t executor = cluster.StartExecutor("exec-1")->pid();
  if (!cluster.AwaitState("exec-1", skein::v1::EXECUTOR_STATE_ALIVE, absl::Minutes(1)).ok()) {
    return 1;
  }
  TenantClient bench(cluster.coordinator_address(), cluster.admin_token());
  const std::vector<std::string> light = {"bravo", "charlie", "delta"};
  if (!bench.CreateTenant("alpha", cap)) return 1;
  for (const std::string& t : light) {
    if (!bench.CreateTenant(t, 0)) return 1;
  }
  // Topic names are unique per run: the broker outlives the cluster.
  const std::string run = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const std::string solo_run = "solo_" + run, shared_run = "shared_" + run;
  const std::string control_run = "control_" + run;
  const std::string alpha_topic = "alpha.text_" + run;
  std::printf("offered load: %d records/s per light query for %d s; alpha capped at %lld m\n", rate,
              window_s, static_cast<long long>(cap));

  // Warm-up (not reported): the first loads after a broker start are slow while the broker
  // creates its internal topics and warms up.
  const std::string warm_run = "warm_" + run;
  if (!StartLights(bench, light, warm_run, partitions)) return 1;
  LoadTogether(bootstrap, light, warm_run, rate, absl::Seconds(10));

  // Solo: each light query alone on the executor.
  std::vector<skein::bench::PacedResult> solo;
  std::vector<PhaseCpu> solo_cpu;
  for (const std::string& t : light) {
    if (!StartLights(bench, {t}, solo_run, partitions)) return 1;
    CpuWatch watch(bench, "", executor);
    solo.push_back(LoadTogether(bootstrap, {t}, solo_run, rate, window)[0]);
    solo_cpu.push_back(watch.Stop());
  }

  // Alpha: an expensive projection over a backlog of long strings, produced before it starts.
  if (!bench.Execute(
          "alpha", absl::StrCat("CREATE STREAM texts (user_id STRING KEY, view_ms "
                                "BIGINT, txt STRING) WITH (KAFKA_TOPIC='",
                                alpha_topic, "', FORMAT='JSON', PARTITIONS=", partitions, ");"))) {
    return 1;
  }
  if (absl::Status s =
          skein::testing::ProduceAll(bootstrap, alpha_topic, Texts(alpha_records, alpha_text));
      !s.ok()) {
    std::fprintf(stderr, "alpha's backlog: %s\n", s.ToString().c_str());
    return 1;
  }
  std::string expensive = "txt";
  for (int level = 0; level < alpha_levels; ++level) {
    const char c = static_cast<char>('a' + level % 26);
    expensive = absl::StrCat("REPLACE(UCASE(", expensive, "), '", std::string(1, c), "', '",
                             std::string(2, c), "')");
  }
  if (!StartLights(bench, light, shared_run, partitions)) return 1;
  if (!StartLights(bench, light, control_run, partitions)) return 1;
  std::string alpha_id;
  bench.Execute("alpha",
                absl::StrCat("SET 'auto.offset.reset'='earliest';CREATE STREAM heavy WITH "
                             "(KAFKA_TOPIC='alpha.heavy_",
                             run, "') AS SELECT user_id, LEN(", expensive, ") AS n FROM texts;"),
                &alpha_id);
  if (alpha_id.empty() || !bench.AwaitRunning("alpha", alpha_id)) return 1;
  absl::SleepFor(absl::Seconds(2));  // alpha is busy

  // Shared: the three light queries at once while alpha runs under its cap.
  CpuWatch shared_watch(bench, alpha_id, executor);
  const std::vector<skein::bench::PacedResult> shared =
      LoadTogether(bootstrap, light, shared_run, rate, window);
  const PhaseCpu shared_cpu = shared_watch.Stop();

  // Control: the same with alpha's quota lifted.
  if (!bench.SetCpuQuota("alpha", 0)) return 1;
  absl::SleepFor(absl::Seconds(1));
  CpuWatch control_watch(bench, alpha_id, executor);
  const std::vector<skein::bench::PacedResult> control =
      LoadTogether(bootstrap, light, control_run, rate, window);
  const PhaseCpu control_cpu = control_watch.Stop();

  // A quota change on the running query: half the cap.
  PhaseCpu halved;
  if (bench.SetCpuQuota("alpha", cap / 2)) {
    absl::SleepFor(absl::Seconds(1));
    CpuWatch watch(bench, alpha_id, executor);
    absl::SleepFor(absl::Seconds(5));
    halved = watch.Stop();
  }
  const uint64_t alpha_read = bench.Describe("alpha", alpha_id).records_in();

  std::printf("\nCPU (cores) per phase: alpha's query / the whole executor process\n");
  for (size_t i = 0; i < light.size(); ++i) {
    std::printf("  solo %-8s  alpha -      executor %.3f  (%.1f s, load average %.1f)\n",
                light[i].c_str(), solo_cpu[i].executor_cores, solo_cpu[i].seconds,
                solo_cpu[i].load_average);
  }
  for (const auto& [name, cpu] :
       {std::pair{"shared ", shared_cpu}, std::pair{"control", control_cpu}}) {
    std::printf(
        "  %s         alpha %.3f  executor %.3f  (%.1f s, %llu alpha records, load average "
        "%.1f)\n",
        name, cpu.alpha_cores, cpu.executor_cores, cpu.seconds,
        static_cast<unsigned long long>(cpu.alpha_records), cpu.load_average);
  }
  std::printf("  cap %lld m       alpha %.3f  executor %.3f  (%.1f s)\n",
              static_cast<long long>(cap / 2), halved.alpha_cores, halved.executor_cores,
              halved.seconds);
  std::printf("alpha read %llu of its %d backlog records%s\n",
              static_cast<unsigned long long>(alpha_read), alpha_records,
              alpha_read >= static_cast<uint64_t>(alpha_records)
                  ? "  (BACKLOG EXHAUSTED: raise --alpha-records)"
                  : "");

  std::printf(
      "\nlight queries: delivered records/s within the window; latency p50/p99 ms\n"
      "(solo = alone, shared = the three with alpha capped, control = with alpha uncapped)\n");
  std::printf("%-8s %8s %8s %8s %7s %9s %11s %11s %11s\n", "tenant", "offered", "solo/s",
              "shared/s", "shr/solo", "control/s", "solo ms", "shared ms", "control ms");
  bool light_pass = true;
  for (size_t i = 0; i < light.size(); ++i) {
    const double ratio = solo[i].delivered_per_second() > 0
                             ? shared[i].delivered_per_second() / solo[i].delivered_per_second()
                             : 0;
    light_pass = light_pass && ratio >= 0.9;
    const bool missing = solo[i].outputs < solo[i].produced ||
                         shared[i].outputs < shared[i].produced ||
                         control[i].outputs < control[i].produced;
    std::printf("%-8s %8.0f %8.0f %8.0f %7.0f%% %9.0f %5lld/%-5lld %5lld/%-5lld %5lld/%-5lld%s\n",
                light[i].c_str(), shared[i].offered_per_second(), solo[i].delivered_per_second(),
                shared[i].delivered_per_second(), 100 * ratio, control[i].delivered_per_second(),
                static_cast<long long>(solo[i].p50_ms), static_cast<long long>(solo[i].p99_ms),
                static_cast<long long>(shared[i].p50_ms), static_cast<long long>(shared[i].p99_ms),
                static_cast<long long>(control[i].p50_ms),
                static_cast<long long>(control[i].p99_ms), missing ? "  (outputs missing)" : "");
  }
  const double cap_cores = static_cast<double>(cap) / 1000;
  const bool cap_pass = shared_cpu.alpha_cores <= cap_cores * 1.1;
  std::printf("\ntarget alpha CPU <= cap + 10%% (%.3f cores): %.3f  %s\n", cap_cores * 1.1,
              shared_cpu.alpha_cores, cap_pass ? "PASS" : "FAIL");
  std::printf("target bravo..delta shared throughput >= 90%% of solo: %s\n",
              light_pass ? "PASS" : "FAIL");
  return 0;
}
