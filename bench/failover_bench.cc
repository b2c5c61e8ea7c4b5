// Fail-over time with and without standby replicas, on a running cluster of 3 executors:
//
//   ./deploy/cluster.sh start --executors 3
//   build/bin/failover_bench --coordinator 127.0.0.1:7070 --bootstrap 127.0.0.1:9092
//                            --run-dir .run/cluster --state-mb 64
//
// For each num.standby.replicas value (--replicas, default 0,1) it starts an aggregate over a
// fresh topic, builds --state-mb MiB of state (one --value-bytes value per key), waits until every
// task committed it (and every standby caught up to lag 0), then kill -9s the executor running
// the first task (its pid from <run-dir>/executors/<id>.pid) and measures the time from the
// kill until every task is RUNNING on a live executor. That time includes the lease (3 s in
// deploy/cluster.sh) and the fencing of the dead executor's transactions, then the restore.
// The killed executor is restarted with --cluster-cmd before the next run.

#include <signal.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "skein/v1/admin.grpc.pb.h"
#include "support/kafka_io.h"

namespace {

using skein::testing::KafkaRecord;
namespace v1 = skein::v1;

constexpr absl::Duration kSettleDeadline = absl::Minutes(10);

struct Result {
  int replicas = 0;
  size_t keys = 0;
  double seconds = -1;            // kill to every task RUNNING elsewhere
  uint64_t restored_records = 0;  // by the tasks that moved
  uint64_t restored_bytes = 0;
  std::string moved_to;
};

absl::StatusOr<v1::ExecuteStatementsResponse> Execute(v1::Admin::Stub* admin,
                                                      const std::string& sql) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  v1::ExecuteStatementsRequest request;
  request.set_sql(sql);
  v1::ExecuteStatementsResponse response;
  grpc::Status s = admin->ExecuteStatements(&context, request, &response);
  if (!s.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  }
  return response;
}

absl::StatusOr<v1::QueryView> Describe(v1::Admin::Stub* admin, const std::string& id) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  v1::DescribeQueryRequest request;
  request.set_query_id(id);
  v1::QueryView response;
  grpc::Status s = admin->DescribeQuery(&context, request, &response);
  if (!s.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  }
  return response;
}

// Polls the query every 20 ms until `done` holds; false after `timeout`.
template <typename Done>
bool AwaitView(v1::Admin::Stub* admin, const std::string& id, Done done, absl::Duration timeout,
               v1::QueryView* seen) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    absl::StatusOr<v1::QueryView> q = Describe(admin, id);
    if (q.ok() && done(*q)) {
      *seen = *q;
      return true;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return false;
}

int ReadPid(const std::string& run_dir, const std::string& executor) {
  std::ifstream in(absl::StrCat(run_dir, "/executors/", executor, ".pid"));
  int pid = 0;
  in >> pid;
  return pid;
}

