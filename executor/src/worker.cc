#include "worker.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "skein/common/kafka.h"
#include "skein/common/logging.h"
#include "skein/common/status.h"
#include "skein/proto/plan_bytes.h"
#include "skein/proto/state_stores.h"
#include "skein/proto/topics.h"
#include "task_metrics.h"

namespace skein::executor {
namespace {

constexpr int kMaxBatch = 500;
constexpr absl::Duration kMaxIdleSleep = absl::Milliseconds(20);
// How often a worker charges the ledger with librdkafka threads' CPU (a clock read per thread).
constexpr absl::Duration kKafkaChargeInterval = absl::Milliseconds(5);

// A librdkafka configuration from key/value pairs; INVALID_ARGUMENT naming a bad setting.
absl::StatusOr<rd_kafka_conf_t*> MakeConf(
    const std::vector<std::pair<std::string, std::string>>& settings) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [k, v] : settings) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return absl::InvalidArgumentError(absl::StrCat("kafka config ", k, "=", v, ": ", err));
    }
  }
  return conf;
}

// The topics a stage reads: the source operators of its chains (a join stage has two).
std::vector<std::string> SourceTopics(const v1::Stage& stage) {
  std::vector<std::string> topics;
  for (const auto* chain : {&stage.operators(), &stage.right_operators()}) {
    for (const v1::Operator& op : *chain) {
      if (op.has_source() &&
          std::find(topics.begin(), topics.end(), op.source().topic().name()) == topics.end()) {
        topics.push_back(op.source().topic().name());
      }
    }
  }
  return topics;
}

}  // namespace

struct Worker::Task {
  v1::TaskId id;
  std::string key;
  std::string tenant;  // TenantOfTask: whose CPU and memory quotas the task runs under
  std::string kafka_bootstrap;
  v1::TaskAssignment assignment;  // kept to restart the task in place
  v1::PhysicalPlan plan;
  bool exactly_once = false;
  TaskProducer* producer = nullptr;             // the worker's producer for the task's guarantee
  std::unique_ptr<ChangelogWriter> changelog;   // outlives `stage`, which writes to it
  state::TenantStateDb* state_db = nullptr;     // the tenant's, when the task has stores
  std::vector<state::StoreId> store_ids;        // for metering their size
  std::unique_ptr<ChangelogRestorer> restorer;  // while restoring
  uint64_t restored_records = 0;
  uint64_t restored_bytes = 0;
  uint64_t restore_remaining_records = 0;  // while restoring
  absl::Duration restore_eta;
  std::unique_ptr<TenantProcessingLog> log;  // outlives `stage`, which writes to it
  std::unique_ptr<runtime::StageTask> stage;
  rd_kafka_t* consumer = nullptr;
  rd_kafka_queue_t* queue = nullptr;
  // Next offset to consume per input topic (the task's partition), and what was committed.
  std::map<std::string, int64_t> next_offsets;
  std::map<std::string, int64_t> committed;
  v1::TaskStatus status;
  bool failed = false;
  // Input partitions are assigned once the committed offsets could be read (the group
  // coordinator may still be loading on a fresh cluster); until then the task is STARTING.
  std::vector<std::string> topics;
  bool assigned = false;
  bool from_earliest = false;  // auto.offset.reset when no offset was committed
  absl::Time next_assign_attempt = absl::InfinitePast();
  uint64_t cpu_nanos = 0;      // thread CPU time of the task's slices (task_metrics.h)
  int64_t memory_charged = 0;  // what the task holds, as charged to TenantMemory
  RateMeter input_rate;
};

Worker::Worker(int index, WorkerContext context)
    : index_(index),
      executor_id_(std::move(context.executor_id)),
      commit_interval_(context.commit_interval),
      states_(context.states),
      log_(context.log),
      resync_(context.resync),
      cpu_ledger_(context.cpu_ledger),
      kafka_thread_cpu_(context.kafka_thread_cpu),
      standby_here_(std::move(context.standby_here)),
      memory_(context.memory) {
  thread_ = std::thread([this] { Run(); });
}

