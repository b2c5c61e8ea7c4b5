#include "kafka_admin.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "librdkafka/rdkafka.h"
#include "skein/common/kafka.h"

namespace skein::testing {

absl::Status CreateTopic(const std::string& bootstrap, const std::string& topic, int partitions) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), errstr, sizeof(errstr));
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> rk(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr)), &rd_kafka_destroy);
  if (rk == nullptr) return absl::InternalError(errstr);
  rd_kafka_NewTopic_t* new_topic =
      rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, errstr, sizeof(errstr));
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk.get());
  rd_kafka_CreateTopics(rk.get(), &new_topic, 1, nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30'000);
  absl::Status status = absl::DeadlineExceededError("CreateTopics timed out");
  if (event != nullptr) {
    const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event);
    size_t count = 0;
    const rd_kafka_topic_result_t** topics = rd_kafka_CreateTopics_result_topics(result, &count);
    status = rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR
                 ? FromKafka(rd_kafka_event_error(event), "create topics")
                 : (count == 1 ? FromKafka(rd_kafka_topic_result_error(topics[0]),
                                           absl::StrCat("create topic ", topic))
                               : absl::InternalError("no topic result"));
    rd_kafka_event_destroy(event);
  }
  rd_kafka_NewTopic_destroy(new_topic);
  rd_kafka_queue_destroy(queue);
  return status;
}

}  // namespace skein::testing
