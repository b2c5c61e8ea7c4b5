#include "admin_commands.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "skein/common/grpc_status.h"

namespace skein::cli {
namespace {

constexpr absl::Duration kCallDeadline = absl::Seconds(5);

std::string StateName(v1::ExecutorState state) {
  switch (state) {
    case v1::EXECUTOR_STATE_ALIVE:
      return "ALIVE";
    case v1::EXECUTOR_STATE_DEAD:
      return "DEAD";
    case v1::EXECUTOR_STATE_DRAINING:
      return "DRAINING";
    default:
      return "UNKNOWN";
  }
}

std::string Bytes(uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? absl::StrCat(n, "B") : absl::StrFormat("%.1f%s", v, units[u]);
}

std::string Ago(int64_t then_ms, int64_t now_ms) {
  if (then_ms <= 0) return "never";
  double seconds = static_cast<double>(std::max<int64_t>(0, now_ms - then_ms)) / 1000.0;
  return absl::StrFormat("%.1fs ago", seconds);
}

std::string Table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      absl::StrAppend(&line, row[i]);
      if (i + 1 < row.size()) line.append(width[i] - row[i].size() + 2, ' ');
    }
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

}  // namespace

AdminClient::AdminClient(const std::string& coordinator)
    : coordinator_(coordinator),
      stub_(v1::Admin::NewStub(
          grpc::CreateChannel(coordinator, grpc::InsecureChannelCredentials()))) {}

absl::Status AdminClient::Translate(const grpc::Status& status) const {
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return absl::UnavailableError(
        absl::StrCat("cannot reach the coordinator at ", coordinator_, " (", status.error_message(),
                     "): is it running? Start a cluster with ./deploy/cluster.sh start, or pass "
                     "--coordinator HOST:PORT (or set SKEIN_COORDINATOR)"));
  }
  return FromGrpc(status);
}

#define SKEIN_CLI_CALL(method, request, response)                        \
  grpc::ClientContext context;                                           \
  context.set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline)); \
  return Translate(stub_->method(&context, request, response))

absl::Status AdminClient::ListExecutors(v1::ListExecutorsResponse* out) {
  SKEIN_CLI_CALL(ListExecutors, v1::ListExecutorsRequest(), out);
}

absl::Status AdminClient::DescribeExecutor(const std::string& id, v1::ExecutorView* out) {
  v1::DescribeExecutorRequest request;
  request.set_id(id);
  SKEIN_CLI_CALL(DescribeExecutor, request, out);
}

absl::Status AdminClient::GetClusterInfo(v1::ClusterInfo* out) {
  SKEIN_CLI_CALL(GetClusterInfo, v1::GetClusterInfoRequest(), out);
}

#undef SKEIN_CLI_CALL

std::string FormatExecutorTable(const v1::ListExecutorsResponse& executors, int64_t now_unix_ms) {
  std::vector<std::vector<std::string>> rows = {
      {"ID", "ADDRESS", "STATE", "CORES", "MEMORY", "TASKS", "LAST HEARTBEAT"}};
  for (const v1::ExecutorView& e : executors.executors()) {
    rows.push_back({e.info().id(), e.info().address(), StateName(e.state()),
                    absl::StrCat(e.info().cores()), Bytes(e.info().memory_bytes()),
                    absl::StrCat(e.running_tasks()), Ago(e.last_heartbeat_unix_ms(), now_unix_ms)});
  }
  return Table(rows);
}

std::string FormatExecutor(const v1::ExecutorView& e, int64_t now_unix_ms) {
  return Table({{"id", e.info().id()},
                {"address", e.info().address()},
                {"state", absl::StrCat(StateName(e.state()), " (", e.state_reason(), ")")},
                {"epoch", absl::StrCat(e.epoch())},
                {"cores", absl::StrCat(e.info().cores())},
                {"memory", Bytes(e.info().memory_bytes())},
                {"version", e.info().version()},
                {"running tasks", absl::StrCat(e.running_tasks())},
                {"registered", Ago(e.registered_at_unix_ms(), now_unix_ms)},
                {"last heartbeat", Ago(e.last_heartbeat_unix_ms(), now_unix_ms)},
                {"state changed", Ago(e.state_changed_at_unix_ms(), now_unix_ms)}});
}

std::string FormatClusterInfo(const v1::ClusterInfo& info) {
  return Table({{"coordinator version", info.coordinator_version()},
                {"kafka bootstrap", info.kafka_bootstrap()},
                {"kafka cluster id", info.kafka_cluster_id()},
                {"lease", absl::StrCat(info.lease_ms(), "ms")},
                {"executors alive", absl::StrCat(info.executors_alive())},
                {"executors dead", absl::StrCat(info.executors_dead())}});
}

}  // namespace skein::cli