Worker::~Worker() { Stop(); }

void Worker::Add(std::string kafka_bootstrap, v1::TaskAssignment assignment) {
  absl::MutexLock lock(&mu_);
  if (const std::string key = TaskKey(assignment.task()); !statuses_.count(key)) {
    v1::TaskStatus& s = statuses_[key];
    *s.mutable_task() = assignment.task();
    s.set_state(v1::TASK_STATE_STARTING);
  }
  Command c;
  c.add = true;
  c.kafka_bootstrap = std::move(kafka_bootstrap);
  c.assignment = std::move(assignment);
  commands_.push_back(std::move(c));
  commands_deferred_ = false;
}

void Worker::Connect(std::string kafka_bootstrap) {
  absl::MutexLock lock(&mu_);
  Command c;
  c.connect = true;
  c.kafka_bootstrap = std::move(kafka_bootstrap);
  commands_.push_back(std::move(c));
  commands_deferred_ = false;
}

void Worker::Remove(const v1::TaskId& id) {
  absl::MutexLock lock(&mu_);
  Command c;
  c.remove = id;
  commands_.push_back(std::move(c));
  commands_deferred_ = false;
}

bool Worker::Has(const std::string& key) const {
  absl::MutexLock lock(&mu_);
  return statuses_.count(key) > 0;
}

std::vector<v1::TaskStatus> Worker::Statuses() const {
  absl::MutexLock lock(&mu_);
  std::vector<v1::TaskStatus> out;
  for (const auto& [key, s] : statuses_) out.push_back(s);
  return out;
}

size_t Worker::task_count() const {
  absl::MutexLock lock(&mu_);
  return statuses_.size();
}

void Worker::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void Worker::Run() {
  absl::Time last_commit = absl::Now();
  absl::Duration idle_sleep = absl::Milliseconds(1);
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
    }
    ApplyCommands();
    FailDoomedTasks();
    bool busy = false;
    const Round round = PollTasks(absl::ZeroDuration(), &busy);
    if (producer_ != nullptr) producer_->Poll();
    if (txn_producer_ != nullptr) txn_producer_->Poll();
    if (commit_early_ || absl::Now() - last_commit >= commit_interval_) {
      commit_early_ = false;
      Commit();
      memory_->SampleState();
      PublishStatuses();
      last_commit = absl::Now();
    }
    if (busy) {
      idle_sleep = absl::Milliseconds(1);
    } else if (round.order.empty() && round.throttled > 0) {
      // Every task's tenant is over its CPU quota: nothing to do until the first may run
      // again (or the next commit is due).
      SleepUntil(std::min(round.wake_at, last_commit + commit_interval_));
    } else {
      SleepUntil(std::min(absl::Now() + idle_sleep, round.wake_at));
      idle_sleep = std::min(idle_sleep * 2, kMaxIdleSleep);
    }
  }
  Commit();
  for (auto& t : tasks_) CloseTask(t.get());
  tasks_.clear();
  producer_.reset();
  txn_producer_.reset();
}

void Worker::SleepUntil(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto wake = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return stopping_ || (!commands_.empty() && !commands_deferred_);
  };
  mu_.AwaitWithDeadline(absl::Condition(&wake), deadline);
}

