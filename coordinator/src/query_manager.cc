#include "query_manager.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "skein/common/logging.h"
#include "skein/common/status.h"
#include "skein/coordinator/assignor.h"
#include "skein/proto/state_stores.h"
#include "skein/proto/task_id.h"
#include "skein/proto/topics.h"
#include "skein/sql/parser.h"
#include "state_topics.h"

namespace skein::coordinator {
namespace {

using compiler::StatementResult;
using proto::TaskKey;

std::string QueryKey(const std::string& tenant, const std::string& id) { return tenant + "/" + id; }

std::string TenantOrDefault(const std::string& tenant) {
  return tenant.empty() ? "default" : tenant;
}

v1::StatementOutcome::Kind OutcomeKind(StatementResult::Kind kind) {
  switch (kind) {
    case StatementResult::Kind::kSourceCreated:
      return v1::StatementOutcome::KIND_SOURCE_CREATED;
    case StatementResult::Kind::kSourceDropped:
      return v1::StatementOutcome::KIND_SOURCE_DROPPED;
    case StatementResult::Kind::kQueryStarted:
      return v1::StatementOutcome::KIND_QUERY_STARTED;
    case StatementResult::Kind::kQueryTerminated:
      return v1::StatementOutcome::KIND_QUERY_TERMINATED;
    case StatementResult::Kind::kProperty:
      return v1::StatementOutcome::KIND_PROPERTY;
    case StatementResult::Kind::kRows:
      return v1::StatementOutcome::KIND_ROWS_INSERTED;
    default:
      return v1::StatementOutcome::KIND_TEXT;
  }
}

// The value of WITH property `name` as text, if the statement sets it.
std::optional<std::string> PropertyText(const std::vector<sql::Property>& props,
                                        const std::string& name) {
  for (const sql::Property& p : props) {
    if (absl::AsciiStrToUpper(p.name) != name || p.value == nullptr) continue;
    std::string text = p.value->text;
    if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
      text = text.substr(1, text.size() - 2);
    }
    return text;
  }
  return std::nullopt;
}

}  // namespace

QueryManager::QueryManager(Membership* membership, ExecutorControlService* control,
                           KafkaAdmin* kafka, std::string kafka_bootstrap)
    : membership_(membership),
      control_(control),
      kafka_(kafka),
      kafka_bootstrap_(std::move(kafka_bootstrap)) {}

compiler::Compiler& QueryManager::CompilerFor(const std::string& tenant) {
  auto& slot = compilers_[tenant];
  if (slot != nullptr) return *slot;
  slot = std::make_unique<compiler::Compiler>(tenant);
  // Every tenant sees its processing log as a stream (executors write it; see worker.cc).
  const std::string topic = proto::ProcessingLogTopic(tenant);
  absl::StatusOr<v1::ExecuteStatementsResponse> created = ExecuteLocked(
      tenant, absl::StrCat("CREATE STREAM IF NOT EXISTS KSQL_PROCESSING_LOG (QUERY_ID STRING, "
                           "KIND STRING, REASON STRING, TOPIC STRING, SOURCE_PARTITION INT, "
                           "SOURCE_OFFSET BIGINT, LOGGED_AT BIGINT) WITH (KAFKA_TOPIC='",
                           topic, "', VALUE_FORMAT='JSON', PARTITIONS=1);"));
  if (!created.ok()) {
    Logger("coordinator")
        ->warn("tenant={}: processing log stream: {}", tenant, created.status().ToString());
  }
  return *slot;
}

absl::StatusOr<v1::ExecuteStatementsResponse> QueryManager::Execute(const std::string& tenant_in,
                                                                    std::string_view sql) {
  absl::MutexLock exec(&exec_mu_);
  return ExecuteLocked(TenantOrDefault(tenant_in), sql);
}

