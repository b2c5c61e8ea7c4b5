#include "skein/common/kafka_admin.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "skein/common/kafka.h"

namespace skein {

absl::StatusOr<std::unique_ptr<KafkaAdmin>> KafkaAdmin::Create(const std::string& bootstrap,
                                                               absl::Duration timeout) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof(err)) !=
      RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return absl::InvalidArgumentError(absl::StrCat("kafka bootstrap ", bootstrap, ": ", err));
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (rk == nullptr) return absl::InternalError(absl::StrCat("kafka admin client: ", err));
  return std::unique_ptr<KafkaAdmin>(new KafkaAdmin(rk, timeout));
}

KafkaAdmin::~KafkaAdmin() { rd_kafka_destroy(rk_); }

absl::StatusOr<std::optional<int32_t>> KafkaAdmin::Partitions(const std::string& topic) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk_, 0, rkt, &md, static_cast<int>(absl::ToInt64Milliseconds(timeout_)));
  rd_kafka_topic_destroy(rkt);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return FromKafka(err, absl::StrCat("metadata of topic ", topic));
  }
  std::optional<int32_t> n;
  if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
      md->topics[0].partition_cnt > 0) {
    n = md->topics[0].partition_cnt;
  }
  rd_kafka_metadata_destroy(md);
  return n;
}

absl::Status KafkaAdmin::AwaitTopicResult(rd_kafka_queue_t* queue, const std::string& what) {
  rd_kafka_event_t* event =
      rd_kafka_queue_poll(queue, static_cast<int>(absl::ToInt64Milliseconds(timeout_)) + 1000);
  if (event == nullptr) return absl::UnavailableError(absl::StrCat(what, ": timed out"));
  absl::Status status;
  if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = FromKafka(rd_kafka_event_error(event), what);
  } else {
    const rd_kafka_topic_result_t** topics = nullptr;
    size_t count = 0;
    if (const auto* created = rd_kafka_event_CreateTopics_result(event)) {
      topics = rd_kafka_CreateTopics_result_topics(created, &count);
    } else if (const auto* deleted = rd_kafka_event_DeleteTopics_result(event)) {
      topics = rd_kafka_DeleteTopics_result_topics(deleted, &count);
    }
    if (count != 1) {
      status = absl::InternalError(absl::StrCat(what, ": no topic result"));
    } else if (rd_kafka_topic_result_error(topics[0]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* msg = rd_kafka_topic_result_error_string(topics[0]);
      status = FromKafka(rd_kafka_topic_result_error(topics[0]),
                         absl::StrCat(what, msg != nullptr ? absl::StrCat(" (", msg, ")") : ""));
    }
  }
  rd_kafka_event_destroy(event);
  return status;
}

absl::Status KafkaAdmin::CreateTopic(const std::string& topic, int32_t partitions,
                                     int32_t replication,
                                     const std::map<std::string, std::string>& configs) {
  char err[512];
  rd_kafka_NewTopic_t* new_topic =
      rd_kafka_NewTopic_new(topic.c_str(), partitions, replication, err, sizeof(err));
  if (new_topic == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("topic ", topic, ": ", err));
  }
  for (const auto& [k, v] : configs) rd_kafka_NewTopic_set_config(new_topic, k.c_str(), v.c_str());
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk_, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(
      options, static_cast<int>(absl::ToInt64Milliseconds(timeout_)), err, sizeof(err));
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk_);
  rd_kafka_CreateTopics(rk_, &new_topic, 1, options, queue);
  absl::Status status = AwaitTopicResult(queue, absl::StrCat("create topic ", topic));
  rd_kafka_queue_destroy(queue);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_NewTopic_destroy(new_topic);
  if (!status.ok()) return status;
  // The controller answered; wait until metadata (what producers and consumers see) agrees.
  const absl::Time deadline = absl::Now() + timeout_;
  while (true) {
    absl::StatusOr<std::optional<int32_t>> n = Partitions(topic);
    if (n.ok() && n->has_value() && **n == partitions) return absl::OkStatus();
    if (absl::Now() > deadline) {
      return absl::UnavailableError(absl::StrCat("topic ", topic, " created but not visible"));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
}

absl::Status KafkaAdmin::EnsureTopic(const std::string& topic, int32_t partitions,
                                     int32_t replication,
                                     const std::map<std::string, std::string>& configs) {
  absl::StatusOr<std::optional<int32_t>> existing = Partitions(topic);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    if (**existing != partitions) {
      return absl::FailedPreconditionError(absl::StrCat(
          "topic ", topic, " exists with ", **existing, " partitions, not ", partitions));
    }
    return absl::OkStatus();
  }
  absl::Status created = CreateTopic(topic, partitions, replication, configs);
  return absl::IsAlreadyExists(created) ? absl::OkStatus() : created;
}

absl::Status KafkaAdmin::DeleteTopic(const std::string& topic) {
  rd_kafka_DeleteTopic_t* del = rd_kafka_DeleteTopic_new(topic.c_str());
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk_);
  rd_kafka_DeleteTopics(rk_, &del, 1, nullptr, queue);
  absl::Status status = AwaitTopicResult(queue, absl::StrCat("delete topic ", topic));
  rd_kafka_queue_destroy(queue);
  rd_kafka_DeleteTopic_destroy(del);
  return status;
}

}  // namespace skein