void Worker::ApplyCommands() {
  std::vector<Command> commands;
  {
    absl::MutexLock lock(&mu_);
    commands.swap(commands_);
  }
  for (size_t i = 0; i < commands.size(); ++i) {
    Command& c = commands[i];
    if (c.add && standby_here_ && standby_here_(TaskKey(c.assignment.task()))) {
      // The task's standby here is being stopped: the task starts on its stores once they are
      // released. This and the later commands wait, in order, for a later round.
      absl::MutexLock lock(&mu_);
      commands_.insert(commands_.begin(), std::make_move_iterator(commands.begin() + i),
                       std::make_move_iterator(commands.end()));
      commands_deferred_ = true;
      commands.resize(i);
      break;
    }
    if (c.connect) {
      absl::StatusOr<TaskProducer*> p = ProducerFor(/*exactly_once=*/true, c.kafka_bootstrap);
      if (!p.ok()) {
        Logger("executor")
            ->warn("executor={} worker={}: transactional producer: {}", executor_id_, index_,
                   p.status().ToString());
      }
      continue;
    }
    if (c.add) {
      const std::string key = TaskKey(c.assignment.task());
      if (std::any_of(tasks_.begin(), tasks_.end(), [&](const auto& t) { return t->key == key; })) {
        continue;  // already running (a full assignment repeats running tasks)
      }
      auto task = std::make_unique<Task>();
      task->id = c.assignment.task();
      task->key = key;
      task->tenant = TenantOfTask(task->id);
      task->kafka_bootstrap = c.kafka_bootstrap;
      task->assignment = c.assignment;
      *task->status.mutable_task() = task->id;
      absl::Status started = StartTask(c.kafka_bootstrap, c.assignment, task.get());
      if (!started.ok()) {
        Fail(task.get(), started);
      } else {
        Logger("executor")
            ->info("executor={} worker={} started task {} ({})", executor_id_, index_, key,
                   task->status.processing_guarantee());
      }
      {
        // A removal processed before this add erased the task's status.
        absl::MutexLock lock(&mu_);
        statuses_[key] = task->status;
      }
      tasks_.push_back(std::move(task));
    } else {
      const std::string key = TaskKey(c.remove);
      // Commit first: a fenced commit gives tasks up, which would invalidate `it`.
      if (std::any_of(tasks_.begin(), tasks_.end(), [&](const auto& t) { return t->key == key; })) {
        Commit();
      }
      auto it =
          std::find_if(tasks_.begin(), tasks_.end(), [&](const auto& t) { return t->key == key; });
      if (it != tasks_.end()) {
        CloseTask(it->get());
        tasks_.erase(it);
        Logger("executor")
            ->info("executor={} worker={} stopped task {}", executor_id_, index_, key);
      }
      absl::MutexLock lock(&mu_);
      statuses_.erase(key);
    }
  }
  if (!commands.empty()) PublishStatuses();
}

absl::StatusOr<TaskProducer*> Worker::ProducerFor(bool exactly_once,
                                                  const std::string& kafka_bootstrap) {
  std::unique_ptr<TaskProducer>& p = exactly_once ? txn_producer_ : producer_;
  if (p == nullptr) {
    SKEIN_ASSIGN_OR_RETURN(
        p, TaskProducer::Create(
               kafka_bootstrap, absl::StrCat(executor_id_, "-w", index_, exactly_once ? "-t" : ""),
               exactly_once ? proto::TransactionalId(executor_id_, static_cast<uint32_t>(index_))
                            : ""));
  }
  return p.get();
}

