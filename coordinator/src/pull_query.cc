// Admin.PullQuery: a SELECT without EMIT CHANGES over a materialized table. The coordinator
// checks ksqlDB's pull-query rules, compiles the SELECT into a one-stage plan (source over the
// table -> filter -> projection -> sink) on a copy of the tenant's catalog, and fans the
// request out to the executors holding the tasks of the table's aggregate stage; each reads
// its own partitions' committed state (executor/src/table_read_service.cc) and the coordinator
// concatenates the rows.
//
// Why fan out rather than compute the key's partition here: the partition of a group is
// murmur2 of the key as the key format serializes it, and the serdes live on the executors
// (the coordinator links no executor library). Each holder instead answers point lookups
// against every partition it holds — one RocksDB Get per key per partition — which costs
// less than a network hop and needs no serde on the coordinator.

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "pull_rules.h"
#include "query_manager.h"
#include "skein/common/grpc_status.h"
#include "skein/common/status.h"
#include "skein/compiler/pull_plan.h"
#include "skein/proto/task_id.h"
#include "skein/sql/parser.h"
#include "skein/v1/pull.grpc.pb.h"

namespace skein::coordinator {
namespace {

// "USER_ID STRING KEY, WINDOWSTART BIGINT KEY, TOTAL BIGINT": the result columns the
// executors write (KEY and VALUE columns, and the window bounds as ksqlDB's pull header shows
// them).
std::string ResultSchemaText(const v1::Schema& schema) {
  std::vector<std::string> parts;
  for (int pass = 0; pass < 3; ++pass) {  // keys, window bounds, values (TableReader's order)
    for (const v1::Column& c : schema.columns()) {
      const bool window = c.name() == "WINDOWSTART" || c.name() == "WINDOWEND";
      const bool key = c.namespace_() == v1::COLUMN_NAMESPACE_KEY;
      const bool value = c.namespace_() == v1::COLUMN_NAMESPACE_VALUE && !window;
      if ((pass == 0 && key) || (pass == 1 && window) || (pass == 2 && value)) {
        parts.push_back(absl::StrCat(c.name(), " ", compiler::TypeFromProto(c.type()).ToString(),
                                     key || window ? " KEY" : ""));
      }
    }
  }
  return absl::StrJoin(parts, ", ");
}

// The stage of `plan` whose aggregate holds the table's state; nullopt for none.
std::optional<uint32_t> AggregateStage(const v1::PhysicalPlan& plan) {
  for (const v1::Stage& s : plan.stages()) {
    for (const v1::Operator& op : s.operators()) {
      if (op.has_aggregate()) return s.id();
    }
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<QueryManager::CompiledPull> QueryManager::CompilePull(const std::string& tenant,
                                                                     sql::Query query,
                                                                     const std::string& text) {
  absl::MutexLock exec(&exec_mu_);
  compiler::Compiler& compiler = CompilerFor(tenant);
  const compiler::DataSource* source = compiler.catalog().FindSource(query.from.name);
  const sql::SourcePos at = query.from.pos;
  if (source == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("line ", at.line, ":", at.column, ": ", query.from.name, " does not exist."));
  }
  if (!source->is_table) {
    return absl::UnimplementedError(absl::StrCat(
        "line ", at.line, ":", at.column, ": ", source->name,
        " is a stream: Skein serves pull queries from tables materialized by an aggregate."
        "\nAdd EMIT CHANGES if you intended to issue a push query."));
  }
  CompiledPull out;
  for (const std::string& id : compiler.catalog().QueriesWriting(source->name)) {
    const compiler::QueryInfo* info = compiler.catalog().FindQuery(id);
    if (info == nullptr || info->state != compiler::QueryState::kRunning) continue;
    if (std::optional<uint32_t> stage = AggregateStage(info->plan)) {
      out.query_id = id;
      out.stage = *stage;
      break;
    }
  }
  if (out.query_id.empty()) {
    absl::MutexLock lock(&mu_);  // after exec_mu_, as ExecuteLocked -> StartQuery
    for (const auto& [key, q] : queries_) {
      if (q.tenant == tenant && q.sink == source->name && q.terminated && AggregateStage(q.plan)) {
        return absl::FailedPreconditionError(absl::StrCat(
            "line ", at.line, ":", at.column, ": the query ", q.id, " that materialized `",
            source->name, "` was terminated: its state is no longer served"));
      }
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", at.line, ":", at.column, ": The `", source->name,
        "` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE "
        "QUERYABLE_",
        source->name, " AS SELECT ... FROM ... GROUP BY ...' (Skein materializes aggregates).",
        kPullQuerySyntaxHelp));
  }
  SKEIN_ASSIGN_OR_RETURN(out.pull_plan,
                         compiler::CompilePullPlan(compiler, std::move(query), text));
  return out;
}

absl::Status QueryManager::PullQuery(
    const v1::PullQueryRequest& request, absl::Time deadline,
    const std::function<bool(const v1::PullQueryMessage&)>& write) {
  const std::string tenant = request.tenant().empty() ? "default" : request.tenant();
  SKEIN_ASSIGN_OR_RETURN(sql::StatementPtr stmt, sql::ParseStatement(request.sql()));
  if (stmt->kind != sql::StatementKind::kSelect) {
    return absl::InvalidArgumentError("a pull query is one SELECT statement");
  }
  sql::Query& query = *stmt->As<sql::SelectStatement>().query;
  if (query.emit != sql::EmitKind::kNone) {
    return absl::InvalidArgumentError(
        "a pull query has no EMIT clause: run SELECT ... EMIT CHANGES as a push query");
  }
  SKEIN_RETURN_IF_ERROR(CheckPullQueryRules(query));
  const std::optional<int64_t> limit = query.limit;
  query.limit.reset();
  SKEIN_ASSIGN_OR_RETURN(CompiledPull pull, CompilePull(tenant, std::move(query), request.sql()));

  v1::ReadTableRequest read;
  read.set_tenant(tenant);
  read.set_query_id(pull.query_id);
  read.set_stage(pull.stage);
  read.set_limit(limit ? static_cast<uint64_t>(std::max<int64_t>(0, *limit)) : 0);
  pull.pull_plan.SerializeToString(read.mutable_pull_plan());
  const v1::Schema& result = pull.pull_plan.stages(0)
                                 .operators(pull.pull_plan.stages(0).operators_size() - 1)
                                 .sink()
                                 .schema();

  std::vector<std::string> rows;
  absl::Status last = absl::UnavailableError("no attempt");
  while (true) {
    rows.clear();
    absl::StatusOr<std::map<std::string, std::vector<uint32_t>>> holders =
        PullHolders(tenant, pull, read.mutable_table_plan());
    if (holders.ok()) {
      last = absl::OkStatus();
      for (const auto& [address, partitions] : *holders) {
        v1::ReadTableRequest part = read;
        for (uint32_t p : partitions) part.add_partitions(p);
        v1::ReadTableResponse response;
        grpc::ClientContext ctx;
        ctx.set_deadline(absl::ToChronoTime(deadline));
        AuthorizeExecutorCall(&ctx);
        last = FromGrpc(
            v1::TableReader::NewStub(ExecutorChannel(address))->ReadTable(&ctx, part, &response));
        if (!last.ok()) {
          last = Annotate(last, absl::StrCat("executor at ", address));
          break;
        }
        for (v1::PullQueryRow& r : *response.mutable_rows())
          rows.push_back(std::move(*r.mutable_json()));
      }
      if (last.ok()) break;
    } else {
      last = holders.status();
    }
    // Tasks starting or moving: retry with fresh holders until the deadline.
    if (!absl::IsUnavailable(last) || absl::Now() + absl::Milliseconds(100) >= deadline) {
      return last;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }

  v1::PullQueryMessage header;
  header.mutable_header()->set_schema(ResultSchemaText(result));
  header.mutable_header()->set_query_id(pull.query_id);
  if (!write(header)) return absl::OkStatus();
  int64_t sent = 0;
  for (std::string& r : rows) {
    if (limit && sent >= *limit) break;
    v1::PullQueryMessage m;
    m.mutable_row()->set_json(std::move(r));
    if (!write(m)) break;
    ++sent;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, std::vector<uint32_t>>> QueryManager::PullHolders(
    const std::string& tenant, const CompiledPull& pull, std::string* table_plan) {
  std::map<std::string, std::string> addresses;  // executor id -> address
  for (const v1::ExecutorView& e : membership_->List())
    addresses[e.info().id()] = e.info().address();
  absl::MutexLock lock(&mu_);
  auto q = queries_.find(tenant + "/" + pull.query_id);
  if (q == queries_.end() || q->second.terminated) {
    return absl::FailedPreconditionError(
        absl::StrCat("query ", pull.query_id, " that materializes the table is not running"));
  }
  *table_plan = q->second.plan_bytes;
  std::map<std::string, std::vector<uint32_t>> out;
  for (const v1::TaskId& id : q->second.tasks) {
    if (id.stage() != pull.stage) continue;
    const std::string key = proto::TaskKey(id);
    auto holder = holder_.find(key);
    auto status = statuses_.find(key);
    if (holder == holder_.end() || revoke_version_.count(key) || status == statuses_.end() ||
        status->second.state() != v1::TASK_STATE_RUNNING) {
      if (status != statuses_.end() && status->second.state() == v1::TASK_STATE_FAILED) {
        return absl::FailedPreconditionError(
            absl::StrCat("task ", key, " of the table's query failed: ", status->second.reason()));
      }
      return absl::UnavailableError(absl::StrCat(
          "task ", key, " of the table's query is not running yet",
          holder == holder_.end() ? " (no executor)" : absl::StrCat(" on ", holder->second)));
    }
    out[addresses[holder->second]].push_back(id.partition());
  }
  return out;
}

void QueryManager::AuthorizeExecutorCall(grpc::ClientContext* context) const {
  if (!executor_secret_.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", executor_secret_));
  }
}

std::shared_ptr<grpc::Channel> QueryManager::ExecutorChannel(const std::string& address) {
  absl::MutexLock lock(&channels_mu_);
  std::shared_ptr<grpc::Channel>& channel = channels_[address];
  if (channel == nullptr) {
    channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  }
  return channel;
}

}  // namespace skein::coordinator
