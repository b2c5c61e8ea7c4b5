#pragma once

// Private: the coordinator's query control plane — per-tenant catalogs and compilers, topic
// creation, persistent queries cut into tasks, and the assignment of tasks to executors.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cpu_meter.h"
#include "executor_control_service.h"
#include "placement.h"
#include "skein/common/kafka_admin.h"
#include "skein/compiler/compiler.h"
#include "skein/coordinator/membership.h"
#include "skein/sql/ast.h"
#include "skein/tenant/quota.h"
#include "skein/v1/admin.pb.h"

namespace grpc {
class Channel;
}  // namespace grpc

namespace skein::coordinator {

// Owned by the CoordinatorServer. Thread-safe: statements are serialized (one at a time for
// the whole coordinator, since each may create topics); status reports, session openings and
// rebalances take the state lock briefly and never call Kafka under it.
class QueryManager final : public SessionListener {
 public:
  QueryManager(Membership* membership, ExecutorControlService* control, KafkaAdmin* kafka,
               std::string kafka_bootstrap);

  // See Admin.ExecuteStatements.
  absl::StatusOr<v1::ExecuteStatementsResponse> Execute(const std::string& tenant,
                                                        std::string_view sql);
  std::vector<v1::QueryView> List(const std::string& tenant) const;
  absl::StatusOr<v1::QueryView> Describe(const std::string& tenant, const std::string& id) const;
  absl::Status Terminate(const std::string& tenant, const std::string& id);

  // See Admin.PushQuery (push_query.cc). `write` sends one message (false: the client is
  // gone); `cancelled` is polled while waiting for rows. Blocks until LIMIT or cancellation.
  absl::Status PushQuery(const v1::PushQueryRequest& request,
                         const std::function<bool(const v1::PushQueryMessage&)>& write,
                         const std::function<bool()>& cancelled);

  // See Admin.PullQuery (pull_query.cc): writes the header and the rows; retries while the
  // table's tasks start or move, until `deadline`.
  absl::Status PullQuery(const v1::PullQueryRequest& request, absl::Time deadline,
                         const std::function<bool(const v1::PullQueryMessage&)>& write);
  // Called for every compiled statement before it takes effect (topics, tasks), with the
  // tenant's catalog as the statement left it. A non-OK status rejects the statement: the
  // catalog is restored and the status is the statement's error. Set once before serving.
  using StatementCheck =
      std::function<absl::Status(const std::string& tenant, const compiler::StatementResult& result,
                                 const compiler::Catalog& catalog)>;
  void set_statement_check(StatementCheck check) { statement_check_ = std::move(check); }

  // Called for every applied statement that changes the tenant's catalog (not SHOW, DESCRIBE,
  // EXPLAIN), in the order applied, with the query properties that applied to it alone. A
  // non-OK status fails the statement (it stays applied in memory). Set once before serving.
  using StatementLog =
      std::function<absl::Status(const std::string& tenant, std::string_view statement,
                                 const std::map<std::string, std::string>& properties)>;
  void set_statement_log(StatementLog log) { statement_log_ = std::move(log); }

  // The quota of a tenant (zeros: none); its CPU millicores and memory bytes are sent with each
  // of its task assignments and are what it reserves on each executor it runs on: rebalancing
  // places tasks within executors' capacity (FitReservations, placement.h). Set once before
  // serving; without it assignments carry no quota and placement reserves nothing.
  using QuotaLookup = std::function<tenant::Quota(const std::string& tenant)>;
  void set_quota_lookup(QuotaLookup lookup) { quota_ = std::move(lookup); }
  // Resends the assignment of every task of `tenant` to the executor holding it, so a new
  // quota reaches the executors (they skip an add of a task they run but take its quota).
  void ResendTenantAssignments(const std::string& tenant);

  // The cluster secret (platform admin token) presented to executors' TableReader and
  // RowWriter services; empty in an --insecure-single-tenant cluster. Set once before serving.
  void set_executor_secret(std::string secret) { executor_secret_ = std::move(secret); }

  // Re-applies one logged statement at start-up (before serving): compiles it, creates the
  // topics that are missing and starts its query, without logging it again or checking it.
  absl::Status Replay(const std::string& tenant, const std::string& statement,
                      const std::map<std::string, std::string>& properties);

