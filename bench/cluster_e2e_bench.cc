// End-to-end throughput and latency of queries on a running Skein cluster, beside a raw
// librdkafka consume-filter-produce loop over the same broker and input.
//
//   ./deploy/cluster.sh start --executors 2
//   build/bin/cluster_e2e_bench --coordinator 127.0.0.1:7070 --bootstrap 127.0.0.1:9092
//
// For each pipeline it creates fresh topics, starts the query, then produces N records while a
// reader tails the output; latency is output receive time minus the input record's create
// time (outputs carry their input's timestamp), throughput is outputs over the time from the
// first produce to the last output.

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "drain.h"
#include "grpcpp/grpcpp.h"
#include "skein/common/kafka_admin.h"
#include "skein/v1/admin.grpc.pb.h"
#include "support/kafka_io.h"

namespace {

using skein::testing::KafkaRecord;

struct Result {
  std::string name;
  size_t inputs = 0, outputs = 0;
  double seconds = 0;
  int64_t p50 = 0, p99 = 0, max = 0;
};

std::vector<KafkaRecord> Views(int n) {
  std::vector<KafkaRecord> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    KafkaRecord r;
    r.key = absl::StrCat("\"user-", i % 1000, "\"");
    r.value = absl::StrCat("{\"PRODUCT_ID\":\"p", i % 50, "\",\"VIEW_MS\":", (i * 37) % 1000, "}");
    out.push_back(std::move(r));
  }
  return out;
}

// Produces `input` to `in_topic` while reading `expected` records from `out_topic`.
Result Measure(const std::string& name, const std::string& bootstrap, const std::string& in_topic,
               const std::string& out_topic, const std::vector<KafkaRecord>& input,
               size_t expected) {
  const skein::bench::Drain d = skein::bench::MeasureDrain(name, bootstrap, in_topic, out_topic,
                                                           input, expected, absl::Minutes(10));
  return Result{name, d.inputs, d.outputs, d.seconds, d.p50_ms, d.p99_ms, d.max_ms};
}

bool Execute(skein::v1::Admin::Stub* admin, const std::string& sql) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  skein::v1::ExecuteStatementsRequest request;
  request.set_sql(sql);
  skein::v1::ExecuteStatementsResponse response;
  grpc::Status s = admin->ExecuteStatements(&context, request, &response);
  if (!s.ok()) std::fprintf(stderr, "statement failed: %s\n", s.error_message().c_str());
  return s.ok();
}

// The raw-librdkafka peer of pipeline (a): one thread consumes, filters VIEW_MS >= 500 by
// scanning the JSON text, and produces to `out_topic` (no SQL, no schema, no state).
void RawFilterLoop(const std::string& bootstrap, const std::string& in_topic,
                   const std::string& out_topic, size_t inputs, int partitions) {
  char err[512];
  rd_kafka_conf_t* cc = rd_kafka_conf_new();
  rd_kafka_conf_set(cc, "bootstrap.servers", bootstrap.c_str(), err, sizeof(err));
  rd_kafka_conf_set(cc, "group.id", absl::StrCat("raw-", in_topic).c_str(), err, sizeof(err));
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, cc, err, sizeof(err));
  rd_kafka_conf_t* pc = rd_kafka_conf_new();
  rd_kafka_conf_set(pc, "bootstrap.servers", bootstrap.c_str(), err, sizeof(err));
  rd_kafka_conf_set(pc, "linger.ms", "5", err, sizeof(err));
  rd_kafka_conf_set(pc, "enable.idempotence", "true", err, sizeof(err));
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, pc, err, sizeof(err));
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(parts, in_topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(consumer, parts);
  rd_kafka_topic_partition_list_destroy(parts);
  size_t seen = 0;
  const absl::Time deadline = absl::Now() + absl::Minutes(10);
  while (seen < inputs && absl::Now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++seen;
      std::string_view v(static_cast<const char*>(m->payload), m->len);
      size_t at = v.find("\"VIEW_MS\":");
      if (at != std::string_view::npos && std::atoi(v.data() + at + 10) >= 500) {
        rd_kafka_timestamp_type_t type;
        int64_t ts = rd_kafka_message_timestamp(m, &type);
        while (rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(out_topic.c_str()),
                                 RD_KAFKA_V_PARTITION(m->partition),
                                 RD_KAFKA_V_KEY(m->key, m->key_len),
                                 RD_KAFKA_V_VALUE(m->payload, m->len), RD_KAFKA_V_TIMESTAMP(ts),
                                 RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                 RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
          rd_kafka_poll(producer, 10);
        }
      }
    }
    rd_kafka_message_destroy(m);
    rd_kafka_poll(producer, 0);
  }
  rd_kafka_flush(producer, 30000);
  rd_kafka_destroy(producer);
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
}

