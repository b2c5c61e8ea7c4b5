#include "task_producer.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "skein/common/kafka.h"

namespace skein::executor {
namespace {

constexpr int kTxnTimeoutMs = 30000;
// Marks changelog records (msg_opaque), whose delivered offsets are tracked.
char kChangelogMark;

std::string PartitionKey(std::string_view topic, int32_t partition) {
  return absl::StrCat(absl::string_view(topic.data(), topic.size()), "/", partition);
}

}  // namespace

absl::StatusOr<std::unique_ptr<TaskProducer>> TaskProducer::Create(
    const std::string& bootstrap, const std::string& client_id,
    const std::string& transactional_id) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> settings = {{"bootstrap.servers", bootstrap},
                                                               {"client.id", client_id},
                                                               {"enable.idempotence", "true"},
                                                               {"acks", "all"},
                                                               {"linger.ms", "5"}};
  if (!transactional_id.empty()) {
    settings.emplace_back("transactional.id", transactional_id);
    // Bounds how long a transaction of a stalled producer can block read_committed readers
    // when nobody fences it; well above the commit interval.
    settings.emplace_back("transaction.timeout.ms", "20000");
  }
  char err[512];
  for (const auto& [k, v] : settings) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return absl::InvalidArgumentError(absl::StrCat("kafka config ", k, "=", v, ": ", err));
    }
  }
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<TaskProducer*>(opaque);
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (self->delivery_error_.ok()) {
        self->delivery_error_ = FromKafka(m->err, "deliver task output");
      }
      return;
    }
    if (m->_private == &kChangelogMark) {
      int64_t& end = self->delivered_end_[PartitionKey(rd_kafka_topic_name(m->rkt), m->partition)];
      end = std::max(end, m->offset + 1);
    }
  });
  // The delivery callback's opaque is the object itself, so it exists before the handle.
  auto holder = std::unique_ptr<TaskProducer>(new TaskProducer());
  rd_kafka_conf_set_opaque(conf, holder.get());
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (rk == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create a Kafka producer: ", err));
  }
  holder->rk_ = rk;
  holder->transactional_ = !transactional_id.empty();
  if (holder->transactional_) {
    rd_kafka_error_t* error = rd_kafka_init_transactions(rk, kTxnTimeoutMs);
    if (error != nullptr) {
      absl::Status s = absl::UnavailableError(absl::StrCat(
          "init transactions of ", transactional_id, ": ", rd_kafka_error_string(error)));
      rd_kafka_error_destroy(error);
      return s;
    }
  }
  return holder;
}

TaskProducer::~TaskProducer() {
  if (rk_ == nullptr) return;
  if (in_transaction_) AbortTransaction();
  if (!transactional_) rd_kafka_flush(rk_, 10000);
  rd_kafka_destroy(rk_);
}

absl::StatusOr<int32_t> TaskProducer::Partitions(std::string_view topic) {
  auto it = partitions_.find(std::string(topic));
  if (it != partitions_.end()) return it->second;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, std::string(topic).c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk_, 0, rkt, &md, 10000);
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
    return absl::NotFoundError(absl::StrCat("sink topic ", std::string(topic), " does not exist"));
  }
  partitions_[std::string(topic)] = n;
  return n;
}

absl::Status TaskProducer::Produce(const char* topic, int32_t partition, const void* key,
                                   size_t key_size, const void* value, size_t value_size,
                                   int64_t timestamp, rd_kafka_headers_t* headers, void* opaque) {
  while (true) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_size),
        RD_KAFKA_V_VALUE(const_cast<void*>(value), value_size), RD_KAFKA_V_TIMESTAMP(timestamp),
        RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk_, 50);  // serve delivery reports to make room
      continue;
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (headers != nullptr) rd_kafka_headers_destroy(headers);
      return FromKafka(err, absl::StrCat("produce to ", topic));
    }
    return absl::OkStatus();
  }
}

absl::Status TaskProducer::Write(runtime::Record record) {
  rd_kafka_headers_t* headers = nullptr;
  if (!record.headers.empty()) {
    headers = rd_kafka_headers_new(record.headers.size());
    for (const auto& [k, v] : record.headers) {
      rd_kafka_header_add(headers, k.data(), static_cast<ssize_t>(k.size()),
                          v ? v->data() : nullptr, v ? static_cast<ssize_t>(v->size()) : 0);
    }
  }
  return Produce(record.topic.c_str(), record.partition, record.key ? record.key->data() : nullptr,
                 record.key ? record.key->size() : 0, record.value ? record.value->data() : nullptr,
                 record.value ? record.value->size() : 0, record.timestamp, headers, nullptr);
}

