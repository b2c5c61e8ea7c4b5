// CPU isolation between tenants on one executor (issue 7): tenant alpha runs an expensive query
// capped at --cap-millicores; bravo, charlie and delta run light filter queries, first each
// alone, then all three together while alpha works through its backlog.
//
//   ctest --test-dir build -R kafka_start      # the test broker (build/test-data/kafka)
//   SKEIN_TEST_DIR=build/test-data SKEIN_BIN_DIR=build/bin build/bin/tenant_isolation_bench
//   ctest --test-dir build -R kafka_stop
//
// Auth is on: the tenants are created through the Tenants API with the platform admin token,
// which then acts for each tenant. Alpha's CPU use is DescribeQuery cpu_seconds (thread CPU of
// its tasks, measured on the executor) over wall time. Light-query throughput is inputs over
// first produce .. last output; latency is output receive time minus input create time.
// Afterwards alpha's quota is lifted and then lowered (Tenants.SetQuota) to show the change
// reaching the executor.

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "drain.h"
#include "grpcpp/grpcpp.h"
#include "skein/v1/admin.grpc.pb.h"
#include "skein/v1/tenants.grpc.pb.h"
#include "support/cluster.h"
#include "support/kafka_io.h"
#include "support/process.h"

namespace {

using skein::testing::KafkaRecord;

struct Light {
  std::string tenant;
  size_t inputs = 0, outputs = 0;
  double per_second = 0;
  int64_t p99_ms = 0;
};

class Bench {
 public:
  Bench(std::string coordinator, std::string token)
      : channel_(grpc::CreateChannel(coordinator, grpc::InsecureChannelCredentials())),
        admin_(skein::v1::Admin::NewStub(channel_)),
        tenants_(skein::v1::Tenants::NewStub(channel_)),
        token_(std::move(token)) {}

  bool CreateTenant(const std::string& name, int64_t cpu_millicores) {
    skein::v1::CreateTenantRequest request;
    request.set_name(name);
    request.mutable_quota()->set_cpu_millicores(cpu_millicores);
    skein::v1::TenantView view;
    grpc::ClientContext context;
    Prepare(&context);
    return Report("CreateTenant", tenants_->CreateTenant(&context, request, &view));
  }

  bool SetCpuQuota(const std::string& name, int64_t cpu_millicores) {
    skein::v1::SetQuotaRequest request;
    request.set_name(name);
    request.mutable_quota()->set_cpu_millicores(cpu_millicores);
    skein::v1::TenantView view;
    grpc::ClientContext context;
    Prepare(&context);
    return Report("SetQuota", tenants_->SetQuota(&context, request, &view));
  }

  // Runs the statements as `tenant`; `query_id` gets the id of the last query started.
  bool Execute(const std::string& tenant, const std::string& sql, std::string* query_id = nullptr) {
    skein::v1::ExecuteStatementsRequest request;
    request.set_tenant(tenant);
    request.set_sql(sql);
    skein::v1::ExecuteStatementsResponse response;
    grpc::ClientContext context;
    Prepare(&context);
    if (!Report("ExecuteStatements", admin_->ExecuteStatements(&context, request, &response))) {
      return false;
    }
    for (const auto& r : response.results()) {
      if (!r.query_id().empty() && query_id != nullptr) *query_id = r.query_id();
    }
    return true;
  }

  skein::v1::QueryView Describe(const std::string& tenant, const std::string& id) {
    skein::v1::DescribeQueryRequest request;
    request.set_tenant(tenant);
    request.set_query_id(id);
    skein::v1::QueryView view;
    grpc::ClientContext context;
    Prepare(&context);
    Report("DescribeQuery", admin_->DescribeQuery(&context, request, &view));
    return view;
  }

  bool AwaitRunning(const std::string& tenant, const std::string& id) {
    const absl::Time deadline = absl::Now() + absl::Minutes(2);
    while (absl::Now() < deadline) {
      if (Describe(tenant, id).state() == skein::v1::QUERY_STATE_RUNNING) return true;
      absl::SleepFor(absl::Milliseconds(200));
    }
    std::fprintf(stderr, "query %s of %s is not RUNNING after 2 minutes\n", id.c_str(),
                 tenant.c_str());
    return false;
  }