absl::Status Worker::StartTask(const std::string& kafka_bootstrap, const v1::TaskAssignment& a,
                               Task* task) {
  SKEIN_ASSIGN_OR_RETURN(task->plan, proto::ParsePlan(a.plan(), "the assignment's plan"));
  const v1::Stage* stage = nullptr;
  for (const v1::Stage& s : task->plan.stages()) {
    if (s.id() == a.task().stage()) stage = &s;
  }
  if (stage == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("the plan has no stage ", a.task().stage()));
  }
  runtime::TaskOptions options;
  const std::string tenant = TenantOfTask(a.task());
  log_->Connect(kafka_bootstrap);
  task->log = std::make_unique<TenantProcessingLog>(log_, tenant);
  options.log = task->log.get();
  options.partition = static_cast<int32_t>(a.task().partition());
  options.state_db = [states = states_, tenant] { return states->Get(tenant); };

  const std::string guarantee = proto::ProcessingGuarantee(task->plan);
  if (guarantee.empty()) {
    return absl::InvalidArgumentError(
        "processing.guarantee must be at_least_once or "
        "exactly_once_v2");
  }
  task->exactly_once = guarantee == proto::kExactlyOnceV2;
  task->status.set_processing_guarantee(guarantee);
  SKEIN_ASSIGN_OR_RETURN(task->producer, ProducerFor(task->exactly_once, kafka_bootstrap));
  std::vector<TaskStore> stores =
      TaskStores(tenant, task->plan, *stage, static_cast<int32_t>(a.task().partition()));
  if (!stores.empty()) {
    SKEIN_ASSIGN_OR_RETURN(state::TenantStateDb * db, states_->Get(tenant));
    task->state_db = db;
    task->store_ids.clear();
    for (const TaskStore& store : stores) task->store_ids.push_back(store.id);
    task->changelog = std::make_unique<ChangelogWriter>(stores, task->producer);
    SKEIN_ASSIGN_OR_RETURN(
        task->restorer,
        ChangelogRestorer::Create(kafka_bootstrap,
                                  absl::StrCat(executor_id_, "-restore-", a.task().query_id()), db,
                                  std::move(stores)));
    task->status.set_state(v1::TASK_STATE_RESTORING);
  } else {
    task->status.set_restore_done(true);
  }
  options.changelog = task->changelog.get();
  options.commit_state_per_batch = false;
  SKEIN_ASSIGN_OR_RETURN(task->stage, runtime::StageTask::Create(task->plan, *stage, options));

  std::string reset = "latest";  // ksqlDB's default
  if (auto it = task->plan.properties().find("auto.offset.reset");
      it != task->plan.properties().end()) {
    reset = it->second;
  }
  std::vector<std::pair<std::string, std::string>> settings = {
      {"bootstrap.servers", kafka_bootstrap},
      {"group.id", absl::StrCat("skein-", tenant, "-", a.task().query_id())},
      {"client.id", absl::StrCat(executor_id_, "-", a.task().query_id())},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", reset},
      {"isolation.level", "read_committed"}};
  if (memory_->Quota(tenant) > 0) {
    // The fetch queue is charged at kConsumerQueueBytes: make that a real bound.
    for (auto& kv : BoundedConsumerSettings()) settings.push_back(std::move(kv));
  }
  SKEIN_ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, MakeConf(settings));
  if (absl::Status s = kafka_thread_cpu_->Attach(conf, tenant); !s.ok()) {
    rd_kafka_conf_destroy(conf);
    return s;
  }
  char err[512];
  task->consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (task->consumer == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create a Kafka consumer: ", err));
  }
  task->topics = SourceTopics(*stage);
  task->from_earliest = reset == "earliest";
  task->queue = rd_kafka_queue_get_consumer(task->consumer);
  UpdateMemoryCharge(task);
  return absl::OkStatus();
}