  // What the tenant's non-terminated queries hold and their tasks reported.
  struct TenantLoad {
    uint32_t queries = 0;
    uint32_t tasks = 0;
    uint64_t records_in = 0;
    uint64_t records_out = 0;
    uint64_t bytes_in = 0;  // key and value bytes of records_in / records_out
    uint64_t bytes_out = 0;
    uint64_t processing_errors = 0;
    double cpu_seconds = 0;     // since metering began, across executor restarts (CpuMeter)
    uint64_t memory_bytes = 0;  // held now on the executors that are not DEAD (latest reports)
    uint64_t state_bytes = 0;   // of the tasks' state stores, as they last reported
  };
  TenantLoad Load(const std::string& tenant) const;
  // Terminates every query of `tenant` and forgets its catalog (DeleteTenant). Returns the ids
  // of the queries it terminated.
  std::vector<std::string> DropTenant(const std::string& tenant);

  // Recomputes the assignment over the ALIVE executors that are not draining and sends each
  // executor its changes.
  void Rebalance();

  // Planned moves off an executor, e.g. before stopping it in a rolling deploy (drain.cc). A
  // draining executor is given no tasks; each of its tasks moves with the two-phase hand-over
  // (its worker commits and closes the task, and only then does the new owner start it). The
  // mark is kept per executor id in the coordinator's memory: a restarted executor with the
  // same id stays drained until Undrain. Drain: NOT_FOUND for an unknown executor,
  // FAILED_PRECONDITION when no other ALIVE executor would be left to run tasks.
  absl::Status Drain(const std::string& executor_id);
  // NOT_FOUND for an unknown executor; undraining one that is not draining is a no-op.
  absl::Status Undrain(const std::string& executor_id);
  // Fills `view`'s drain mark and the number of tasks the coordinator has on the executor.
  void AddDrainState(v1::ExecutorView* view) const;

  // Fences the transactional ids of every executor that is not ALIVE (once per registration
  // epoch) and then rebalances, which hands its tasks to live executors. Until its fencing
  // succeeded, a dead executor keeps its tasks. Blocks on Kafka; called by the lease checker.
  void FenceDeadExecutors();

  // SessionListener.
  void OnSessionOpened(const std::string& executor_id) override;
  void OnTaskStatus(const std::string& executor_id, const v1::TaskStatusReport& report) override;

 private:
  struct Query {
    std::string tenant;
    std::string id;
    v1::PhysicalPlan plan;
    std::string plan_bytes;
    std::string sql;
    std::string sink;
    bool terminated = false;
    std::vector<v1::TaskId> tasks;
    std::optional<int> standby_replicas;  // num.standby.replicas; unset: StandbyReplicas()
    std::set<std::string> stateful;       // keys of its tasks with state stores
  };

  // Pull queries (pull_query.cc).
  struct CompiledPull {
    std::string query_id;  // the query materializing the table
    uint32_t stage = 0;    // its aggregate stage
    v1::PhysicalPlan pull_plan;
  };
  absl::StatusOr<CompiledPull> CompilePull(const std::string& tenant, sql::Query query,
                                           const std::string& text);
  // Executor address -> partitions of the table's stage it runs; UNAVAILABLE while a task is
  // not RUNNING (starting, moving), FAILED_PRECONDITION when the query ended or a task failed.
  absl::StatusOr<std::map<std::string, std::vector<uint32_t>>> PullHolders(
      const std::string& tenant, const CompiledPull& pull, std::string* table_plan);
  std::shared_ptr<grpc::Channel> ExecutorChannel(const std::string& address);
  // Adds the cluster secret to a call to an executor's own services.
  void AuthorizeExecutorCall(grpc::ClientContext* context) const;
  // INSERT INTO ... VALUES (insert_values.cc): has one ALIVE executor encode and produce the
  // compiled rows; the number Kafka acknowledged. UNAVAILABLE without an ALIVE executor.
  absl::StatusOr<uint32_t> WriteInsertedRows(const std::string& tenant,
                                             const compiler::StatementResult& rows);