 private:
  void Prepare(grpc::ClientContext* context) const {
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    context->AddMetadata("authorization", "Bearer " + token_);
  }
  static bool Report(const char* rpc, const grpc::Status& s) {
    if (!s.ok()) std::fprintf(stderr, "%s: %s\n", rpc, s.error_message().c_str());
    return s.ok();
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<skein::v1::Admin::Stub> admin_;
  std::unique_ptr<skein::v1::Tenants::Stub> tenants_;
  std::string token_;
};

std::vector<KafkaRecord> Views(int n, int text_chars) {
  std::vector<KafkaRecord> out;
  out.reserve(n);
  const std::string text(static_cast<size_t>(text_chars), 'a');
  for (int i = 0; i < n; ++i) {
    KafkaRecord r;
    r.key = absl::StrCat("\"user-", i % 1000, "\"");
    r.value = text_chars > 0
                  ? absl::StrCat("{\"VIEW_MS\":", (i * 37) % 1000, ",\"TXT\":\"abc", text, "\"}")
                  : absl::StrCat("{\"VIEW_MS\":", (i * 37) % 1000, "}");
    out.push_back(std::move(r));
  }
  return out;
}

// A light filter query of `tenant` over fresh topics `<tenant>.in_<run>` -> `<tenant>.out_<run>`.
std::string StartLight(Bench& bench, const std::string& tenant, const std::string& run,
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

// Produces `input` into the light query's input while reading its output.
Light MeasureLight(const std::string& bootstrap, const std::string& tenant, const std::string& run,
                   const std::vector<KafkaRecord>& input) {
  const skein::bench::Drain d = skein::bench::MeasureDrain(
      tenant, bootstrap, absl::StrCat(tenant, ".in_", run), absl::StrCat(tenant, ".out_", run),
      input, input.size(), absl::Minutes(5));
  return Light{tenant, d.inputs, d.outputs, d.per_second(), d.p99_ms};
}

// The light queries of `tenants` over `run`'s topics, all at once.
std::vector<Light> MeasureTogether(const std::string& bootstrap,
                                   const std::vector<std::string>& tenants, const std::string& run,
                                   const std::vector<KafkaRecord>& input) {
  std::vector<Light> out(tenants.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < tenants.size(); ++i) {
    threads.emplace_back([&, i] { out[i] = MeasureLight(bootstrap, tenants[i], run, input); });
  }
  for (std::thread& t : threads) t.join();
  return out;
}

// Alpha's CPU cores used over `window`: the change in its query's cpu_seconds over wall time.
double AlphaCores(Bench& bench, const std::string& id, absl::Duration window, uint64_t* records) {
  const skein::v1::QueryView before = bench.Describe("alpha", id);
  const absl::Time start = absl::Now();
  absl::SleepFor(window);
  const skein::v1::QueryView after = bench.Describe("alpha", id);
  *records = after.records_in() - before.records_in();
  return (after.cpu_seconds() - before.cpu_seconds()) / absl::ToDoubleSeconds(absl::Now() - start);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"CPU isolation of four tenants on one executor"};
  int light_records = 50000, alpha_records = 600000, alpha_text = 1000, alpha_levels = 10;
  int partitions = 2;
  int64_t cap = 500;
  app.add_option("--light-records", light_records)->capture_default_str();
  app.add_option("--alpha-records", alpha_records, "alpha's backlog")->capture_default_str();
  app.add_option("--alpha-text", alpha_text, "chars of text per alpha record")
      ->capture_default_str();
  app.add_option("--alpha-levels", alpha_levels, "nested REPLACE(UCASE()) calls per alpha record")
      ->capture_default_str();
  app.add_option("--partitions", partitions)->capture_default_str();
  app.add_option("--cap-millicores", cap, "alpha's CPU quota")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const std::string bootstrap = skein::testing::KafkaBootstrap();
  if (bootstrap.empty()) {
    std::fprintf(stderr, "no test broker: run ctest -R kafka_start and set SKEIN_TEST_DIR\n");
    return 2;
  }
  skein::testing::TestCluster cluster("tenant_isolation_bench", 3000);
  cluster.EnableAuth();
  cluster.StartCoordinator();
  cluster.StartExecutor("exec-1");
  if (!cluster.AwaitState("exec-1", skein::v1::EXECUTOR_STATE_ALIVE, absl::Minutes(1)).ok()) {
    return 1;
  }
  Bench bench(cluster.coordinator_address(), cluster.admin_token());
  const std::vector<std::string> light = {"bravo", "charlie", "delta"};
  if (!bench.CreateTenant("alpha", cap)) return 1;
  for (const std::string& t : light) {
    if (!bench.CreateTenant(t, 0)) return 1;
  }
  const std::vector<KafkaRecord> light_input = Views(light_records, 0);
  // Topic names are unique per run: the broker outlives the cluster.
  const std::string run = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const std::string solo_run = "solo_" + run, trio_run = "trio_" + run;
  const std::string shared_run = "shared_" + run;
  const std::string alpha_topic = "alpha.text_" + run;

  // Solo: each light query alone on the executor.
  std::vector<Light> solo;
  for (const std::string& t : light) {
    const std::string id = StartLight(bench, t, solo_run, partitions);
    if (id.empty() || !bench.AwaitRunning(t, id)) return 1;
    solo.push_back(MeasureLight(bootstrap, t, solo_run, light_input));
  }

  // Trio: the three light queries at once, without alpha.
  for (const std::string& t : light) {
    const std::string id = StartLight(bench, t, trio_run, partitions);
    if (id.empty() || !bench.AwaitRunning(t, id)) return 1;
  }
  const std::vector<Light> trio = MeasureTogether(bootstrap, light, trio_run, light_input);

  // Alpha: an expensive projection over a backlog of long strings, produced before it starts.
  if (!bench.Execute(
          "alpha", absl::StrCat("CREATE STREAM texts (user_id STRING KEY, view_ms "
                                "BIGINT, txt STRING) WITH (KAFKA_TOPIC='",
                                alpha_topic, "', FORMAT='JSON', PARTITIONS=", partitions, ");"))) {
    return 1;
  }
  if (absl::Status s =
          skein::testing::ProduceAll(bootstrap, alpha_topic, Views(alpha_records, alpha_text));
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
  std::string alpha_id;
  bench.Execute("alpha",
                absl::StrCat("SET 'auto.offset.reset'='earliest';CREATE STREAM heavy WITH "
                             "(KAFKA_TOPIC='alpha.heavy_",
                             run, "') AS SELECT user_id, LEN(", expensive, ") AS n FROM texts;"),
                &alpha_id);
  if (alpha_id.empty() || !bench.AwaitRunning("alpha", alpha_id)) return 1;
  for (const std::string& t : light) {
    const std::string id = StartLight(bench, t, shared_run, partitions);
    if (id.empty() || !bench.AwaitRunning(t, id)) return 1;
  }
  absl::SleepFor(absl::Seconds(2));  // alpha is busy

  // Shared: the three light queries at once while alpha runs.
  const skein::v1::QueryView alpha_before = bench.Describe("alpha", alpha_id);
  const absl::Time shared_start = absl::Now();
  const std::vector<Light> shared = MeasureTogether(bootstrap, light, shared_run, light_input);
  const skein::v1::QueryView alpha_after = bench.Describe("alpha", alpha_id);
  const double shared_seconds = absl::ToDoubleSeconds(absl::Now() - shared_start);
  const double alpha_cores =
      (alpha_after.cpu_seconds() - alpha_before.cpu_seconds()) / shared_seconds;

  // The quota changes on the running query: lifted, then halved.
  uint64_t uncapped_records = 0, halved_records = 0;
  double uncapped = 0, halved = 0;
  if (bench.SetCpuQuota("alpha", 0)) {
    absl::SleepFor(absl::Seconds(1));
    uncapped = AlphaCores(bench, alpha_id, absl::Seconds(2), &uncapped_records);
  }
  if (bench.SetCpuQuota("alpha", cap / 2)) {
    absl::SleepFor(absl::Seconds(1));
    halved = AlphaCores(bench, alpha_id, absl::Seconds(4), &halved_records);
  }

  std::printf(
      "\nalpha (expensive, cap %lld millicores) during the shared run: %.3f cores "
      "(%.0f%% of the cap) over %.1f s, %llu of %d backlog records read\n",
      static_cast<long long>(cap), alpha_cores, 100.0 * alpha_cores * 1000 / cap, shared_seconds,
      static_cast<unsigned long long>(alpha_after.records_in() - alpha_before.records_in()),
      alpha_records);
  std::printf("alpha uncapped (quota 0): %.3f cores (%llu records in 2 s)\n", uncapped,
              static_cast<unsigned long long>(uncapped_records));
  std::printf("alpha capped at %lld millicores: %.3f cores (%llu records in 4 s)\n",
              static_cast<long long>(cap / 2), halved,
              static_cast<unsigned long long>(halved_records));
  std::printf("alpha's records read in total: %llu of %d\n\n",
              static_cast<unsigned long long>(bench.Describe("alpha", alpha_id).records_in()),
              alpha_records);
  std::printf(
      "light queries (records/s; p99 latency ms): solo = alone, trio = the three at "
      "once, shared = the three at once while alpha runs\n");
  std::printf("%-9s %8s %10s %10s %10s %8s %8s %8s %8s\n", "tenant", "records", "solo/s", "trio/s",
              "shared/s", "shr/trio", "solo p99", "trio p99", "shr p99");
  for (size_t i = 0; i < light.size(); ++i) {
    const bool missing = solo[i].outputs < solo[i].inputs || trio[i].outputs < trio[i].inputs ||
                         shared[i].outputs < shared[i].inputs;
    std::printf("%-9s %8zu %10.0f %10.0f %10.0f %7.0f%% %8lld %8lld %8lld%s\n", light[i].c_str(),
                shared[i].outputs, solo[i].per_second, trio[i].per_second, shared[i].per_second,
                trio[i].per_second > 0 ? 100.0 * shared[i].per_second / trio[i].per_second : 0.0,
                static_cast<long long>(solo[i].p99_ms), static_cast<long long>(trio[i].p99_ms),
                static_cast<long long>(shared[i].p99_ms), missing ? "  (outputs missing)" : "");
  }
  return 0;
}