absl::StatusOr<v1::ExecuteStatementsResponse> QueryManager::ExecuteLocked(const std::string& tenant,
                                                                          std::string_view sql) {
  compiler::Compiler& compiler = CompilerFor(tenant);
  SKEIN_ASSIGN_OR_RETURN(std::vector<sql::ParsedStatement> parsed, sql::ParseStatements(sql));
  if (parsed.empty()) return absl::InvalidArgumentError("no statement to execute");
  v1::ExecuteStatementsResponse response;
  for (size_t i = 0; i < parsed.size(); ++i) {
    const sql::ParsedStatement& p = parsed[i];
    auto fail = [&](const absl::Status& s) {
      return parsed.size() == 1
                 ? s
                 : Annotate(s, absl::StrCat("statement ", i + 1, " of ", parsed.size(), " (", i,
                                            " applied before it)"));
    };
    compiler::Catalog before = compiler.catalog();
    if (p.statement->kind == sql::StatementKind::kSetProperty) {
      const auto& set = p.statement->As<sql::SetProperty>();
      if (absl::Status s = CheckProcessingGuarantee(set.name, set.value); !s.ok()) return fail(s);
      if (absl::Status s = CheckNumStandbyReplicas(set.name, set.value); !s.ok()) return fail(s);
    }
    absl::StatusOr<StatementResult> r = compiler.Execute(*p.statement, p.text);
    if (!r.ok()) return fail(r.status());
    if (statement_check_ && !replaying_) {
      if (absl::Status s = statement_check_(tenant, *r, compiler.catalog()); !s.ok()) {
        compiler.mutable_catalog() = std::move(before);
        return fail(s);
      }
    }
    v1::StatementOutcome* out = response.add_results();
    out->set_statement_text(p.text);
    out->set_kind(OutcomeKind(r->kind));
    out->set_source_name(r->source_name);
    out->set_query_id(r->query_id);
    out->set_schema(r->schema_text);
    out->set_text(r->text);
    switch (r->kind) {
      case StatementResult::Kind::kSourceCreated:
        if (absl::Status s =
                PrepareSourceTopic(compiler, p.statement->As<sql::CreateSource>(), r->source_name);
            !s.ok()) {
          return fail(s);
        }
        break;
      case StatementResult::Kind::kQueryStarted: {
        std::vector<std::string> created;
        if (absl::Status s = CreateSinkTopics(*r->plan, &created); !s.ok()) return fail(s);
        if (absl::Status s = CreateChangelogTopics(kafka_, tenant, *r->plan, &created); !s.ok()) {
          return fail(s);
        }
        for (std::string& t : created) out->add_topics_created(std::move(t));
        StartQuery(tenant, *r);
        break;
      }
      case StatementResult::Kind::kQueryTerminated:
        for (const std::string& id : r->terminated_queries) StopQuery(tenant, id);
        break;
      case StatementResult::Kind::kRows: {
        absl::StatusOr<uint32_t> written = WriteInsertedRows(tenant, *r);
        if (!written.ok()) return fail(written.status());
        out->set_rows_inserted(*written);
        break;
      }
      case StatementResult::Kind::kSourceDropped:
        if (r->delete_topic) {
          // The compiler only reports the topic through the dropped source's name; ksqlDB
          // names the topic in DROP ... DELETE TOPIC results the same way.
          Logger("coordinator")
              ->info("tenant={} dropped {} (topic deletion requested)", tenant, r->source_name);
        }
        break;
      default:
        break;
    }
    // Rows are data, not catalog: replaying them at a restart would insert them again.
    if (statement_log_ && !replaying_ && r->kind != StatementResult::Kind::kText &&
        r->kind != StatementResult::Kind::kRows) {
      if (absl::Status s = statement_log_(tenant, p.text, transient_properties_); !s.ok()) {
        return fail(Annotate(s, "applied, but not recorded in the metadata log"));
      }
    }
  }
  return response;
}

