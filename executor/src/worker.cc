#include "worker.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "skein/common/kafka.h"
#include "skein/common/logging.h"
#include "skein/common/status.h"
#include "task_metrics.h"

namespace skein::executor {
namespace {

constexpr int kMaxBatch = 500;
constexpr absl::Duration kMaxIdleSleep = absl::Milliseconds(20);

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
  v1::PhysicalPlan plan;
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
  uint64_t cpu_nanos = 0;  // thread CPU time of the task's slices (task_metrics.h)
  RateMeter input_rate;
};

// Sends task output through the worker's producer. Threading: the worker thread.
class Worker::ProducerSink final : public runtime::RecordSink {
 public:
  explicit ProducerSink(rd_kafka_t* producer) : producer_(producer) {}

  absl::StatusOr<int32_t> Partitions(std::string_view topic) override {
    auto it = partitions_.find(std::string(topic));
    if (it != partitions_.end()) return it->second;
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(producer_, std::string(topic).c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(producer_, 0, rkt, &md, 10000);
    rd_kafka_topic_destroy(rkt);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return FromKafka(err, absl::StrCat("metadata of topic ", std::string(topic)));
    }
    int32_t n = 0;
    rd_kafka_resp_err_t topic_err = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (md->topic_cnt == 1) {
      n = md->topics[0].partition_cnt;
      topic_err = md->topics[0].err;
    }
    rd_kafka_metadata_destroy(md);
    if (topic_err != RD_KAFKA_RESP_ERR_NO_ERROR || n <= 0) {
      return absl::NotFoundError(
          absl::StrCat("sink topic ", std::string(topic), " does not exist"));
    }
    partitions_[std::string(topic)] = n;
    return n;
  }

  absl::Status Write(runtime::Record record) override {
    rd_kafka_headers_t* headers = nullptr;
    if (!record.headers.empty()) {
      headers = rd_kafka_headers_new(record.headers.size());
      for (const auto& [k, v] : record.headers) {
        rd_kafka_header_add(headers, k.data(), static_cast<ssize_t>(k.size()),
                            v ? v->data() : nullptr, v ? static_cast<ssize_t>(v->size()) : 0);
      }
    }
    const void* key = record.key ? record.key->data() : nullptr;
    const size_t key_size = record.key ? record.key->size() : 0;
    void* value = record.value ? record.value->data() : nullptr;
    const size_t value_size = record.value ? record.value->size() : 0;
    while (true) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          producer_, RD_KAFKA_V_TOPIC(record.topic.c_str()), RD_KAFKA_V_PARTITION(record.partition),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_size),
          RD_KAFKA_V_VALUE(value, value_size), RD_KAFKA_V_TIMESTAMP(record.timestamp),
          RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(producer_, 50);  // serve delivery reports to make room
        continue;
      }
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (headers != nullptr) rd_kafka_headers_destroy(headers);
        return FromKafka(err, absl::StrCat("produce to ", record.topic));
      }
      return absl::OkStatus();
    }
  }

  // Set by the delivery report callback (served on the worker thread by poll/flush).
  absl::Status delivery_error;

 private:
  rd_kafka_t* producer_;
  std::map<std::string, int32_t> partitions_;
};

Worker::Worker(int index, std::string executor_id, absl::Duration commit_interval,
               TenantStates* states, KafkaProcessingLog* log)
    : index_(index),
      executor_id_(std::move(executor_id)),
      commit_interval_(commit_interval),
      states_(states),
      log_(log) {
  thread_ = std::thread([this] { Run(); });
}

Worker::~Worker() { Stop(); }

void Worker::Add(std::string kafka_bootstrap, v1::TaskAssignment assignment) {
  absl::MutexLock lock(&mu_);
  v1::TaskStatus& s = statuses_[TaskKey(assignment.task())];
  *s.mutable_task() = assignment.task();
  s.set_state(v1::TASK_STATE_STARTING);
  Command c;
  c.add = true;
  c.kafka_bootstrap = std::move(kafka_bootstrap);
  c.assignment = std::move(assignment);
  commands_.push_back(std::move(c));
}

void Worker::Remove(const v1::TaskId& id) {
  absl::MutexLock lock(&mu_);
  Command c;
  c.remove = id;
  commands_.push_back(std::move(c));
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
    const bool busy = PollTasks(absl::ZeroDuration());
    if (producer_ != nullptr) rd_kafka_poll(producer_, 0);
    if (absl::Now() - last_commit >= commit_interval_) {
      Commit();
      PublishStatuses();
      last_commit = absl::Now();
    }
    if (busy) {
      idle_sleep = absl::Milliseconds(1);
    } else {
      absl::MutexLock lock(&mu_);
      auto wake = [this]()
                      ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_ || !commands_.empty(); };
      mu_.AwaitWithTimeout(absl::Condition(&wake), idle_sleep);
      idle_sleep = std::min(idle_sleep * 2, kMaxIdleSleep);
    }
  }
  Commit();
  for (auto& t : tasks_) CloseTask(t.get());
  tasks_.clear();
  if (producer_ != nullptr) {
    rd_kafka_flush(producer_, 10000);
    rd_kafka_destroy(producer_);
    producer_ = nullptr;
  }
}

