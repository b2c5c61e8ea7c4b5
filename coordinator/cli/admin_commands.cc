#include "admin_commands.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "skein/common/grpc_status.h"

namespace skein::cli {
namespace {

// "1200 rec/52000 B", and while restoring "... 800 left, ETA 3s".
std::string RestoreProgress(const v1::TaskView& t) {
  std::string out = absl::StrCat(t.restored_records(), " rec/", t.restored_bytes(), " B");
  if (!t.restore_done()) {
    absl::StrAppend(&out, " ... ", t.restore_remaining_records(), " left");
    if (t.restore_eta_seconds() > 0) {
      absl::StrAppend(&out, absl::StrFormat(", ETA %.0fs", t.restore_eta_seconds()));
    }
  }
  return out;
}

constexpr absl::Duration kCallDeadline = absl::Seconds(5);
// Statements may create topics and wait for them.
constexpr absl::Duration kStatementDeadline = absl::Seconds(120);
// Pull queries wait (up to this) while the table's tasks start or move.
constexpr absl::Duration kPullDeadline = absl::Seconds(30);

std::string QueryStateName(v1::QueryState state) {
  switch (state) {
    case v1::QUERY_STATE_PENDING:
      return "PENDING";
    case v1::QUERY_STATE_RUNNING:
      return "RUNNING";
    case v1::QUERY_STATE_ERROR:
      return "ERROR";
    case v1::QUERY_STATE_TERMINATED:
      return "TERMINATED";
    default:
      return "UNKNOWN";
  }
}

std::string TaskStateName(v1::TaskState state) {
  const std::string name = v1::TaskState_Name(state);
  return name.rfind("TASK_STATE_", 0) == 0 ? name.substr(11) : name;
}

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

void Connection::Prepare(grpc::ClientContext* context, absl::Duration deadline) const {
  if (deadline != absl::InfiniteDuration()) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  }
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
}

std::shared_ptr<grpc::Channel> Connection::Channel() const {
  return grpc::CreateChannel(
      coordinator, credentials != nullptr ? credentials : grpc::InsecureChannelCredentials());
}

absl::Status TranslateRpcStatus(const grpc::Status& status, const std::string& coordinator) {
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return absl::UnavailableError(
        absl::StrCat("cannot reach the coordinator at ", coordinator, " (", status.error_message(),
                     "): is it running? Start a cluster with ./deploy/cluster.sh start, or pass "
                     "--coordinator HOST:PORT (or set SKEIN_COORDINATOR)"));
  }
  return FromGrpc(status);
}

AdminClient::AdminClient(Connection connection)
    : connection_(std::move(connection)), stub_(v1::Admin::NewStub(connection_.Channel())) {}

absl::Status AdminClient::Translate(const grpc::Status& status) const {
  return TranslateRpcStatus(status, connection_.coordinator);
}

#define SKEIN_CLI_CALL_WITHIN(deadline, method, request, response) \
  grpc::ClientContext context;                                     \
  connection_.Prepare(&context, (deadline));                       \
  return Translate(stub_->method(&context, request, response))
#define SKEIN_CLI_CALL(method, request, response) \
  SKEIN_CLI_CALL_WITHIN(kCallDeadline, method, request, response)

absl::Status AdminClient::ListExecutors(v1::ListExecutorsResponse* out) {
  SKEIN_CLI_CALL(ListExecutors, v1::ListExecutorsRequest(), out);
}

absl::Status AdminClient::DescribeExecutor(const std::string& id, v1::ExecutorView* out) {
  v1::DescribeExecutorRequest request;
  request.set_id(id);
  SKEIN_CLI_CALL(DescribeExecutor, request, out);
}

absl::Status AdminClient::DrainExecutor(const std::string& id, bool drain, v1::ExecutorView* out) {
  if (drain) {
    v1::DrainExecutorRequest request;
    request.set_id(id);
    SKEIN_CLI_CALL(DrainExecutor, request, out);
  }
  v1::UndrainExecutorRequest request;
  request.set_id(id);
  SKEIN_CLI_CALL(UndrainExecutor, request, out);
}

absl::Status AdminClient::GetClusterInfo(v1::ClusterInfo* out) {
  SKEIN_CLI_CALL(GetClusterInfo, v1::GetClusterInfoRequest(), out);
}

absl::Status AdminClient::ExecuteStatements(const std::string& tenant, const std::string& sql,
                                            v1::ExecuteStatementsResponse* out) {
  v1::ExecuteStatementsRequest request;
  request.set_tenant(tenant);
  request.set_sql(sql);
  SKEIN_CLI_CALL_WITHIN(kStatementDeadline, ExecuteStatements, request, out);
}