absl::Status QueryManager::Replay(const std::string& tenant, const std::string& statement,
                                  const std::map<std::string, std::string>& properties) {
  absl::MutexLock exec(&exec_mu_);
  replaying_ = true;
  compiler::Compiler& compiler = CompilerFor(tenant);
  std::map<std::string, std::string> saved = compiler.catalog().properties();
  for (const auto& [k, v] : properties) compiler.mutable_catalog().SetProperty(k, v);
  absl::StatusOr<v1::ExecuteStatementsResponse> r = ExecuteLocked(tenant, statement);
  for (const auto& [k, v] : properties) compiler.mutable_catalog().UnsetProperty(k);
  for (const auto& [k, v] : saved) compiler.mutable_catalog().SetProperty(k, v);
  replaying_ = false;
  return r.status();
}

absl::Status QueryManager::PrepareSourceTopic(compiler::Compiler& compiler,
                                              const sql::CreateSource& stmt,
                                              const std::string& source_name) {
  const compiler::DataSource* src = compiler.catalog().FindSource(source_name);
  if (src == nullptr) return absl::OkStatus();
  SKEIN_ASSIGN_OR_RETURN(std::optional<int32_t> partitions, kafka_->Partitions(src->topic));
  compiler::DataSource updated = *src;
  if (!partitions) {
    std::optional<std::string> wanted = PropertyText(stmt.properties, "PARTITIONS");
    if (!wanted) {
      compiler.mutable_catalog().RemoveSource(source_name);
      return absl::InvalidArgumentError(absl::StrCat(
          "Topic '", src->topic, "' does not exist. If you want to create a new topic for the ",
          stmt.is_table ? "table" : "stream",
          " please re-run the statement providing the required 'PARTITIONS' configuration in "
          "the WITH clause (and optionally 'REPLICAS')."));
    }
    int32_t replicas = -1;
    if (auto r = PropertyText(stmt.properties, "REPLICAS")) replicas = std::stoi(*r);
    SKEIN_RETURN_IF_ERROR(kafka_->EnsureTopic(src->topic, updated.partitions, replicas));
    return absl::OkStatus();
  }
  if (updated.partitions != *partitions) {
    updated.partitions = *partitions;
    compiler.mutable_catalog().PutSource(std::move(updated));
  }
  return absl::OkStatus();
}

absl::Status QueryManager::CreateSinkTopics(const v1::PhysicalPlan& plan,
                                            std::vector<std::string>* created) {
  for (const v1::Stage& stage : plan.stages()) {
    if (stage.operators_size() == 0 || !stage.operators(stage.operators_size() - 1).has_sink()) {
      continue;
    }
    const v1::Topic& t = stage.operators(stage.operators_size() - 1).sink().topic();
    SKEIN_ASSIGN_OR_RETURN(std::optional<int32_t> existing, kafka_->Partitions(t.name()));
    if (existing) continue;
    SKEIN_RETURN_IF_ERROR(kafka_->EnsureTopic(
        t.name(), std::max<int32_t>(1, static_cast<int32_t>(t.partitions())), -1));
    created->push_back(t.name());
  }
  return absl::OkStatus();
}

void QueryManager::StartQuery(const std::string& tenant, const StatementResult& result) {
  Query q;
  q.tenant = tenant;
  q.id = result.query_id;
  q.plan = *result.plan;
  q.plan.set_tenant(tenant);
  q.plan.SerializeToString(&q.plan_bytes);
  q.sql = q.plan.statement_text();
  q.sink = result.source_name;
  q.standby_replicas = NumStandbyReplicas(q.plan);
  for (const v1::Stage& stage : q.plan.stages()) {
    if (stage.operators_size() == 0 || !stage.operators(0).has_source()) continue;
    const uint32_t partitions =
        std::max<uint32_t>(1, stage.operators(0).source().topic().partitions());
    for (uint32_t p = 0; p < partitions; ++p) {
      v1::TaskId id;
      id.set_tenant(tenant);
      id.set_query_id(q.id);
      id.set_stage(stage.id());
      id.set_partition(p);
      if (!proto::StageStateStores(stage).empty()) q.stateful.insert(TaskKey(id));
      q.tasks.push_back(id);
    }
  }
  Logger("coordinator")->info("tenant={} query {} started: {} tasks", tenant, q.id, q.tasks.size());
  absl::MutexLock lock(&mu_);
  for (const v1::TaskId& id : q.tasks) tasks_[TaskKey(id)] = known_[TaskKey(id)] = id;
  queries_[QueryKey(tenant, q.id)] = std::move(q);
  RebalanceLocked();
}

