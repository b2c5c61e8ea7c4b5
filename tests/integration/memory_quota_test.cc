// Memory quotas on a shared executor, over real processes and a real broker: tenant "hog"
// (64 MiB) runs an aggregation whose state grows without bound over 16 partitions — 48 MiB of
// bounded fetch queues, so once its state fills its memtable share (a quarter of the quota) it
// cannot get back under — and two light tenants (128 MiB each) run a small aggregation. The hog
// must end in ERROR with RESOURCE_EXHAUSTED and a reason naming its tenant and query, the light
// tenants' output must be exact, and the executor's peak RSS must stay under the sum of the caps
// plus a fixed overhead (docs/architecture.md, "Memory quotas on executors").

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "support/cluster.h"
#include "support/kafka_io.h"
#include "support/tenant_client.h"

namespace skein::testing {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;
constexpr int64_t kHogQuota = 64 * kMiB;
constexpr int64_t kLightQuota = 128 * kMiB;
// What the executor may use besides its tenants' quotas: the idle process (measured at about
// 28 MiB RSS, printed below) plus what is not charged to a tenant: the workers' shared
// producers, the rows of the batch being processed, librdkafka and RocksDB threads and their
// buffers, allocator slack.
constexpr int64_t kFixedOverhead = 96 * kMiB;

// A "VmXXX:   1234 kB" field of /proc/<pid>/status in bytes; -1 when missing.
int64_t ProcStatusBytes(pid_t pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (!absl::StartsWith(line, field + ":")) continue;
    std::string digits;
    for (char c : line) {
      if (c >= '0' && c <= '9') digits += c;
    }
    int64_t kb = 0;
    if (absl::SimpleAtoi(digits, &kb)) return kb * 1024;
  }
  return -1;
}

// The last value of each key in `records` (a table's changelog).
std::map<std::string, std::string> LatestByKey(const std::vector<KafkaRecord>& records) {
  std::map<std::string, std::string> latest;
  for (const KafkaRecord& r : records) {
    if (r.key.has_value()) latest[*r.key] = r.value.value_or("");
  }
  return latest;
}

// Light tenant input: kLightKeys keys, V = i for record i; returns what each key's COUNT and
// SUM must end at, as the JSON the sink writes.
constexpr int kLightKeys = 10;
constexpr int kLightRecords = 400;
std::vector<KafkaRecord> LightInput(int first, int count,
                                    std::map<std::string, std::pair<int64_t, int64_t>>* totals) {
  std::vector<KafkaRecord> records;
  for (int i = first; i < first + count; ++i) {
    KafkaRecord r;
    r.key = absl::StrCat("k", i % kLightKeys);
    r.value = absl::StrCat("{\"V\":", i, "}");
    auto& [n, sum] = (*totals)[*r.key];
    ++n;
    sum += i;
    records.push_back(std::move(r));
  }
  return records;
}

// Hog input: many keys, each seen a few times with a 1 KiB value, so each key's COLLECT_LIST
// grows and the whole state (tens of MiB) outgrows the tenant's RocksDB budget.
std::vector<KafkaRecord> HogInput(int round, int keys) {
  const std::string filler(1000, 'x');
  std::vector<KafkaRecord> records;
  records.reserve(keys);
  for (int k = 0; k < keys; ++k) {
    KafkaRecord r;
    r.key = absl::StrCat("key-", k);
    r.value = absl::StrCat("{\"V\":\"", round, "-", filler, "\"}");
    records.push_back(std::move(r));
  }
  return records;
}