void Worker::TryAssign(Task* task) {
  if (absl::Now() < task->next_assign_attempt) return;
  rd_kafka_topic_partition_list_t* parts =
      rd_kafka_topic_partition_list_new(static_cast<int>(task->topics.size()));
  for (const std::string& topic : task->topics) {
    rd_kafka_topic_partition_list_add(parts, topic.c_str(),
                                      static_cast<int32_t>(task->id.partition()));
  }
  rd_kafka_resp_err_t err = rd_kafka_committed(task->consumer, parts, 2000);
  for (int i = 0; err == RD_KAFKA_RESP_ERR_NO_ERROR && i < parts->cnt; ++i) {
    err = parts->elems[i].err;
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_topic_partition_list_destroy(parts);
    Logger("executor")
        ->info("task {}: committed offsets not readable yet ({}); retrying", task->key,
               rd_kafka_err2str(err));
    task->next_assign_attempt = absl::Now() + absl::Milliseconds(500);
    return;
  }
  for (int i = 0; i < parts->cnt; ++i) {
    if (parts->elems[i].offset < 0 && task->from_earliest) {
      parts->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
    } else if (parts->elems[i].offset < 0) {
      // "latest" is resolved now, so a task reported RUNNING reads every record produced after
      // that report (a logical END would be resolved later, skipping what arrives meanwhile).
      int64_t low = 0, high = 0;
      err = rd_kafka_query_watermark_offsets(task->consumer, parts->elems[i].topic,
                                             parts->elems[i].partition, &low, &high, 2000);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_topic_partition_list_destroy(parts);
        Logger("executor")
            ->info("task {}: end offsets not readable yet ({}); retrying", task->key,
                   rd_kafka_err2str(err));
        task->next_assign_attempt = absl::Now() + absl::Milliseconds(500);
        return;
      }
      parts->elems[i].offset = high;
    } else {
      task->next_offsets[parts->elems[i].topic] = parts->elems[i].offset;
      task->committed[parts->elems[i].topic] = parts->elems[i].offset;
    }
  }
  err = rd_kafka_assign(task->consumer, parts);
  rd_kafka_topic_partition_list_destroy(parts);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Fail(task, FromKafka(err, "assign the task's partitions"));
    return;
  }
  task->assigned = true;
  task->status.set_state(v1::TASK_STATE_RUNNING);
  Logger("executor")
      ->info("executor={} worker={} running task {}", executor_id_, index_, task->key);
}

Round Worker::PollTasks(absl::Duration wait, bool* busy) {
  std::vector<std::string> tenants;
  tenants.reserve(tasks_.size());
  for (const auto& t : tasks_) tenants.push_back(t->tenant);
  if (const absl::Time now = absl::Now(); now >= next_kafka_charge_) {
    kafka_thread_cpu_->ChargeTo(*cpu_ledger_);
    next_kafka_charge_ = now + kKafkaChargeInterval;
  }
  const Round round = PlanRound(tenants, ReadTurns(tenants, *cpu_ledger_));
  std::map<std::string, tenant::MemoryPressure> pressure;
  for (const std::string& t : tenants) {
    if (!pressure.contains(t)) pressure[t] = memory_->Check(t);
  }
  bool& any = *busy;
  rd_kafka_message_t* messages[kMaxBatch];
  std::vector<runtime::Record> records;
  for (const size_t i : round.order) {
    std::unique_ptr<Task>& t = tasks_[i];
    if (t->failed || t->queue == nullptr) continue;
    if (t->restorer != nullptr) {
      StepRestore(t.get());
      if (t->restorer != nullptr || t->failed) continue;
    }
    if (!t->assigned) {
      TryAssign(t.get());
      if (!t->assigned) continue;
    }
    if (pressure[t->tenant] != tenant::MemoryPressure::kOk) {
      // Paused by the memory quota: what it buffered is committed, which frees the batch.
      if (t->next_offsets != t->committed) commit_early_ = true;
      continue;
    }
    // This task's poll, decode and processing, charged to the task and its tenant.
    std::optional<CpuSlice> slice;
    slice.emplace(&t->cpu_nanos, cpu_ledger_, &t->tenant);
    const ssize_t n = rd_kafka_consume_batch_queue(
        t->queue, static_cast<int>(absl::ToInt64Milliseconds(wait)), messages, kMaxBatch);
    if (n <= 0) continue;
    records.clear();
    for (ssize_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = messages[i];
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        runtime::Record r;
        r.topic = rd_kafka_topic_name(m->rkt);
        r.partition = m->partition;
        r.offset = m->offset;
        rd_kafka_timestamp_type_t ts_type;
        r.timestamp = rd_kafka_message_timestamp(m, &ts_type);
        if (m->key != nullptr) r.key.emplace(static_cast<const char*>(m->key), m->key_len);
        if (m->payload != nullptr) {
          r.value.emplace(static_cast<const char*>(m->payload), m->len);
        }
        rd_kafka_headers_t* hdrs = nullptr;
        if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
          const char* name;
          const void* value;
          size_t size;
          for (size_t h = 0;
               rd_kafka_header_get_all(hdrs, h, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
               ++h) {
            std::optional<std::string> v;
            if (value != nullptr) v.emplace(static_cast<const char*>(value), size);
            r.headers.emplace_back(name, std::move(v));
          }
        }
        t->next_offsets[r.topic] = m->offset + 1;
        records.push_back(std::move(r));
      } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        Logger("executor")->warn("task {}: consume: {}", t->key, rd_kafka_message_errstr(m));
      }
      rd_kafka_message_destroy(m);
    }
    if (records.empty()) continue;
    any = true;
    if (t->exactly_once) {
      if (absl::Status begun = t->producer->BeginIfNeeded(); !begun.ok()) {
        // Fenced or fatal; the records just read are reprocessed by whoever owns the task.
        slice.reset();  // charged now: giving the tasks up destroys them
        GiveUpExactlyOnceTasks(begun);
        return round;
      }
    }
    absl::Status s = t->stage->ProcessBatch(records, t->producer);
    if (!s.ok()) {
      Fail(t.get(), s);
      // Part of the task's output may be in the open transaction: it must not commit.
      if (t->exactly_once) abort_transaction_ = true;
    }
    UpdateMemoryCharge(t.get());
    // The hard cap: an uncommitted batch above a quarter of the quota is committed now.
    if (const int64_t quota = memory_->Quota(t->tenant);
        quota > 0 && static_cast<int64_t>(t->stage->BufferedStateBytes()) > quota / 4) {
      commit_early_ = true;
    }
  }
  return round;
}