void QueryManager::StopQuery(const std::string& tenant, const std::string& id) {
  absl::MutexLock lock(&mu_);
  auto it = queries_.find(QueryKey(tenant, id));
  if (it == queries_.end() || it->second.terminated) return;
  it->second.terminated = true;
  for (const v1::TaskId& t : it->second.tasks) tasks_.erase(TaskKey(t));
  Logger("coordinator")->info("tenant={} query {} terminated", tenant, id);
  RebalanceLocked();
}

absl::Status QueryManager::Terminate(const std::string& tenant_in, const std::string& id) {
  const std::string tenant = TenantOrDefault(tenant_in);
  // Through the compiler, so the catalog knows the query ended (as TERMINATE does).
  absl::StatusOr<v1::ExecuteStatementsResponse> r = Execute(tenant, "TERMINATE " + id + ";");
  return r.status();
}

void QueryManager::Rebalance() {
  absl::MutexLock lock(&mu_);
  RebalanceLocked();
}

void QueryManager::FenceDeadExecutors() {
  struct Dead {
    std::string id;
    uint64_t epoch;
    uint32_t workers;
  };
  std::vector<Dead> todo;
  {
    absl::MutexLock lock(&mu_);
    for (const v1::ExecutorView& e : membership_->List()) {
      const std::string& id = e.info().id();
      if (e.state() == v1::EXECUTOR_STATE_ALIVE) continue;
      if (auto f = fenced_epoch_.find(id); f != fenced_epoch_.end() && f->second == e.epoch()) {
        continue;
      }
      todo.push_back({id, e.epoch(), e.info().workers()});
    }
  }
  if (todo.empty()) return;
  bool fenced = false;
  for (const Dead& d : todo) {
    // Kafka is called without the state lock; the tasks stay with their holder meanwhile.
    absl::Status s =
        FenceExecutorTransactions(kafka_bootstrap_, d.id, d.workers, absl::Seconds(10));
    if (!s.ok()) {
      Logger("coordinator")
          ->warn("executor={}: cannot fence its transactions yet, its tasks wait: {}", d.id,
                 s.ToString());
      continue;
    }
    absl::MutexLock lock(&mu_);
    fenced_epoch_[d.id] = d.epoch;
    fenced = true;
  }
  if (fenced) Rebalance();
}

