#include "metadata_log.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "skein/common/kafka.h"

namespace skein::coordinator {
namespace {

constexpr absl::Duration kTimeout = absl::Seconds(30);

// Delivery reports land here through the message opaque.
void OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* /*opaque*/) {
  *static_cast<rd_kafka_resp_err_t*>(message->_private) = message->err;
}

absl::StatusOr<rd_kafka_t*> NewClient(rd_kafka_type_t type,
                                      const std::map<std::string, std::string>& settings,
                                      bool delivery_reports) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [k, v] : settings) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return absl::InvalidArgumentError(absl::StrCat("metadata log config ", k, ": ", err));
    }
  }
  if (delivery_reports) rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof(err));
  if (rk == nullptr) return absl::InternalError(absl::StrCat("metadata log client: ", err));
  return rk;
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetadataLog>> MetadataLog::Open(const std::string& bootstrap,
                                                               KafkaAdmin* admin,
                                                               const std::string& topic) {
  if (absl::Status s = admin->EnsureTopic(topic, 1, -1, {{"retention.ms", "-1"}}); !s.ok()) {
    return s;
  }
  absl::StatusOr<rd_kafka_t*> producer = NewClient(
      RD_KAFKA_PRODUCER,
      {{"bootstrap.servers", bootstrap}, {"enable.idempotence", "true"}, {"acks", "all"}}, true);
  if (!producer.ok()) return producer.status();
  return std::unique_ptr<MetadataLog>(new MetadataLog(bootstrap, topic, *producer));
}

MetadataLog::~MetadataLog() {
  rd_kafka_flush(producer_, static_cast<int>(absl::ToInt64Milliseconds(kTimeout)));
  rd_kafka_destroy(producer_);
}

absl::StatusOr<std::vector<v1::MetadataEvent>> MetadataLog::ReadAll() {
  absl::StatusOr<rd_kafka_t*> made = NewClient(RD_KAFKA_CONSUMER,
                                               {{"bootstrap.servers", bootstrap_},
                                                {"group.id", "skein-coordinator-metadata"},
                                                {"enable.auto.commit", "false"},
                                                {"isolation.level", "read_committed"}},
                                               false);
  if (!made.ok()) return made.status();
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> consumer(*made, &rd_kafka_destroy);
  int64_t low = 0, high = 0;
  if (absl::Status s = FromKafka(
          rd_kafka_query_watermark_offsets(consumer.get(), topic_.c_str(), 0, &low, &high,
                                           static_cast<int>(absl::ToInt64Milliseconds(kTimeout))),
          "read metadata log end offset");
      !s.ok()) {
    return s;
  }
  std::vector<v1::MetadataEvent> events;
  if (high <= low) return events;
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(parts, topic_.c_str(), 0)->offset = low;
  rd_kafka_resp_err_t assigned = rd_kafka_assign(consumer.get(), parts);
  rd_kafka_topic_partition_list_destroy(parts);
  if (absl::Status s = FromKafka(assigned, "assign metadata log"); !s.ok()) return s;
  const absl::Time deadline = absl::Now() + kTimeout;
  int64_t next = low;
  while (next < high) {
    if (absl::Now() > deadline) {
      return absl::UnavailableError(absl::StrCat("reading ", topic_, " stopped at offset ", next,
                                                 " of ", high, " within ",
                                                 absl::FormatDuration(kTimeout)));
    }
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.get(), 200);
    if (m == nullptr) continue;
    std::unique_ptr<rd_kafka_message_t, decltype(&rd_kafka_message_destroy)> msg(
        m, &rd_kafka_message_destroy);
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) return FromKafka(m->err, "read metadata log");
    next = m->offset + 1;
    v1::MetadataEvent event;
    if (!event.ParseFromArray(m->payload, static_cast<int>(m->len))) {
      return absl::InternalError(
          absl::StrCat("metadata log ", topic_, " offset ", m->offset, " does not parse"));
    }
    events.push_back(std::move(event));
  }
  return events;
}

absl::Status MetadataLog::Append(const v1::MetadataEvent& event) {
  const std::string bytes = event.SerializeAsString();
  absl::MutexLock lock(&append_mu_);
  rd_kafka_resp_err_t delivered = RD_KAFKA_RESP_ERR__IN_PROGRESS;
  rd_kafka_resp_err_t err = rd_kafka_producev(
      producer_, RD_KAFKA_V_TOPIC(topic_.c_str()), RD_KAFKA_V_PARTITION(0),
      RD_KAFKA_V_VALUE(const_cast<char*>(bytes.data()), bytes.size()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(&delivered), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return FromKafka(err, "append to the metadata log");
  const absl::Time deadline = absl::Now() + kTimeout;
  while (delivered == RD_KAFKA_RESP_ERR__IN_PROGRESS && absl::Now() < deadline) {
    rd_kafka_poll(producer_, 100);
  }
  if (delivered == RD_KAFKA_RESP_ERR__IN_PROGRESS) {
    // Purged messages still get their delivery report, so `delivered` is written before it
    // goes out of scope.
    rd_kafka_purge(producer_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    while (delivered == RD_KAFKA_RESP_ERR__IN_PROGRESS) rd_kafka_poll(producer_, 100);
    return absl::UnavailableError(absl::StrCat("the metadata log ", topic_,
                                               " did not acknowledge a write within ",
                                               absl::FormatDuration(kTimeout)));
  }
  return FromKafka(delivered, "append to the metadata log");
}

}  // namespace skein::coordinator
