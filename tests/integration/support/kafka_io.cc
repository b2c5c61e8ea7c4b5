#include "kafka_io.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "librdkafka/rdkafka.h"
#include "skein/common/kafka.h"
#include "skein/common/kafka_admin.h"
#include "skein/common/status.h"

namespace skein::testing {
namespace {

using Handle = std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)>;

absl::StatusOr<Handle> NewClient(rd_kafka_type_t type,
                                 const std::vector<std::pair<std::string, std::string>>& settings) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [k, v] : settings) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return absl::InvalidArgumentError(err);
    }
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof(err));
  if (rk == nullptr) return absl::InternalError(err);
  return Handle(rk, &rd_kafka_destroy);
}

}  // namespace

absl::Status ProduceAll(const std::string& bootstrap, const std::string& topic,
                        const std::vector<KafkaRecord>& records) {
  SKEIN_ASSIGN_OR_RETURN(Handle producer,
                         NewClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap},
                                                       {"enable.idempotence", "true"},
                                                       {"linger.ms", "5"},
                                                       {"partitioner", "murmur2_random"}}));
  for (const KafkaRecord& r : records) {
    const void* key = r.key ? r.key->data() : nullptr;
    const size_t key_size = r.key ? r.key->size() : 0;
    void* value = r.value ? const_cast<char*>(r.value->data()) : nullptr;
    const size_t value_size = r.value ? r.value->size() : 0;
    rd_kafka_resp_err_t err;
    do {
      err = rd_kafka_producev(
          producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
          RD_KAFKA_V_PARTITION(r.partition >= 0 ? r.partition : RD_KAFKA_PARTITION_UA),
          RD_KAFKA_V_KEY(key, key_size), RD_KAFKA_V_VALUE(value, value_size),
          RD_KAFKA_V_TIMESTAMP(r.timestamp), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) rd_kafka_poll(producer.get(), 10);
    } while (err == RD_KAFKA_RESP_ERR__QUEUE_FULL);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return FromKafka(err, "produce");
  }
  rd_kafka_resp_err_t flushed = rd_kafka_flush(producer.get(), 30'000);
  if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR) return FromKafka(flushed, "flush");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<KafkaRecord>> ReadTopic(const std::string& bootstrap,
                                                   const std::string& topic, size_t min_records,
                                                   absl::Duration timeout, absl::Duration settle) {
  SKEIN_ASSIGN_OR_RETURN(std::unique_ptr<KafkaAdmin> admin, KafkaAdmin::Create(bootstrap));
  SKEIN_ASSIGN_OR_RETURN(std::optional<int32_t> partitions, admin->Partitions(topic));
  if (!partitions) return absl::NotFoundError(absl::StrCat("topic ", topic, " does not exist"));
  SKEIN_ASSIGN_OR_RETURN(
      Handle consumer,
      NewClient(RD_KAFKA_CONSUMER,
                {{"bootstrap.servers", bootstrap},
                 {"group.id", absl::StrCat("reader-", absl::ToUnixNanos(absl::Now()))},
                 {"enable.auto.commit", "false"},
                 {"isolation.level", "read_committed"}}));
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(*partitions);
  for (int32_t p = 0; p < *partitions; ++p) {
    rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_resp_err_t assigned = rd_kafka_assign(consumer.get(), parts);
  rd_kafka_topic_partition_list_destroy(parts);
  if (assigned != RD_KAFKA_RESP_ERR_NO_ERROR) return FromKafka(assigned, "assign");

  std::vector<KafkaRecord> out;
  const absl::Time deadline = absl::Now() + timeout;
  absl::Time last_record = absl::Now();
  while (absl::Now() < deadline) {
    if (out.size() >= min_records && absl::Now() - last_record >= settle) break;
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.get(), 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      KafkaRecord r;
      r.partition = m->partition;
      r.offset = m->offset;
      r.timestamp = rd_kafka_message_timestamp(m, nullptr);
      if (m->key != nullptr) r.key.emplace(static_cast<const char*>(m->key), m->key_len);
      if (m->payload != nullptr) r.value.emplace(static_cast<const char*>(m->payload), m->len);
      r.received_ms = absl::ToUnixMillis(absl::Now());
      out.push_back(std::move(r));
      last_record = absl::Now();
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(consumer.get());
  std::stable_sort(out.begin(), out.end(), [](const KafkaRecord& a, const KafkaRecord& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
  });
  return out;
}

}  // namespace skein::testing