absl::Status AdminClient::ListQueries(const std::string& tenant, v1::ListQueriesResponse* out) {
  v1::ListQueriesRequest request;
  request.set_tenant(tenant);
  SKEIN_CLI_CALL(ListQueries, request, out);
}

absl::Status AdminClient::DescribeQuery(const std::string& tenant, const std::string& id,
                                        v1::QueryView* out) {
  v1::DescribeQueryRequest request;
  request.set_tenant(tenant);
  request.set_query_id(id);
  SKEIN_CLI_CALL(DescribeQuery, request, out);
}

absl::Status AdminClient::TerminateQuery(const std::string& tenant, const std::string& id) {
  v1::TerminateQueryRequest request;
  request.set_tenant(tenant);
  request.set_query_id(id);
  v1::TerminateQueryResponse response;
  SKEIN_CLI_CALL_WITHIN(kStatementDeadline, TerminateQuery, request, &response);
}

absl::Status AdminClient::PushQuery(
    const std::string& tenant, const std::string& sql,
    const std::map<std::string, std::string>& properties,
    const std::function<void(const v1::PushQueryMessage&)>& on_message) {
  grpc::ClientContext context;  // no deadline: runs until LIMIT or Ctrl-C
  connection_.Prepare(&context, absl::InfiniteDuration());
  v1::PushQueryRequest request;
  request.set_tenant(tenant);
  request.set_sql(sql);
  for (const auto& [k, v] : properties) (*request.mutable_properties())[k] = v;
  std::unique_ptr<grpc::ClientReader<v1::PushQueryMessage>> reader =
      stub_->PushQuery(&context, request);
  v1::PushQueryMessage message;
  while (reader->Read(&message)) on_message(message);
  return Translate(reader->Finish());
}

absl::Status AdminClient::PullQuery(
    const std::string& tenant, const std::string& sql,
    const std::function<void(const v1::PullQueryMessage&)>& on_message) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kPullDeadline));
  v1::PullQueryRequest request;
  request.set_tenant(tenant);
  request.set_sql(sql);
  std::unique_ptr<grpc::ClientReader<v1::PullQueryMessage>> reader =
      stub_->PullQuery(&context, request);
  v1::PullQueryMessage message;
  while (reader->Read(&message)) on_message(message);
  return Translate(reader->Finish());
}

#undef SKEIN_CLI_CALL
#undef SKEIN_CLI_CALL_WITHIN

// " draining (3 tasks left)" or " drained" for an executor DrainExecutor was called on.
std::string DrainSuffix(const v1::ExecutorView& e) {
  if (!e.draining()) return "";
  if (e.assigned_tasks() == 0) return " drained";
  return absl::StrCat(" draining (", e.assigned_tasks(), " tasks left)");
}

std::string FormatExecutorTable(const v1::ListExecutorsResponse& executors, int64_t now_unix_ms) {
  std::vector<std::vector<std::string>> rows = {
      {"ID", "ADDRESS", "STATE", "CORES", "MEMORY", "TASKS", "LAST HEARTBEAT"}};
  for (const v1::ExecutorView& e : executors.executors()) {
    rows.push_back({e.info().id(), e.info().address(), StateName(e.state()) + DrainSuffix(e),
                    absl::StrCat(e.info().cores()), Bytes(e.info().memory_bytes()),
                    absl::StrCat(e.running_tasks()), Ago(e.last_heartbeat_unix_ms(), now_unix_ms)});
  }
  return Table(rows);
}