void QueryManager::RebalanceLocked() {
  std::vector<std::string> executors;
  std::map<std::string, Capacity> capacity;
  std::set<std::string> released_executors;  // not ALIVE and fenced: they hold nothing
  for (const v1::ExecutorView& e : membership_->List()) {
    if (e.state() == v1::EXECUTOR_STATE_ALIVE) {
      if (draining_.count(e.info().id())) continue;
      executors.push_back(e.info().id());
      capacity[e.info().id()] = Capacity{static_cast<int64_t>(e.info().cores()) * 1000,
                                         static_cast<int64_t>(e.info().memory_bytes())};
    } else if (auto f = fenced_epoch_.find(e.info().id());
               f != fenced_epoch_.end() && f->second == e.epoch()) {
      released_executors.insert(e.info().id());
    }
  }
  // A DEAD executor's tasks are released only once its transactional ids are fenced
  // (FenceDeadExecutors), so a zombie can never commit output for a task that moved.
  for (auto it = holder_.begin(); it != holder_.end();) {
    if (released_executors.count(it->second)) {
      revoke_version_.erase(it->first);
      statuses_.erase(it->first);
      it = holder_.erase(it);
    } else {
      ++it;
    }
  }
  std::vector<std::string> task_keys;
  for (const auto& [key, id] : tasks_) task_keys.push_back(key);
  target_ = AssignTasks(task_keys, executors, target_, PreferredExecutors(executors));
  unplaced_.clear();
  if (quota_) {
    Placement placed = FitReservations(
        target_, [this](const std::string& key) { return tasks_.at(key).tenant(); }, capacity,
        [this](const std::string& tenant) {
          const tenant::Quota quota = quota_(tenant);
          return Reservation{quota.cpu_millicores, quota.memory_bytes};
        });
    target_ = std::move(placed.target);
    unplaced_ = std::move(placed.unplaced);
  }

  // Two-phase hand-over: a task moves only after its holder confirmed it stopped (see
  // OnTaskStatus), so two executors never run it at once.
  std::map<std::string, v1::AssignmentChange> changes;
  std::map<std::string, std::vector<std::string>> revoked;  // executor -> keys revoked now
  for (const auto& [key, executor] : holder_) {
    auto it = target_.find(key);
    if ((it == target_.end() || it->second != executor) && !revoke_version_.count(key)) {
      *changes[executor].add_remove() = known_.at(key);
      revoked[executor].push_back(key);
    }
  }
  for (const auto& [key, executor] : target_) {
    if (holder_.count(key)) continue;
    const v1::TaskId& id = tasks_.at(key);
    AddAssignment(id, &changes[executor]);
    holder_[key] = executor;
    // A standby there is promoted by this add: the task starts on its local state.
    if (auto s = standby_holders_.find(key); s != standby_holders_.end()) {
      s->second.erase(executor);
      standby_statuses_[key].erase(executor);
    }
  }
  PlaceStandbys(executors, &changes);
  for (auto& [executor, change] : changes) {
    change.set_version(++versions_[executor]);
    for (const std::string& key : revoked[executor]) revoke_version_[key] = change.version();
    v1::CoordinatorMessage m;
    *m.mutable_assignment() = std::move(change);
    // No session yet: the executor gets its full assignment when one opens.
    control_->Send(executor, std::move(m)).IgnoreError();
  }
}

void QueryManager::SendFull(const std::string& executor_id) {
  v1::AssignmentChange change;
  change.set_full(true);
  std::vector<std::string> revoking;
  for (const auto& [key, executor] : holder_) {
    if (executor != executor_id) continue;
    if (revoke_version_.count(key)) {
      revoking.push_back(key);  // left out: a full assignment stops it
      continue;
    }
    AddAssignment(known_.at(key), &change);
  }
  for (const auto& [key, holders] : standby_holders_) {
    if (holders.count(executor_id)) AddAssignment(known_.at(key), &change, /*standby=*/true);
  }
  change.set_version(++versions_[executor_id]);
  for (const std::string& key : revoking) revoke_version_[key] = change.version();
  v1::CoordinatorMessage m;
  *m.mutable_assignment() = std::move(change);
  control_->Send(executor_id, std::move(m)).IgnoreError();
}

void QueryManager::AddAssignment(const v1::TaskId& id, v1::AssignmentChange* change,
                                 bool standby) const {
  v1::TaskAssignment* a = change->add_add();
  *a->mutable_task() = id;
  a->set_standby(standby);
  a->set_plan(queries_.at(QueryKey(id.tenant(), id.query_id())).plan_bytes);
  if (quota_) {
    const tenant::Quota quota = quota_(id.tenant());
    a->set_tenant_cpu_millicores(quota.cpu_millicores);
    a->set_tenant_memory_bytes(quota.memory_bytes);
  }
}