void Worker::ApplyCommands() {
  std::vector<Command> commands;
  {
    absl::MutexLock lock(&mu_);
    commands.swap(commands_);
  }
  for (Command& c : commands) {
    if (c.add) {
      const std::string key = TaskKey(c.assignment.task());
      if (std::any_of(tasks_.begin(), tasks_.end(), [&](const auto& t) { return t->key == key; })) {
        continue;  // already running (a full assignment repeats running tasks)
      }
      auto task = std::make_unique<Task>();
      task->id = c.assignment.task();
      task->key = key;
      *task->status.mutable_task() = task->id;
      absl::Status started = StartTask(c.kafka_bootstrap, c.assignment, task.get());
      if (!started.ok()) {
        Fail(task.get(), started);
      } else {
        task->status.set_state(v1::TASK_STATE_RUNNING);
        Logger("executor")
            ->info("executor={} worker={} started task {}", executor_id_, index_, key);
      }
      tasks_.push_back(std::move(task));
    } else {
      const std::string key = TaskKey(c.remove);
      auto it =
          std::find_if(tasks_.begin(), tasks_.end(), [&](const auto& t) { return t->key == key; });
      if (it != tasks_.end()) {
        Commit();
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

absl::Status Worker::EnsureProducer(const std::string& kafka_bootstrap) {
  if (producer_ != nullptr) return absl::OkStatus();
  SKEIN_ASSIGN_OR_RETURN(rd_kafka_conf_t * conf,
                         MakeConf({{"bootstrap.servers", kafka_bootstrap},
                                   {"client.id", absl::StrCat(executor_id_, "-w", index_)},
                                   {"enable.idempotence", "true"},
                                   {"acks", "all"},
                                   {"linger.ms", "5"}}));
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<Worker*>(opaque);
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR && self->sink_ != nullptr &&
        self->sink_->delivery_error.ok()) {
      self->sink_->delivery_error = FromKafka(m->err, "deliver task output");
    }
  });
  char err[512];
  producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (producer_ == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create a Kafka producer: ", err));
  }
  producer_bootstrap_ = kafka_bootstrap;
  sink_ = std::make_unique<ProducerSink>(producer_);
  return absl::OkStatus();
}

absl::Status Worker::StartTask(const std::string& kafka_bootstrap, const v1::TaskAssignment& a,
                               Task* task) {
  SKEIN_RETURN_IF_ERROR(EnsureProducer(kafka_bootstrap));
  if (!task->plan.ParseFromString(a.plan())) {
    return absl::InvalidArgumentError("the assignment's plan does not parse");
  }
  const v1::Stage* stage = nullptr;
  for (const v1::Stage& s : task->plan.stages()) {
    if (s.id() == a.task().stage()) stage = &s;
  }
  if (stage == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("the plan has no stage ", a.task().stage()));
  }
  runtime::TaskOptions options;
  const std::string tenant = a.task().tenant().empty() ? "default" : a.task().tenant();
  log_->Connect(kafka_bootstrap);
  task->log = std::make_unique<TenantProcessingLog>(log_, tenant);
  options.log = task->log.get();
  options.partition = static_cast<int32_t>(a.task().partition());
  options.state_db = [states = states_, tenant] { return states->Get(tenant); };
  SKEIN_ASSIGN_OR_RETURN(task->stage, runtime::StageTask::Create(task->plan, *stage, options));

  std::string reset = "latest";  // ksqlDB's default
  if (auto it = task->plan.properties().find("auto.offset.reset");
      it != task->plan.properties().end()) {
    reset = it->second;
  }
  SKEIN_ASSIGN_OR_RETURN(
      rd_kafka_conf_t * conf,
      MakeConf({{"bootstrap.servers", kafka_bootstrap},
                {"group.id", absl::StrCat("skein-", tenant, "-", a.task().query_id())},
                {"client.id", absl::StrCat(executor_id_, "-", a.task().query_id())},
                {"enable.auto.commit", "false"},
                {"enable.auto.offset.store", "false"},
                {"auto.offset.reset", reset},
                {"isolation.level", "read_committed"}}));
  char err[512];
  task->consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (task->consumer == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create a Kafka consumer: ", err));
  }
  task->topics = SourceTopics(*stage);
  task->from_earliest = reset == "earliest";
  task->queue = rd_kafka_queue_get_consumer(task->consumer);
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

bool Worker::PollTasks(absl::Duration wait) {
  bool any = false;
  rd_kafka_message_t* messages[kMaxBatch];
  std::vector<runtime::Record> records;
  for (auto& t : tasks_) {
    if (t->failed || t->queue == nullptr) continue;
    if (!t->assigned) {
      TryAssign(t.get());
      if (!t->assigned) continue;
    }
    CpuSlice slice(&t->cpu_nanos);  // this task's poll, decode and processing
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
    absl::Status s = t->stage->ProcessBatch(records, sink_.get());
    if (!s.ok()) Fail(t.get(), s);
  }
  return any;
}

void Worker::Commit() {
  if (producer_ == nullptr) return;
  const bool pending = std::any_of(tasks_.begin(), tasks_.end(), [](const auto& t) {
    return !t->failed && t->next_offsets != t->committed;
  });
  if (!pending) return;
  rd_kafka_resp_err_t flushed = rd_kafka_flush(producer_, 30000);
  if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR || !sink_->delivery_error.ok()) {
    // Outputs may be lost: committing would skip their inputs. Fail the tasks so the
    // coordinator restarts them from the committed offsets.
    absl::Status why = sink_->delivery_error.ok() ? FromKafka(flushed, "flush task output")
                                                  : sink_->delivery_error;
    for (auto& t : tasks_) {
      if (!t->failed && t->next_offsets != t->committed) Fail(t.get(), why);
    }
    return;
  }
  for (auto& t : tasks_) {
    if (t->failed || t->next_offsets == t->committed) continue;
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
    if (statuses_.count(t->key)) statuses_[t->key] = s;
  }
}

}  // namespace skein::executor