void Worker::FailDoomedTasks() {
  std::vector<std::pair<Task*, absl::Status>> doomed;
  for (auto& t : tasks_) {
    if (t->failed) continue;
    if (std::optional<absl::Status> why = memory_->DoomedReason(t->tenant, t->id.query_id())) {
      doomed.emplace_back(t.get(), *std::move(why));
    }
  }
  if (doomed.empty()) return;
  // What every task processed so far commits first, so failing these aborts nothing.
  Commit();
  for (auto& [task, why] : doomed) {
    if (task->failed) continue;  // the commit failed it already
    Fail(task, why);
    CloseTask(task);  // frees its consumer's queue and its uncommitted writes
  }
  PublishStatuses();
}

void Worker::UpdateMemoryCharge(Task* task) {
  int64_t held = 0;
  if (task->consumer != nullptr) held += kConsumerQueueBytes;
  if (task->stage != nullptr) held += static_cast<int64_t>(task->stage->BufferedStateBytes());
  memory_->Charge(task->tenant, task->id.query_id(), held - task->memory_charged);
  task->memory_charged = held;
}

void Worker::StepRestore(Task* task) {
  absl::StatusOr<bool> done = task->restorer->Step();
  task->restored_records = task->restorer->records();
  task->restored_bytes = task->restorer->bytes();
  task->restore_remaining_records = task->restorer->remaining_records();
  task->restore_eta = task->restorer->EstimatedTimeLeft(absl::Now()).value_or(absl::ZeroDuration());
  if (!done.ok()) {
    task->restorer.reset();
    Fail(task, Annotate(done.status(), "restoring state from the changelog"));
    return;
  }
  if (!*done) return;
  task->restorer.reset();
  task->status.set_restore_done(true);
  task->status.set_state(v1::TASK_STATE_STARTING);
  Logger("executor")
      ->info("executor={} worker={} task {} restored {} records ({} bytes)", executor_id_, index_,
             task->key, task->restored_records, task->restored_bytes);
}