void QueryManager::ResendTenantAssignments(const std::string& tenant) {
  absl::MutexLock lock(&mu_);
  std::map<std::string, v1::AssignmentChange> changes;
  for (const auto& [key, executor] : holder_) {
    auto task = tasks_.find(key);
    // A task being stopped is left alone: its stop must not be undone.
    if (task == tasks_.end() || task->second.tenant() != tenant || revoke_version_.count(key)) {
      continue;
    }
    AddAssignment(task->second, &changes[executor]);
  }
  for (auto& [executor, change] : changes) {
    change.set_version(++versions_[executor]);
    v1::CoordinatorMessage m;
    *m.mutable_assignment() = std::move(change);
    // No session: the executor gets its full assignment, with the new quota, when one opens.
    control_->Send(executor, std::move(m)).IgnoreError();
  }
}

void QueryManager::OnSessionOpened(const std::string& executor_id) {
  absl::MutexLock lock(&mu_);
  RebalanceLocked();
  SendFull(executor_id);
}

void QueryManager::OnTaskStatus(const std::string& executor_id,
                                const v1::TaskStatusReport& report) {
  absl::MutexLock lock(&mu_);
  cpu_meter_.Report(executor_id, report.tenant_cpu_seconds());
  RecordStandbyStatuses(executor_id, report);
  tenant_memory_[executor_id] = {report.tenant_memory_bytes().begin(),
                                 report.tenant_memory_bytes().end()};
  std::set<std::string> reported;
  for (const v1::TaskStatus& s : report.tasks()) {
    if (s.standby()) continue;  // a standby never holds the task itself
    const std::string key = TaskKey(s.task());
    reported.insert(key);
    auto it = holder_.find(key);
    if (it == holder_.end() || it->second != executor_id) continue;  // stale report
    statuses_[key] = s;
  }
  bool released = false;
  for (auto it = revoke_version_.begin(); it != revoke_version_.end();) {
    auto h = holder_.find(it->first);
    if (h != holder_.end() && h->second == executor_id &&
        report.applied_assignment_version() >= it->second && !reported.count(it->first)) {
      statuses_.erase(it->first);
      holder_.erase(h);
      it = revoke_version_.erase(it);
      released = true;
    } else {
      ++it;
    }
  }
  if (released) RebalanceLocked();  // hand the released tasks to their new owners
}

v1::QueryView QueryManager::View(const Query& q) const {
  v1::QueryView v;
  v.set_tenant(q.tenant);
  v.set_query_id(q.id);
  v.set_sql(q.sql);
  v.set_sink(q.sink);
  bool all_running = !q.tasks.empty();
  std::string error, unplaced;
  for (const v1::TaskId& id : q.tasks) {
    const std::string key = TaskKey(id);
    v1::TaskView* t = v.add_tasks();
    *t->mutable_task() = id;
    if (auto a = holder_.find(key); a != holder_.end()) t->set_executor_id(a->second);
    if (auto u = unplaced_.find(key); u != unplaced_.end()) {
      t->set_reason(u->second);
      if (unplaced.empty()) unplaced = u->second;
    }
    if (auto s = statuses_.find(key); s != statuses_.end()) {
      t->set_state(s->second.state());
      t->set_reason(s->second.reason());
      t->set_records_in(s->second.records_in());
      t->set_records_out(s->second.records_out());
      t->set_processing_errors(s->second.processing_errors());
      t->set_lag(s->second.lag());
      t->set_restored_records(s->second.restored_records());
      t->set_restored_bytes(s->second.restored_bytes());
      t->set_restore_done(s->second.restore_done());
      t->set_restore_remaining_records(s->second.restore_remaining_records());
      t->set_restore_eta_seconds(s->second.restore_eta_seconds());
      t->set_processing_guarantee(s->second.processing_guarantee());
      t->set_cpu_seconds(static_cast<double>(s->second.cpu_nanos()) / 1e9);
      t->set_records_in_per_second(s->second.records_in_per_second());
    }
    AddStandbyViews(key, t);
    v.set_cpu_seconds(v.cpu_seconds() + t->cpu_seconds());
    v.set_records_in_per_second(v.records_in_per_second() + t->records_in_per_second());
    v.set_records_in(v.records_in() + t->records_in());
    v.set_records_out(v.records_out() + t->records_out());
    v.set_processing_errors(v.processing_errors() + t->processing_errors());
    if (t->state() != v1::TASK_STATE_RUNNING) all_running = false;
    if (t->state() == v1::TASK_STATE_FAILED && error.empty()) {
      error = absl::StrCat("task ", key, ": ", t->reason());
    }
  }
  if (q.terminated) {
    v.set_state(v1::QUERY_STATE_TERMINATED);
    v.set_state_reason("terminated by TERMINATE");
  } else if (!error.empty()) {
    v.set_state(v1::QUERY_STATE_ERROR);
    v.set_state_reason(error);
  } else if (all_running) {
    v.set_state(v1::QUERY_STATE_RUNNING);
  } else {
    v.set_state(v1::QUERY_STATE_PENDING);
    v.set_state_reason(!unplaced.empty() ? unplaced
                       : target_.empty() ? "no ALIVE executor to run its tasks"
                                         : "tasks starting or moving");
  }
  return v;
}