Result RunOnce(v1::Admin::Stub* admin, const std::string& bootstrap, const std::string& run_dir,
               const std::string& cluster_cmd, int replicas, size_t keys, int value_bytes,
               int partitions) {
  Result result;
  result.replicas = replicas;
  result.keys = keys;
  const std::string suffix = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const std::string topic = "failover_in_" + suffix;
  absl::StatusOr<v1::ExecuteStatementsResponse> executed = Execute(
      admin,
      absl::StrCat("SET 'auto.offset.reset'='earliest';\nSET 'num.standby.replicas'='", replicas,
                   "';\nCREATE STREAM failover_in_", suffix,
                   " (id STRING KEY, payload STRING) WITH (KAFKA_TOPIC='", topic,
                   "', FORMAT='JSON', PARTITIONS=", partitions, ");\nCREATE TABLE failover_state_",
                   suffix, " AS SELECT id, LATEST_BY_OFFSET(payload) AS payload FROM failover_in_",
                   suffix, " GROUP BY id EMIT CHANGES;\n"));
  if (!executed.ok()) {
    std::fprintf(stderr, "statements failed: %s\n", executed.status().ToString().c_str());
    return result;
  }
  const std::string query = executed->results(3).query_id();

  const std::string padding(static_cast<size_t>(value_bytes), 'x');
  std::vector<KafkaRecord> input;
  input.reserve(keys);
  for (size_t i = 0; i < keys; ++i) {
    KafkaRecord r;
    r.key = absl::StrCat("\"k", i, "\"");
    r.value = absl::StrCat("{\"PAYLOAD\":\"", padding, "\"}");
    input.push_back(std::move(r));
  }
  if (absl::Status s = skein::testing::ProduceAll(bootstrap, topic, input); !s.ok()) {
    std::fprintf(stderr, "produce: %s\n", s.ToString().c_str());
    return result;
  }
  v1::QueryView settled;
  const bool ok = AwaitView(
      admin, query,
      [&](const v1::QueryView& q) {
        if (q.state() != v1::QUERY_STATE_RUNNING || q.records_in() < keys) return false;
        for (const v1::TaskView& t : q.tasks()) {
          if (t.standbys_size() != replicas) return false;
          for (const v1::StandbyView& s : t.standbys()) {
            if (s.lag() != 0) return false;
          }
        }
        return true;
      },
      kSettleDeadline, &settled);
  if (!ok) {
    std::fprintf(stderr, "replicas=%d: the query never settled\n", replicas);
    return result;
  }
  // The last transaction commits state within the commit interval (100 ms).
  absl::SleepFor(absl::Seconds(1));

  const std::string victim = settled.tasks(0).executor_id();
  const int pid = ReadPid(run_dir, victim);
  if (pid <= 0) {
    std::fprintf(stderr, "no pid for %s under %s\n", victim.c_str(), run_dir.c_str());
    return result;
  }
  std::vector<std::string> victim_tasks;
  for (const v1::TaskView& t : settled.tasks()) {
    if (t.executor_id() == victim) victim_tasks.push_back(absl::StrCat(t.task().partition()));
  }
  const absl::Time killed = absl::Now();
  kill(pid, SIGKILL);
  v1::QueryView moved;
  const bool recovered = AwaitView(
      admin, query,
      [&](const v1::QueryView& q) {
        if (q.state() != v1::QUERY_STATE_RUNNING) return false;
        for (const v1::TaskView& t : q.tasks()) {
          if (t.executor_id() == victim) return false;
        }
        return true;
      },
      kSettleDeadline, &moved);
  if (recovered) {
    result.seconds = absl::ToDoubleSeconds(absl::Now() - killed);
    for (const v1::TaskView& t : moved.tasks()) {
      for (const std::string& p : victim_tasks) {
        if (p != absl::StrCat(t.task().partition())) continue;
        result.restored_records += t.restored_records();
        result.restored_bytes += t.restored_bytes();
        absl::StrAppend(&result.moved_to, result.moved_to.empty() ? "" : ",", t.executor_id());
      }
    }
  }
  Execute(admin, absl::StrCat("TERMINATE ", query, ";")).IgnoreError();
  if (std::system(cluster_cmd.c_str()) != 0) {
    std::fprintf(stderr, "restarting the cluster failed: %s\n", cluster_cmd.c_str());
  }
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Fail-over time with and without standby replicas on a running cluster"};
  std::string coordinator = "127.0.0.1:7070", bootstrap = "127.0.0.1:9092";
  std::string run_dir = ".run/cluster";
  std::string cluster_cmd = "./deploy/cluster.sh start --executors 3 >/dev/null";
  std::string replicas_list = "0,1";
  double state_mb = 64;
  int partitions = 3;
  app.add_option("--coordinator", coordinator);
  app.add_option("--bootstrap", bootstrap);
  app.add_option("--run-dir", run_dir, "deploy/cluster.sh --dir (executor pid files)");
  app.add_option("--cluster-cmd", cluster_cmd, "restarts the killed executor");
  app.add_option("--replicas", replicas_list, "num.standby.replicas values, comma-separated");
  int value_bytes = 200;
  app.add_option("--state-mb", state_mb, "state to build, MiB (one value per key)");
  app.add_option("--value-bytes", value_bytes, "bytes per value (restore is per-record bound)");
  app.add_option("--partitions", partitions);
  CLI11_PARSE(app, argc, argv);

  auto admin =
      v1::Admin::NewStub(grpc::CreateChannel(coordinator, grpc::InsecureChannelCredentials()));
  const size_t keys = static_cast<size_t>(state_mb * 1048576 / (value_bytes + 24));
  std::vector<Result> results;
  for (absl::string_view r : absl::StrSplit(replicas_list, ',')) {
    int replicas = 0;
    if (!absl::SimpleAtoi(r, &replicas)) {
      std::fprintf(stderr, "bad --replicas value '%s'\n", std::string(r).c_str());
      return 2;
    }
    results.push_back(RunOnce(admin.get(), bootstrap, run_dir, cluster_cmd, replicas, keys,
                              value_bytes, partitions));
    // Let the restarted executor register before the next run.
    absl::SleepFor(absl::Seconds(5));
  }
  std::printf("%-8s %-9s %-8s %-22s %-18s %-10s\n", "STANDBYS", "STATE", "KEYS",
              "KILL -> RUNNING (s)", "RESTORED (rec)", "RESTORED");
  for (const Result& r : results) {
    std::printf("%-8d %-9s %-8zu %-22s %-18llu %-10s\n", r.replicas,
                absl::StrFormat("%.0f MiB", state_mb).c_str(), r.keys,
                r.seconds < 0 ? "failed" : absl::StrFormat("%.2f", r.seconds).c_str(),
                static_cast<unsigned long long>(r.restored_records),
                absl::StrFormat("%.1f MiB", r.restored_bytes / 1048576.0).c_str());
  }
  return 0;
}