absl::Status TaskProducer::SendChangelog(const std::string& topic, int32_t partition,
                                         std::string_view key,
                                         std::optional<std::string_view> value) {
  return Produce(topic.c_str(), partition, key.data(), key.size(), value ? value->data() : nullptr,
                 value ? value->size() : 0, 0, nullptr, &kChangelogMark);
}

std::optional<int64_t> TaskProducer::DeliveredEnd(const std::string& topic,
                                                  int32_t partition) const {
  auto it = delivered_end_.find(PartitionKey(topic, partition));
  if (it == delivered_end_.end()) return std::nullopt;
  return it->second;
}

void TaskProducer::Poll() { rd_kafka_poll(rk_, 0); }

absl::Status TaskProducer::Flush() {
  rd_kafka_resp_err_t flushed = rd_kafka_flush(rk_, 30000);
  absl::Status s = delivery_error_;
  delivery_error_ = absl::OkStatus();
  if (!s.ok()) return s;
  if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR) return FromKafka(flushed, "flush task output");
  return absl::OkStatus();
}

absl::Status TaskProducer::TxnError(rd_kafka_error_t* error, const char* op) {
  const std::string text = absl::StrCat(op, ": ", rd_kafka_error_string(error));
  absl::Status s;
  if (rd_kafka_error_txn_requires_abort(error)) {
    AbortTransaction();
    s = absl::AbortedError(text);
  } else if (rd_kafka_error_is_fatal(error)) {
    s = absl::FailedPreconditionError(text);
  } else if (rd_kafka_error_is_retriable(error)) {
    s = absl::UnavailableError(text);
  } else {
    s = absl::FailedPreconditionError(text);
  }
  rd_kafka_error_destroy(error);
  return s;
}

absl::Status TaskProducer::BeginIfNeeded() {
  if (in_transaction_) return absl::OkStatus();
  if (rd_kafka_error_t* error = rd_kafka_begin_transaction(rk_); error != nullptr) {
    return TxnError(error, "begin transaction");
  }
  in_transaction_ = true;
  delivery_error_ = absl::OkStatus();
  return absl::OkStatus();
}

absl::Status TaskProducer::SendOffsets(rd_kafka_t* consumer,
                                       const std::map<std::string, int64_t>& offsets,
                                       int32_t partition) {
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()));
  for (const auto& [topic, next] : offsets) {
    rd_kafka_topic_partition_list_add(list, topic.c_str(), partition)->offset = next;
  }
  rd_kafka_consumer_group_metadata_t* group = rd_kafka_consumer_group_metadata(consumer);
  absl::Status s = absl::OkStatus();
  for (int attempt = 0; attempt < 5; ++attempt) {
    rd_kafka_error_t* error = rd_kafka_send_offsets_to_transaction(rk_, list, group, kTxnTimeoutMs);
    if (error == nullptr) {
      s = absl::OkStatus();
      break;
    }
    s = TxnError(error, "send offsets to transaction");
    if (!absl::IsUnavailable(s)) break;
  }
  rd_kafka_consumer_group_metadata_destroy(group);
  rd_kafka_topic_partition_list_destroy(list);
  return s;
}

absl::Status TaskProducer::CommitTransaction() {
  if (!in_transaction_) return absl::OkStatus();
  absl::Status s = absl::OkStatus();
  for (int attempt = 0; attempt < 5; ++attempt) {
    rd_kafka_error_t* error = rd_kafka_commit_transaction(rk_, kTxnTimeoutMs);
    if (error == nullptr) {
      s = absl::OkStatus();
      break;
    }
    s = TxnError(error, "commit transaction");
    if (!absl::IsUnavailable(s)) break;
  }
  if (s.ok() || !absl::IsUnavailable(s)) in_transaction_ = false;
  if (absl::IsUnavailable(s)) {
    AbortTransaction();
    return absl::AbortedError(s.message());
  }
  return s;
}

void TaskProducer::AbortTransaction() {
  in_transaction_ = false;
  if (rd_kafka_error_t* error = rd_kafka_abort_transaction(rk_, kTxnTimeoutMs); error != nullptr) {
    rd_kafka_error_destroy(error);
  }
  delivery_error_ = absl::OkStatus();
}

}  // namespace skein::executor