  compiler::Compiler& CompilerFor(const std::string& tenant)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(exec_mu_);
  absl::StatusOr<v1::ExecuteStatementsResponse> ExecuteLocked(const std::string& tenant,
                                                              std::string_view sql)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(exec_mu_);
  // Starts the transient query of a push query: a CREATE STREAM|TABLE AS SELECT into a private
  // JSON topic, with `properties` applied to its plan only.
  absl::StatusOr<v1::StatementOutcome> StartTransient(
      const std::string& tenant, const std::string& name, const std::string& topic,
      const std::string& select_sql, const std::map<std::string, std::string>& properties);
  // Makes the topic of a just-created source exist (creating it when PARTITIONS was given)
  // and records its real partition count in the catalog.
  absl::Status PrepareSourceTopic(compiler::Compiler& compiler, const sql::CreateSource& stmt,
                                  const std::string& source_name);
  // Creates the sink topic of every stage of `plan` (query sinks and repartition topics).
  absl::Status CreateSinkTopics(const v1::PhysicalPlan& plan, std::vector<std::string>* created);
  void StartQuery(const std::string& tenant, const compiler::StatementResult& result);
  void StopQuery(const std::string& tenant, const std::string& id);
  v1::QueryView View(const Query& q) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void RebalanceLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SendFull(const std::string& executor_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Adds the assignment of task `id` (its plan and its tenant's CPU quota; a standby replica
  // of it when `standby`) to `change`.
  void AddAssignment(const v1::TaskId& id, v1::AssignmentChange* change, bool standby = false) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  // Standby replicas (query_standbys.cc).
  // Task -> the ALIVE executor (of `alive`) holding its most caught-up standby, for the tasks
  // whose assigned executor is not alive: where fail-over should put them.
  std::map<std::string, std::string> PreferredExecutors(const std::vector<std::string>& alive) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Places the standbys of every stateful task over `alive` (away from the task's target and
  // holder) and adds the standbys to start and stop to `changes`. Call after target_ and
  // holder_ are settled.
  void PlaceStandbys(const std::vector<std::string>& alive,
                     std::map<std::string, v1::AssignmentChange>* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Records the standby statuses of an executor's report (and forgets those it no longer has).
  void RecordStandbyStatuses(const std::string& executor_id, const v1::TaskStatusReport& report)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AddStandbyViews(const std::string& key, v1::TaskView* view) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  Membership* const membership_;
  ExecutorControlService* const control_;
  KafkaAdmin* const kafka_;
  const std::string kafka_bootstrap_;
  std::atomic<int64_t> push_sequence_{0};
  StatementCheck statement_check_;
  StatementLog statement_log_;
  QuotaLookup quota_;
  // Properties StartTransient set for the statement being executed (logged with it).
  std::map<std::string, std::string> transient_properties_ ABSL_GUARDED_BY(exec_mu_);
  bool replaying_ ABSL_GUARDED_BY(exec_mu_) = false;

  absl::Mutex exec_mu_;  // one statement at a time
  std::map<std::string, std::unique_ptr<compiler::Compiler>> compilers_ ABSL_GUARDED_BY(exec_mu_);

  std::string executor_secret_;
  absl::Mutex channels_mu_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_ ABSL_GUARDED_BY(channels_mu_);

  mutable absl::Mutex mu_;
  std::map<std::string, Query> queries_ ABSL_GUARDED_BY(mu_);     // by "tenant/query id"
  std::map<std::string, v1::TaskId> tasks_ ABSL_GUARDED_BY(mu_);  // live tasks by task key
  std::map<std::string, v1::TaskId> known_ ABSL_GUARDED_BY(mu_);  // every task ever started
  // Task key -> the executor it should run on (the assignor's sticky target).
  std::map<std::string, std::string> target_ ABSL_GUARDED_BY(mu_);
  // Task key -> the executor told to run it and not yet confirmed stopped.
  std::map<std::string, std::string> holder_ ABSL_GUARDED_BY(mu_);
  // Task key -> assignment version of the change stopping it on its holder.
  std::map<std::string, uint64_t> revoke_version_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::TaskStatus> statuses_ ABSL_GUARDED_BY(mu_);  // by task key
  // Task key -> the executors told to run a standby of it and not told to stop it. An entry
  // on the task's target stays until the task's add promotes it there.
  std::map<std::string, std::set<std::string>> standby_holders_ ABSL_GUARDED_BY(mu_);
  // Task key -> executor -> the latest status of its standby there.
  std::map<std::string, std::map<std::string, v1::TaskStatus>> standby_statuses_
      ABSL_GUARDED_BY(mu_);
  CpuMeter cpu_meter_ ABSL_GUARDED_BY(mu_);
  // Executor id -> tenant -> memory held, from its latest report (a gauge, replaced each time).
  std::map<std::string, std::map<std::string, uint64_t>> tenant_memory_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> versions_ ABSL_GUARDED_BY(mu_);  // per executor
  // Executor id -> the registration epoch whose transactional ids were fenced after it died.
  std::map<std::string, uint64_t> fenced_epoch_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> draining_ ABSL_GUARDED_BY(mu_);  // executor ids (Drain)
  // Task key -> why no executor has room for it (FitReservations); such tasks are not run.
  std::map<std::string, std::string> unplaced_ ABSL_GUARDED_BY(mu_);
};

}  // namespace skein::coordinator
