// Changelog restore throughput: the executor's ChangelogRestorer replaying a key-value store's
// changelog partition from a real broker into a fresh RocksDB (the restore a task with no
// local state does before it runs).
//
//   ./deploy/kafka.sh start   (or any broker)
//   build/bin/changelog_restore_bench --bootstrap 127.0.0.1:9092 --mib 1024
//
// It writes --mib MiB of changelog records (--value-bytes each, --keys distinct keys) to a
// fresh one-partition compacted topic with a plain producer, then times the restore and prints
// records/s and MiB/s (key + value bytes read).

#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "changelog.h"
#include "skein/common/kafka_admin.h"
#include "skein/state/tenant_state_db.h"

namespace {

bool ProduceChangelog(const std::string& bootstrap, const std::string& topic, int64_t records,
                      int value_bytes, int64_t keys) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof(err));
  rd_kafka_conf_set(conf, "linger.ms", "20", err, sizeof(err));
  rd_kafka_conf_set(conf, "enable.idempotence", "true", err, sizeof(err));
  rd_kafka_t* p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (p == nullptr) return false;
  const std::string value(static_cast<size_t>(value_bytes), 'v');
  for (int64_t i = 0; i < records; ++i) {
    const std::string key = absl::StrCat("key-", i % keys);
    while (rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
                             RD_KAFKA_V_KEY(key.data(), key.size()),
                             RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(p, 10);
    }
    rd_kafka_poll(p, 0);
  }
  const bool ok = rd_kafka_flush(p, 120000) == RD_KAFKA_RESP_ERR_NO_ERROR;
  rd_kafka_destroy(p);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"changelog restore throughput (ChangelogRestorer against a real broker)"};
  std::string bootstrap = "127.0.0.1:9092";
  int64_t mib = 256;
  int value_bytes = 200;
  int64_t keys = 0;  // 0: every key distinct
  app.add_option("--bootstrap", bootstrap);
  app.add_option("--mib", mib, "changelog size to restore")->capture_default_str();
  app.add_option("--value-bytes", value_bytes)->capture_default_str();
  app.add_option("--keys", keys, "distinct keys (0: all distinct)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const int64_t records = mib * 1024 * 1024 / (value_bytes + 12);
  if (keys <= 0) keys = records;
  const std::string run = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const std::string topic = "_skein-bench-restore-" + run + "-changelog";
  auto kafka = skein::KafkaAdmin::Create(bootstrap);
  if (!kafka.ok() || !(*kafka)->CreateTopic(topic, 1, -1, {{"cleanup.policy", "compact"}}).ok()) {
    std::fprintf(stderr, "cannot create %s\n", topic.c_str());
    return 1;
  }
  const absl::Time produce_start = absl::Now();
  if (!ProduceChangelog(bootstrap, topic, records, value_bytes, keys)) return 1;
  const double produce_s = absl::ToDoubleSeconds(absl::Now() - produce_start);

  const std::string dir = "/tmp/skein-restore-bench-" + run;
  std::filesystem::create_directories(dir);
  auto db = skein::state::TenantStateDb::Open(dir, "bench");
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    return 1;
  }
  skein::executor::TaskStore store;
  store.id = skein::state::StoreId{"BENCH", 0, 0, "aggregate"};
  store.kind = skein::proto::StoreKind::kKeyValue;
  store.topic = topic;
  const absl::Time start = absl::Now();
  auto restorer =
      skein::executor::ChangelogRestorer::Create(bootstrap, "restore-bench", db->get(), {store});
  if (!restorer.ok()) {
    std::fprintf(stderr, "%s\n", restorer.status().ToString().c_str());
    return 1;
  }
  // The ETA the executor reports (DescribeQuery, metrics), sampled at each quarter of the
  // records, to be set against the time the restore really took from there.
  struct EtaSample {
    double at_seconds, eta_seconds;
    uint64_t remaining;
  };
  std::vector<EtaSample> etas;
  while (true) {
    absl::StatusOr<bool> done = (*restorer)->Step();
    if (!done.ok()) {
      std::fprintf(stderr, "%s\n", done.status().ToString().c_str());
      return 1;
    }
    if (*done) break;
    const uint64_t quarter = static_cast<uint64_t>(records) * (etas.size() + 1) / 4;
    if (etas.size() < 3 && (*restorer)->records() >= quarter) {
      const absl::Time now = absl::Now();
      etas.push_back({absl::ToDoubleSeconds(now - start),
                      absl::ToDoubleSeconds(
                          (*restorer)->EstimatedTimeLeft(now).value_or(absl::ZeroDuration())),
                      (*restorer)->remaining_records()});
    }
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const double mb = static_cast<double>((*restorer)->bytes()) / (1024.0 * 1024.0);
  std::printf("\n%-28s %12s %10s %10s %12s %10s\n", "changelog restore", "records", "MiB",
              "seconds", "records/s", "MiB/s");
  std::printf("%-28s %12llu %10.1f %10.2f %12.0f %10.1f\n", "1 partition, KV store",
              static_cast<unsigned long long>((*restorer)->records()), mb, seconds,
              static_cast<double>((*restorer)->records()) / seconds, mb / seconds);
  std::printf("(producing the changelog took %.1f s)\n", produce_s);
  std::printf("\n%-10s %14s %12s %12s\n", "at", "records left", "ETA s", "actual s");
  for (size_t i = 0; i < etas.size(); ++i) {
    std::printf("%-10s %14llu %12.2f %12.2f\n", absl::StrCat((i + 1) * 25, "%").c_str(),
                static_cast<unsigned long long>(etas[i].remaining), etas[i].eta_seconds,
                seconds - etas[i].at_seconds);
  }
  restorer->reset();
  db->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