// Latency of `n` pull queries (key lookups of one user and product of table (b)), one after
// another over one connection: p50/p99/max in microseconds, and how many returned rows.
struct PullLatency {
  int n = 0, answered = 0;
  int64_t p50_us = 0, p99_us = 0, max_us = 0;
};

PullLatency MeasurePulls(skein::v1::Admin::Stub* admin, const std::string& table, int n) {
  PullLatency out;
  out.n = n;
  std::vector<int64_t> micros;
  for (int i = 0; i < n; ++i) {
    const int user = (i * 7919) % 1000;  // users 0..999; each has product user % 50 (Views)
    skein::v1::PullQueryRequest request;
    request.set_sql(absl::StrCat("SELECT * FROM ", table, " WHERE user_id = 'user-", user,
                                 "' AND product_id = 'p", user % 50, "';"));
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    const absl::Time start = absl::Now();
    auto reader = admin->PullQuery(&ctx, request);
    skein::v1::PullQueryMessage m;
    bool row = false;
    while (reader->Read(&m)) row = row || m.has_row();
    const grpc::Status s = reader->Finish();
    micros.push_back(absl::ToInt64Microseconds(absl::Now() - start));
    if (!s.ok()) std::fprintf(stderr, "pull failed: %s\n", s.error_message().c_str());
    out.answered += s.ok() && row;
  }
  std::sort(micros.begin(), micros.end());
  if (!micros.empty()) {
    out.p50_us = micros[micros.size() / 2];
    out.p99_us = micros[micros.size() * 99 / 100];
    out.max_us = micros.back();
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"end-to-end throughput and latency of queries on a running Skein cluster"};
  std::string coordinator = "127.0.0.1:7070", bootstrap = "127.0.0.1:9092";
  int records = 100000, partitions = 6, pulls = 1000;
  app.add_option("--coordinator", coordinator);
  app.add_option("--bootstrap", bootstrap);
  app.add_option("--records", records)->capture_default_str();
  app.add_option("--partitions", partitions)->capture_default_str();
  app.add_option("--pulls", pulls, "pull-query key lookups on table (b)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto admin = skein::v1::Admin::NewStub(
      grpc::CreateChannel(coordinator, grpc::InsecureChannelCredentials()));
  auto kafka = skein::KafkaAdmin::Create(bootstrap);
  if (!kafka.ok()) return 2;
  const std::string run = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const std::vector<KafkaRecord> input = Views(records);
  const size_t passing =
      static_cast<size_t>(std::count_if(input.begin(), input.end(), [](const KafkaRecord& r) {
        return std::atoi(r.value->c_str() + r.value->find("VIEW_MS") + 9) >= 500;
      }));
  std::vector<Result> results;

  // (a) filter/project CSAS.
  const std::string in_a = "bench_views_a_" + run, out_a = "bench_long_views_" + run;
  if (!Execute(admin.get(), absl::StrCat("SET 'auto.offset.reset'='earliest';"
                                         "CREATE STREAM bench_views_a_",
                                         run,
                                         " (user_id STRING KEY, product_id STRING, view_ms BIGINT)"
                                         " WITH (KAFKA_TOPIC='",
                                         in_a, "', FORMAT='JSON', PARTITIONS=", partitions,
                                         ");"
                                         "CREATE STREAM bench_long_views_",
                                         run, " WITH (KAFKA_TOPIC='", out_a,
                                         "') AS SELECT user_id, product_id, view_ms FROM "
                                         "bench_views_a_",
                                         run, " WHERE view_ms >= 500;"))) {
    return 1;
  }
  absl::SleepFor(absl::Seconds(3));  // tasks assigned and running
  results.push_back(Measure("(a) filter/project CSAS", bootstrap, in_a, out_a, input, passing));

  // (b) seed-000: 1-minute tumbling SUM per user and product (repartition + RocksDB), with
  // exactly_once_v2 (the default for state: Kafka transactions, changelogs, read_committed).
  const std::string in_b = "bench_views_b_" + run, out_b = "bench_view_time_" + run;
  if (!Execute(admin.get(),
               absl::StrCat("CREATE STREAM bench_views_b_", run,
                            " (user_id STRING KEY, product_id STRING, view_ms BIGINT)"
                            " WITH (KAFKA_TOPIC='",
                            in_b, "', FORMAT='JSON', PARTITIONS=", partitions,
                            ");"
                            "CREATE TABLE bench_view_time_",
                            run, " WITH (KAFKA_TOPIC='", out_b,
                            "') AS SELECT user_id, product_id, SUM(view_ms) AS total_ms FROM "
                            "bench_views_b_",
                            run,
                            " WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user_id, product_id "
                            "EMIT CHANGES;"))) {
    return 1;
  }
  absl::SleepFor(absl::Seconds(3));
  results.push_back(
      Measure("(b) tumbling SUM, exactly_once_v2", bootstrap, in_b, out_b, input, input.size()));

  // Pull queries on (b)'s table, once its state holds every input.
  const PullLatency pull = MeasurePulls(admin.get(), "bench_view_time_" + run, pulls);

  // Peer: raw librdkafka consume-filter-produce over the same input as (a).
  const std::string out_raw = "bench_raw_long_views_" + run;
  if (!(*kafka)->CreateTopic(out_raw, partitions).ok()) return 1;
  const std::string in_raw = "bench_views_raw_" + run;
  if (!(*kafka)->CreateTopic(in_raw, partitions).ok()) return 1;
  std::thread raw([&] { RawFilterLoop(bootstrap, in_raw, out_raw, input.size(), partitions); });
  results.push_back(
      Measure("raw librdkafka filter (peer of a)", bootstrap, in_raw, out_raw, input, passing));
  raw.join();

  // (c) the same aggregate at-least-once, beside (b) which runs exactly_once_v2 (the default
  // for queries with state). SET applies to the tenant's later statements, so it comes last.
  const std::string in_c = "bench_views_c_" + run, out_c = "bench_view_time_alo_" + run;
  if (!Execute(admin.get(),
               absl::StrCat("SET 'processing.guarantee'='at_least_once';"
                            "CREATE STREAM bench_views_c_",
                            run,
                            " (user_id STRING KEY, product_id STRING, view_ms BIGINT)"
                            " WITH (KAFKA_TOPIC='",
                            in_c, "', FORMAT='JSON', PARTITIONS=", partitions,
                            ");"
                            "CREATE TABLE bench_view_time_alo_",
                            run, " WITH (KAFKA_TOPIC='", out_c,
                            "') AS SELECT user_id, product_id, SUM(view_ms) AS total_ms FROM "
                            "bench_views_c_",
                            run,
                            " WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user_id, product_id "
                            "EMIT CHANGES;"
                            "SET 'processing.guarantee'='exactly_once_v2';"))) {
    return 1;
  }
  absl::SleepFor(absl::Seconds(3));
  results.push_back(
      Measure("(c) = (b) at_least_once", bootstrap, in_c, out_c, input, input.size()));

  std::printf("\n%-36s %9s %9s %10s %8s %8s %8s\n", "pipeline", "inputs", "outputs", "records/s",
              "p50 ms", "p99 ms", "max ms");
  for (const Result& r : results) {
    std::printf("%-36s %9zu %9zu %10.0f %8lld %8lld %8lld\n", r.name.c_str(), r.inputs, r.outputs,
                r.seconds > 0 ? static_cast<double>(r.inputs) / r.seconds : 0.0,
                static_cast<long long>(r.p50), static_cast<long long>(r.p99),
                static_cast<long long>(r.max));
  }
  std::printf("\n%-36s %9s %9s %10s %8s %8s\n", "pull query (key lookup on b)", "queries",
              "with rows", "", "p50 us", "p99 us");
  std::printf("%-36s %9d %9d %10s %8lld %8lld   (max %lld us)\n", "SELECT * WHERE user AND product",
              pull.n, pull.answered, "", static_cast<long long>(pull.p50_us),
              static_cast<long long>(pull.p99_us), static_cast<long long>(pull.max_us));
  std::printf(
      "\nrecords/s = inputs / (first produce .. last output); latency = output received - "
      "input create time.\n");
  return 0;
}