void Worker::Commit() {
  CommitAtLeastOnce();
  CommitExactlyOnce();
  for (auto& t : tasks_) UpdateMemoryCharge(t.get());
}

void Worker::CommitAtLeastOnce() {
  if (producer_ == nullptr) return;
  const bool pending = std::any_of(tasks_.begin(), tasks_.end(), [](const auto& t) {
    return !t->failed && !t->exactly_once && t->next_offsets != t->committed;
  });
  if (!pending) return;
  if (absl::Status flushed = producer_->Flush(); !flushed.ok()) {
    // Outputs may be lost: committing would skip their inputs. Fail the tasks so the
    // coordinator restarts them from the committed offsets.
    for (auto& t : tasks_) {
      if (!t->failed && !t->exactly_once && t->next_offsets != t->committed) Fail(t.get(), flushed);
    }
    return;
  }
  for (auto& t : tasks_) {
    if (t->failed || t->exactly_once || t->next_offsets == t->committed) continue;
    // Local state first (with the changelog offsets now delivered), then the input offsets:
    // a crash in between replays inputs over state that already has them (at-least-once).
    if (t->changelog != nullptr) {
      if (absl::Status s = t->stage->CommitState(t->changelog->TakeOffsets()); !s.ok()) {
        Fail(t.get(), s);
        continue;
      }
    }
    rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(1);
    for (const auto& [topic, next] : t->next_offsets) {
      rd_kafka_topic_partition_list_add(offsets, topic.c_str(),
                                        static_cast<int32_t>(t->id.partition()))
          ->offset = next;
    }
    rd_kafka_resp_err_t err = rd_kafka_commit(t->consumer, offsets, /*async=*/0);
    rd_kafka_topic_partition_list_destroy(offsets);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      t->committed = t->next_offsets;
    } else {
      Logger("executor")->warn("task {}: commit offsets: {}", t->key, rd_kafka_err2str(err));
    }
  }
}

// Exactly-once: the open transaction holds the outputs and changelog records of every
// exactly-once task of this worker since the last commit; their input offsets join it, then
// it commits, and only then does each task apply its buffered state with the changelog offsets
// it reached. If the transaction aborts, no task's uncommitted work survives: each restarts
// from its committed input offsets (its local state never saw the aborted writes). If the
// producer was fenced (the coordinator moved our tasks), the tasks are given up.
void Worker::CommitExactlyOnce() {
  if (txn_producer_ == nullptr || !txn_producer_->in_transaction()) return;
  absl::Status s = absl::OkStatus();
  if (abort_transaction_) {
    txn_producer_->AbortTransaction();
    s = absl::AbortedError("a task failed inside the transaction");
  }
  for (auto& t : tasks_) {
    if (!s.ok()) break;
    if (t->failed || !t->exactly_once || t->next_offsets == t->committed) continue;
    s = txn_producer_->SendOffsets(t->consumer, t->next_offsets,
                                   static_cast<int32_t>(t->id.partition()));
  }
  if (s.ok()) s = txn_producer_->CommitTransaction();
  abort_transaction_ = false;
  if (absl::IsAborted(s)) {
    Logger("executor")
        ->warn(
            "executor={} worker={}: transaction aborted ({}); restarting its tasks from "
            "their committed offsets",
            executor_id_, index_, s.ToString());
    for (auto& t : tasks_) {
      if (!t->failed && t->exactly_once) RestartTask(t.get());
    }
    return;
  }
  if (!s.ok()) {
    GiveUpExactlyOnceTasks(s);
    return;
  }
  for (auto& t : tasks_) {
    if (t->failed || !t->exactly_once || t->next_offsets == t->committed) continue;
    if (t->changelog != nullptr) {
      if (absl::Status c = t->stage->CommitState(t->changelog->TakeOffsets()); !c.ok()) {
        Fail(t.get(), c);
        continue;
      }
    }
    t->committed = t->next_offsets;
  }
}