std::vector<v1::QueryView> QueryManager::List(const std::string& tenant_in) const {
  const std::string tenant = TenantOrDefault(tenant_in);
  absl::MutexLock lock(&mu_);
  std::vector<v1::QueryView> out;
  for (const auto& [key, q] : queries_) {
    if (q.tenant == tenant) out.push_back(View(q));
  }
  return out;
}

QueryManager::TenantLoad QueryManager::Load(const std::string& tenant) const {
  TenantLoad load;
  absl::MutexLock lock(&mu_);
  load.cpu_seconds = cpu_meter_.TotalSeconds(tenant);
  for (const v1::ExecutorView& e : membership_->List()) {
    if (e.state() == v1::EXECUTOR_STATE_DEAD) continue;
    auto executor = tenant_memory_.find(e.info().id());
    if (executor == tenant_memory_.end()) continue;
    if (auto m = executor->second.find(tenant); m != executor->second.end()) {
      load.memory_bytes += m->second;
    }
  }
  for (const auto& [key, q] : queries_) {
    if (q.tenant != tenant || q.terminated) continue;
    ++load.queries;
    load.tasks += static_cast<uint32_t>(q.tasks.size());
    for (const v1::TaskId& id : q.tasks) {
      auto s = statuses_.find(TaskKey(id));
      if (s == statuses_.end()) continue;
      load.records_in += s->second.records_in();
      load.records_out += s->second.records_out();
      load.bytes_in += s->second.bytes_in();
      load.bytes_out += s->second.bytes_out();
      load.processing_errors += s->second.processing_errors();
      load.state_bytes += s->second.state_bytes();
    }
  }
  return load;
}

std::vector<std::string> QueryManager::DropTenant(const std::string& tenant) {
  absl::MutexLock exec(&exec_mu_);
  std::vector<std::string> live;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [key, q] : queries_) {
      if (q.tenant == tenant && !q.terminated) live.push_back(q.id);
    }
  }
  for (const std::string& id : live) StopQuery(tenant, id);
  compilers_.erase(tenant);
  // Its tasks are being revoked (keyed in known_), so the queries themselves can go: a tenant
  // created again under this name starts empty.
  absl::MutexLock lock(&mu_);
  std::erase_if(queries_, [&](const auto& entry) { return entry.second.tenant == tenant; });
  return live;
}

absl::StatusOr<v1::QueryView> QueryManager::Describe(const std::string& tenant_in,
                                                     const std::string& id) const {
  const std::string tenant = TenantOrDefault(tenant_in);
  absl::MutexLock lock(&mu_);
  auto it = queries_.find(QueryKey(tenant, id));
  if (it == queries_.end()) {
    return absl::NotFoundError(absl::StrCat("query ", id, " does not exist"));
  }
  return View(it->second);
}

}  // namespace skein::coordinator
