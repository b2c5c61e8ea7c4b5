#include "kafka_processing_log.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "skein/common/json_escape.h"
#include "skein/common/logging.h"
#include "skein/proto/topics.h"

namespace skein::executor {
namespace {

const char* KindName(runtime::ProcessingLogEntry::Kind kind) {
  switch (kind) {
    case runtime::ProcessingLogEntry::Kind::kDeserialization:
      return "DESERIALIZATION";
    case runtime::ProcessingLogEntry::Kind::kExpression:
      return "EXPRESSION";
    case runtime::ProcessingLogEntry::Kind::kSerialization:
      return "SERIALIZATION";
    default:
      return "OTHER";
  }
}

}  // namespace

KafkaProcessingLog::~KafkaProcessingLog() {
  absl::MutexLock lock(&mu_);
  if (producer_ != nullptr) {
    rd_kafka_flush(producer_, 5000);
    rd_kafka_destroy(producer_);
  }
}

void KafkaProcessingLog::Connect(const std::string& bootstrap) {
  absl::MutexLock lock(&mu_);
  if (producer_ != nullptr) return;
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof(err));
  rd_kafka_conf_set(conf, "linger.ms", "50", err, sizeof(err));
  rd_kafka_conf_set(conf, "enable.idempotence", "true", err, sizeof(err));
  producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (producer_ == nullptr) Logger("executor")->error("processing-log producer: {}", err);
}

void KafkaProcessingLog::Write(const runtime::ProcessingLogEntry& entry) {
  Logger("processing-log")
      ->warn("query={} topic={} partition={} offset={}: {}", entry.query_id, entry.topic,
             entry.partition, entry.offset, entry.reason);
}

void KafkaProcessingLog::WriteFor(const std::string& tenant,
                                  const runtime::ProcessingLogEntry& entry) {
  Write(entry);
  std::string value = "{\"QUERY_ID\":";
  AppendJsonString(entry.query_id, &value);
  absl::StrAppend(&value, ",\"KIND\":\"", KindName(entry.kind), "\",\"REASON\":");
  AppendJsonString(entry.reason, &value);
  absl::StrAppend(&value, ",\"TOPIC\":");
  AppendJsonString(entry.topic, &value);
  absl::StrAppend(&value, ",\"SOURCE_PARTITION\":", entry.partition,
                  ",\"SOURCE_OFFSET\":", entry.offset,
                  ",\"LOGGED_AT\":", absl::ToUnixMillis(absl::Now()), "}");
  const std::string topic = proto::ProcessingLogTopic(tenant);
  absl::MutexLock lock(&mu_);
  if (producer_ == nullptr) return;
  rd_kafka_resp_err_t err = rd_kafka_producev(
      producer_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_VALUE(value.data(), value.size()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Logger("executor")
        ->warn("processing log of tenant {} not written to Kafka: {}", tenant,
               rd_kafka_err2str(err));
  }
  rd_kafka_poll(producer_, 0);
}

}  // namespace skein::executor