TEST(MemoryQuotaTest, HogFailsWithResourceExhaustedWhileOthersProduceExactOutput) {
  TestCluster cluster("memory_quota", 3000);
  cluster.EnableAuth();
  cluster.StartCoordinator();
  Process* executor = cluster.StartExecutor("exec-1");
  ASSERT_TRUE(cluster.AwaitState("exec-1", v1::EXECUTOR_STATE_ALIVE, absl::Seconds(60)).ok());
  const int64_t idle_rss = ProcStatusBytes(executor->pid(), "VmRSS");
  std::printf("idle executor RSS: %.1f MiB\n", static_cast<double>(idle_rss) / kMiB);

  TenantClient admin(cluster.coordinator_address(), cluster.admin_token());
  const std::string sfx = std::to_string(absl::ToUnixMillis(absl::Now()));
  const std::vector<std::string> lights = {"light1", "light2"};
  for (const std::string& name : lights) {
    v1::Quota quota;
    quota.set_memory_bytes(kLightQuota);
    ASSERT_TRUE(admin.CreateTenant(name, quota));
  }
  {
    v1::Quota quota;
    quota.set_memory_bytes(kHogQuota);
    ASSERT_TRUE(admin.CreateTenant("hog", quota));
  }

  std::map<std::string, std::string> light_query;
  for (const std::string& name : lights) {
    ASSERT_TRUE(admin.Execute(
        name,
        absl::StrCat("CREATE STREAM EVENTS (K STRING KEY, V BIGINT) WITH (KAFKA_TOPIC='", name,
                     ".events-", sfx,
                     "', VALUE_FORMAT='JSON', PARTITIONS=2);"
                     "CREATE TABLE TOTALS WITH (KAFKA_TOPIC='",
                     name, ".totals-", sfx,
                     "') AS SELECT K, COUNT(*) AS N, SUM(V) AS S FROM EVENTS GROUP BY K;"),
        &light_query[name]));
    ASSERT_TRUE(admin.AwaitRunning(name, light_query[name]));
  }
  std::string hog_query;
  ASSERT_TRUE(admin.Execute(
      "hog",
      absl::StrCat("CREATE STREAM BIG (K STRING KEY, V STRING) WITH (KAFKA_TOPIC='hog.big-", sfx,
                   "', VALUE_FORMAT='JSON', PARTITIONS=16);"
                   "CREATE TABLE HOARD WITH (KAFKA_TOPIC='hog.hoard-",
                   sfx, "') AS SELECT K, COLLECT_LIST(V) AS VS FROM BIG GROUP BY K;"),
      &hog_query));
  ASSERT_TRUE(admin.AwaitRunning("hog", hog_query));

  // The light tenants' first half, then the hog's state, then their second half.
  std::map<std::string, std::map<std::string, std::pair<int64_t, int64_t>>> totals;
  for (const std::string& name : lights) {
    ASSERT_TRUE(ProduceAll(KafkaBootstrap(), absl::StrCat(name, ".events-", sfx),
                           LightInput(0, kLightRecords / 2, &totals[name]))
                    .ok());
  }
  constexpr int kHogKeys = 12000;
  constexpr int kHogRounds = 4;
  for (int round = 0; round < kHogRounds; ++round) {
    ASSERT_TRUE(
        ProduceAll(KafkaBootstrap(), absl::StrCat("hog.big-", sfx), HogInput(round, kHogKeys))
            .ok());
  }
  for (const std::string& name : lights) {
    ASSERT_TRUE(ProduceAll(KafkaBootstrap(), absl::StrCat(name, ".events-", sfx),
                           LightInput(kLightRecords / 2, kLightRecords / 2, &totals[name]))
                    .ok());
  }

  // The hog ends in ERROR with a reason that says why.
  v1::QueryView hog;
  int64_t peak_usage = 0;
  const absl::Time deadline = absl::Now() + absl::Minutes(6);
  while (absl::Now() < deadline) {
    hog = admin.Describe("hog", hog_query);
    if (std::optional<v1::TenantUsage> usage = admin.Usage("hog"); usage.has_value()) {
      peak_usage = std::max<int64_t>(peak_usage, static_cast<int64_t>(usage->memory_bytes()));
    }
    if (hog.state() == v1::QUERY_STATE_ERROR) {
      if (std::optional<v1::TenantUsage> usage = admin.Usage("hog"); usage.has_value()) {
        std::printf("hog state bytes: %.1f MiB\n",
                    static_cast<double>(usage->state_bytes()) / kMiB);
      }
      break;
    }
    absl::SleepFor(absl::Milliseconds(500));
  }
  std::printf("hog: state %s, records in %llu, peak metered memory %.1f MiB\nreason: %s\n",
              v1::QueryState_Name(hog.state()).c_str(),
              static_cast<unsigned long long>(hog.records_in()),
              static_cast<double>(peak_usage) / kMiB, hog.state_reason().c_str());
  ASSERT_EQ(hog.state(), v1::QUERY_STATE_ERROR);
  EXPECT_TRUE(absl::StrContains(hog.state_reason(), "RESOURCE_EXHAUSTED")) << hog.state_reason();
  EXPECT_TRUE(absl::StrContains(hog.state_reason(), "tenant hog memory")) << hog.state_reason();
  EXPECT_TRUE(absl::StrContains(hog.state_reason(), absl::StrCat("query ", hog_query, " holds")))
      << hog.state_reason();

  // The light tenants' output is exact and their queries still run.
  for (const std::string& name : lights) {
    std::map<std::string, std::string> expected;
    for (const auto& [key, nsum] : totals[name]) {
      expected[key] = absl::StrCat("{\"N\":", nsum.first, ",\"S\":", nsum.second, "}");
    }
    std::map<std::string, std::string> latest;
    const absl::Time until = absl::Now() + absl::Minutes(2);
    while (absl::Now() < until && latest != expected) {
      absl::StatusOr<std::vector<KafkaRecord>> out = ReadTopic(
          KafkaBootstrap(), absl::StrCat(name, ".totals-", sfx), kLightKeys, absl::Seconds(30));
      ASSERT_TRUE(out.ok()) << out.status();
      latest = LatestByKey(*out);
    }
    EXPECT_EQ(latest, expected) << name;
    EXPECT_EQ(admin.Describe(name, light_query[name]).state(), v1::QUERY_STATE_RUNNING) << name;
    std::optional<v1::TenantUsage> usage = admin.Usage(name);
    ASSERT_TRUE(usage.has_value());
    std::printf("%s: memory %.1f MiB of %.0f MiB\n", name.c_str(),
                static_cast<double>(usage->memory_bytes()) / kMiB,
                static_cast<double>(kLightQuota) / kMiB);
    EXPECT_GT(usage->memory_bytes(), 0u);
    EXPECT_GT(usage->state_bytes(), 0u);  // its aggregate's store, metered
    EXPECT_LT(static_cast<int64_t>(usage->memory_bytes()), kLightQuota);
  }

  // The executor survived, and its peak RSS stayed under the caps plus the fixed overhead.
  ASSERT_TRUE(executor->running());
  const int64_t peak_rss = ProcStatusBytes(executor->pid(), "VmHWM");
  const int64_t caps = kHogQuota + 2 * kLightQuota;
  std::printf("executor peak RSS (VmHWM): %.1f MiB; caps %.0f MiB + fixed overhead %.0f MiB\n",
              static_cast<double>(peak_rss) / kMiB, static_cast<double>(caps) / kMiB,
              static_cast<double>(kFixedOverhead) / kMiB);
  EXPECT_GT(peak_rss, 0);
  EXPECT_GT(idle_rss, 0);
  EXPECT_LT(idle_rss, kFixedOverhead);
  EXPECT_LT(peak_rss, caps + kFixedOverhead);
}

}  // namespace
}  // namespace skein::testing