void Worker::RestartTask(Task* task) {
  CloseTask(task);
  task->changelog.reset();
  task->restorer.reset();
  task->next_offsets.clear();
  task->committed.clear();
  task->assigned = false;
  task->next_assign_attempt = absl::InfinitePast();
  task->status.set_state(v1::TASK_STATE_STARTING);
  task->status.set_restore_done(false);
  absl::Status started = StartTask(task->kafka_bootstrap, task->assignment, task);
  if (!started.ok()) Fail(task, started);
}

void Worker::GiveUpExactlyOnceTasks(const absl::Status& why) {
  Logger("executor")
      ->error(
          "executor={} worker={}: transactional producer fenced or failed ({}); giving up its "
          "exactly-once tasks and re-registering",
          executor_id_, index_, why.ToString());
  std::vector<std::string> dropped;
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    if ((*it)->exactly_once) {
      CloseTask(it->get());
      dropped.push_back((*it)->key);
      it = tasks_.erase(it);
    } else {
      ++it;
    }
  }
  txn_producer_.reset();  // a fenced producer is unusable; the next one re-initializes the id
  abort_transaction_ = false;
  {
    absl::MutexLock lock(&mu_);
    for (const std::string& key : dropped) statuses_.erase(key);
  }
  resync_->store(true);
}

void Worker::CloseTask(Task* task) {
  if (task->queue != nullptr) {
    rd_kafka_queue_destroy(task->queue);
    task->queue = nullptr;
  }
  if (task->consumer != nullptr) {
    rd_kafka_consumer_close(task->consumer);
    rd_kafka_destroy(task->consumer);
    task->consumer = nullptr;
  }
  task->stage.reset();
  UpdateMemoryCharge(task);
}

void Worker::Fail(Task* task, const absl::Status& status) {
  task->failed = true;
  task->status.set_state(v1::TASK_STATE_FAILED);
  task->status.set_reason(status.ToString());
  Logger("executor")->error("task {} failed: {}", task->key, status.ToString());
}

void Worker::PublishStatuses() {
  absl::MutexLock lock(&mu_);
  for (auto& t : tasks_) {
    v1::TaskStatus& s = t->status;
    if (t->stage != nullptr) {
      const runtime::OperatorMetrics& m = t->stage->metrics();
      s.set_records_in(m.records_in);
      s.set_records_out(m.records_out);
      s.set_bytes_in(m.bytes_in);
      s.set_bytes_out(m.bytes_out);
      s.set_processing_errors(m.deserialization_errors + m.expression_errors +
                              m.serialization_errors);
      s.set_records_in_per_second(t->input_rate.Update(m.records_in));
    }
    s.set_cpu_nanos(t->cpu_nanos);
    int64_t lag = 0;
    for (const auto& [topic, next] : t->next_offsets) {
      int64_t low = 0, high = 0;
      if (t->consumer != nullptr &&
          rd_kafka_get_watermark_offsets(t->consumer, topic.c_str(),
                                         static_cast<int32_t>(t->id.partition()), &low,
                                         &high) == RD_KAFKA_RESP_ERR_NO_ERROR &&
          high >= next) {
        lag += high - next;
      }
    }
    s.set_lag(lag);
    s.set_restored_records(t->restored_records);
    s.set_restored_bytes(t->restored_bytes);
    s.set_restore_remaining_records(t->restorer != nullptr ? t->restore_remaining_records : 0);
    s.set_restore_eta_seconds(t->restorer != nullptr ? absl::ToDoubleSeconds(t->restore_eta) : 0);
    uint64_t state_bytes = 0;
    if (t->state_db != nullptr) {
      for (const state::StoreId& id : t->store_ids) state_bytes += t->state_db->StoreBytes(id);
    }
    s.set_state_bytes(state_bytes);
    if (statuses_.count(t->key)) statuses_[t->key] = s;
  }
}

}  // namespace skein::executor