std::string FormatExecutor(const v1::ExecutorView& e, int64_t now_unix_ms) {
  return Table(
      {{"id", e.info().id()},
       {"address", e.info().address()},
       {"state", absl::StrCat(StateName(e.state()), DrainSuffix(e), " (", e.state_reason(), ")")},
       {"assigned tasks", absl::StrCat(e.assigned_tasks())},
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

std::string FormatStatementOutcomes(const v1::ExecuteStatementsResponse& response) {
  std::string out;
  for (const v1::StatementOutcome& r : response.results()) {
    switch (r.kind()) {
      case v1::StatementOutcome::KIND_SOURCE_CREATED:
        absl::StrAppend(&out, "Created ", r.source_name(), " (", r.schema(), ")\n");
        break;
      case v1::StatementOutcome::KIND_SOURCE_DROPPED:
        absl::StrAppend(&out, "Dropped ", r.source_name(), "\n");
        break;
      case v1::StatementOutcome::KIND_QUERY_STARTED:
        absl::StrAppend(&out, "Created query ", r.query_id(), " writing ", r.source_name(), " (",
                        r.schema(), ")\n");
        for (const std::string& t : r.topics_created()) {
          absl::StrAppend(&out, "  created topic ", t, "\n");
        }
        break;
      case v1::StatementOutcome::KIND_ROWS_INSERTED:
        absl::StrAppend(&out, "Inserted ", r.rows_inserted(),
                        r.rows_inserted() == 1 ? " row" : " rows", " into ", r.source_name(), "\n");
        break;
      case v1::StatementOutcome::KIND_QUERY_TERMINATED:
        absl::StrAppend(&out, "Terminated ", r.text().empty() ? r.query_id() : r.text(), "\n");
        break;
      default:
        if (!r.text().empty()) {
          absl::StrAppend(&out, r.text(), r.text().back() == '\n' ? "" : "\n");
        }
        break;
    }
  }
  return out;
}

std::string FormatPushMessage(const v1::PushQueryMessage& message) {
  if (message.has_header()) {
    return absl::StrCat("-- ", message.header().query_id(), ": ", message.header().schema(), "\n");
  }
  // A windowed key carries binary window bytes after its text: show the text part.
  std::string key = message.row().key();
  auto binary = std::find_if(key.begin(), key.end(),
                             [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  key.erase(binary, key.end());
  return absl::StrCat(key.empty() ? "-" : key, " | ",
                      message.row().tombstone() ? "<deleted>" : message.row().value(), "\n");
}

std::string FormatPullMessage(const v1::PullQueryMessage& message) {
  if (message.has_header()) {
    return absl::StrCat("-- ", message.header().query_id(), ": ", message.header().schema(), "\n");
  }
  return absl::StrCat(message.row().json(), "\n");
}

std::string FormatQueryTable(const v1::ListQueriesResponse& queries) {
  std::vector<std::vector<std::string>> rows = {
      {"QUERY ID", "STATE", "SINK", "TASKS", "RECORDS IN", "RECORDS OUT", "ERRORS"}};
  for (const v1::QueryView& q : queries.queries()) {
    rows.push_back({q.query_id(), QueryStateName(q.state()), q.sink(), absl::StrCat(q.tasks_size()),
                    absl::StrCat(q.records_in()), absl::StrCat(q.records_out()),
                    absl::StrCat(q.processing_errors())});
  }
  return Table(rows);
}

std::string FormatQuery(const v1::QueryView& q) {
  std::string out =
      Table({{"query id", q.query_id()},
             {"state", q.state_reason().empty()
                           ? QueryStateName(q.state())
                           : absl::StrCat(QueryStateName(q.state()), " (", q.state_reason(), ")")},
             {"sink", q.sink()},
             {"sql", q.sql()},
             {"records in", absl::StrCat(q.records_in())},
             {"records out", absl::StrCat(q.records_out())},
             {"processing errors", absl::StrCat(q.processing_errors())},
             {"cpu", absl::StrFormat("%.3fs", q.cpu_seconds())},
             {"records in/s", absl::StrFormat("%.1f", q.records_in_per_second())}});
  std::vector<std::vector<std::string>> rows = {{"STAGE", "PARTITION", "EXECUTOR", "STATE", "IN",
                                                 "OUT", "ERRORS", "LAG", "CPU", "IN/S", "RESTORED",
                                                 "GUARANTEE", "STANDBYS (LAG)"}};
  for (const v1::TaskView& t : q.tasks()) {
    std::vector<std::string> standbys;
    for (const v1::StandbyView& s : t.standbys()) {
      standbys.push_back(
          absl::StrCat(s.executor_id(), " (", s.lag() < 0 ? "?" : absl::StrCat(s.lag()), ")"));
    }
    rows.push_back({absl::StrCat(t.task().stage()), absl::StrCat(t.task().partition()),
                    t.executor_id().empty() ? "-" : t.executor_id(), TaskStateName(t.state()),
                    absl::StrCat(t.records_in()), absl::StrCat(t.records_out()),
                    absl::StrCat(t.processing_errors()), absl::StrCat(t.lag()),
                    absl::StrFormat("%.3fs", t.cpu_seconds()),
                    absl::StrFormat("%.1f", t.records_in_per_second()), RestoreProgress(t),
                    t.processing_guarantee().empty() ? "-" : t.processing_guarantee(),
                    standbys.empty() ? "-" : absl::StrJoin(standbys, ", ")});
  }
  absl::StrAppend(&out, "\n", Table(rows));
  return out;
}

}  // namespace skein::cli
