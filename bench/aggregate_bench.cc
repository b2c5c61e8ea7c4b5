// The seed-000 aggregate in-process on one core: 1-minute tumbling SUM of view time per user
// and product, compiled by the SQL compiler and run by the same StageTasks the executors run
// (JSON decode, rekey, repartition through an in-memory topic, aggregate over RocksDB).
// Prints records/s and the RocksDB state bytes per group (window x user x product).
//
//   build/bin/aggregate_bench [--records 200000] [--users 1000] [--products 20]

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "skein/compiler/compiler.h"
#include "skein/runtime/in_memory_topics.h"
#include "skein/runtime/local_runner.h"
#include "skein/runtime/operators.h"
#include "skein/runtime/processing_log.h"
#include "skein/sql/parser.h"
#include "skein/state/store_id.h"
#include "skein/state/tenant_state_db.h"

namespace {

constexpr int kPartitions = 1;  // one task per stage: one core
constexpr int64_t kWindowMs = 60'000;

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "aggregate_bench: %s\n", s.ToString().c_str());
  return 1;
}

uint64_t SstBytes(const std::filesystem::path& dir) {
  uint64_t total = 0;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir)) {
    if (f.is_regular_file() && f.path().extension() == ".sst") total += f.file_size();
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"seed-000 aggregate in-process on RocksDB: records/s and state bytes per key"};
  int records = 200'000, users = 1000, products = 20, per_window = 20'000;
  app.add_option("--records", records)->capture_default_str();
  app.add_option("--users", users)->capture_default_str();
  app.add_option("--products", products)->capture_default_str();
  app.add_option("--records-per-window", per_window)->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const std::string state_dir =
      (std::filesystem::temp_directory_path() / absl::StrCat("skein-aggbench-", getpid())).string();
  std::filesystem::create_directories(state_dir);
  const std::string sql =
      "CREATE STREAM views (user_id STRING KEY, product_id STRING, view_ms BIGINT) "
      "WITH (KAFKA_TOPIC='views', FORMAT='JSON', PARTITIONS=1);"
      "CREATE TABLE view_time AS SELECT user_id, product_id, SUM(view_ms) AS total_ms "
      "FROM views WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user_id, product_id EMIT CHANGES;";

  skein::compiler::Compiler compiler("bench");
  skein::runtime::InMemoryTopics topics;
  skein::runtime::InMemoryProcessingLog log;
  int64_t groups = 0;
  double seconds = 0;
  uint64_t outputs = 0;
  {
    skein::runtime::LocalRunner runner(&topics, &log, nullptr, state_dir);
    absl::StatusOr<std::vector<skein::sql::ParsedStatement>> parsed =
        skein::sql::ParseStatements(sql);
    if (!parsed.ok()) return Fail(parsed.status());
    for (const auto& p : *parsed) {
      auto r = compiler.Execute(*p.statement, p.text);
      if (!r.ok()) return Fail(r.status());
      if (r->plan) {
        if (absl::Status s = runner.AddPlan(*r->plan); !s.ok()) return Fail(s);
      }
    }
    if (!topics.HasTopic("views")) (void)topics.CreateTopic("views", kPartitions);
    // Distinct (window, user, product) groups, counted as the input is generated.
    std::vector<std::vector<bool>> seen;
    for (int i = 0; i < records; ++i) {
      const int user = (i * 7919) % users, product = (i * 31) % products;
      const int window = i / per_window;
      if (static_cast<size_t>(window) >= seen.size()) {
        seen.emplace_back(static_cast<size_t>(users) * products, false);
      }
      auto slot = seen[window][static_cast<size_t>(user) * products + product];
      if (!slot) {
        seen[window][static_cast<size_t>(user) * products + product] = true;
        ++groups;
      }
      skein::runtime::Record r;
      r.topic = "views";
      r.key = absl::StrCat("\"user-", user, "\"");
      r.value =
          absl::StrCat("{\"PRODUCT_ID\":\"p", product, "\",\"VIEW_MS\":", (i * 37) % 1000, "}");
      r.timestamp = 1'700'000'000'000 + int64_t{window} * kWindowMs + (i % per_window);
      r.partition = 0;
      if (auto s = topics.Append(std::move(r)); !s.ok()) return Fail(s.status());
    }
    const auto start = std::chrono::steady_clock::now();
    if (absl::Status s = runner.RunUntilIdle(); !s.ok()) return Fail(s);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto sink = topics.ReadAll("VIEW_TIME");
    outputs = sink.ok() ? sink->size() : 0;
  }
  // Reopen the tenant's RocksDB, flush every store and measure what is on disk.
  uint64_t sst = 0;
  {
    auto db = skein::state::TenantStateDb::Open(state_dir, "bench");
    if (!db.ok()) return Fail(db.status());
    for (const std::string& name : (*db)->ColumnFamilyNames()) {
      auto id = skein::state::StoreId::Parse(name);
      if (!id.ok()) continue;
      auto cf = (*db)->Attach(*id);
      if (cf.ok()) (*db)->db()->Flush(rocksdb::FlushOptions(), *cf);
    }
    sst = SstBytes(state_dir);
  }
  std::filesystem::remove_all(state_dir);

  std::printf("%-10s %-8s %-12s %-10s %-14s %-14s\n", "records", "outputs", "records/s", "groups",
              "state bytes", "bytes/group");
  std::printf("%-10d %-8llu %-12.0f %-10lld %-14llu %-14.1f\n", records,
              static_cast<unsigned long long>(outputs), records / seconds,
              static_cast<long long>(groups), static_cast<unsigned long long>(sst),
              groups > 0 ? static_cast<double>(sst) / static_cast<double>(groups) : 0.0);
  std::printf(
      "(one thread; JSON decode + rekey + in-memory repartition + RocksDB window store; "
      "state = flushed SST bytes, compressed, incl. RocksDB metadata)\n");
  return 0;
}
