// Round-trips records through the real test broker with librdkafka: the ground every data-path
// test stands on.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "librdkafka/rdkafka.h"
#include "support/kafka_admin.h"
#include "support/process.h"

namespace skein::testing {
namespace {

constexpr int kRecords = 10'000;
constexpr int kPartitions = 3;

TEST(KafkaRoundTripTest, TenThousandRecordsComeBackExactlyInPartitionOrder) {
  const std::string bootstrap = KafkaBootstrap();
  ASSERT_FALSE(bootstrap.empty()) << "the kafka fixture did not start a broker";
  const std::string topic = absl::StrCat("roundtrip-", absl::ToUnixNanos(absl::Now()));
  ASSERT_TRUE(CreateTopic(bootstrap, topic, kPartitions).ok());

  // Produce keyed records; the key picks the partition.
  char errstr[512];
  rd_kafka_conf_t* pconf = rd_kafka_conf_new();
  rd_kafka_conf_set(pconf, "bootstrap.servers", bootstrap.c_str(), errstr, sizeof(errstr));
  rd_kafka_conf_set(pconf, "enable.idempotence", "true", errstr, sizeof(errstr));
  rd_kafka_conf_set(pconf, "linger.ms", "5", errstr, sizeof(errstr));
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> producer(
      rd_kafka_new(RD_KAFKA_PRODUCER, pconf, errstr, sizeof(errstr)), &rd_kafka_destroy);
  ASSERT_NE(producer, nullptr) << errstr;
  for (int i = 0; i < kRecords; ++i) {
    std::string key = absl::StrCat("user-", i % 97);
    std::string value = absl::StrCat("{\"seq\":", i, "}");
    rd_kafka_resp_err_t err;
    do {
      err = rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                              RD_KAFKA_V_KEY(key.data(), key.size()),
                              RD_KAFKA_V_VALUE(value.data(), value.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) rd_kafka_poll(producer.get(), 10);
    } while (err == RD_KAFKA_RESP_ERR__QUEUE_FULL);
    ASSERT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
  }
  ASSERT_EQ(rd_kafka_flush(producer.get(), 30'000), RD_KAFKA_RESP_ERR_NO_ERROR);

  // Consume every partition from the beginning by explicit assignment (as executors do).
  rd_kafka_conf_t* cconf = rd_kafka_conf_new();
  rd_kafka_conf_set(cconf, "bootstrap.servers", bootstrap.c_str(), errstr, sizeof(errstr));
  rd_kafka_conf_set(cconf, "group.id", topic.c_str(), errstr, sizeof(errstr));
  rd_kafka_conf_set(cconf, "enable.auto.commit", "false", errstr, sizeof(errstr));
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> consumer(
      rd_kafka_new(RD_KAFKA_CONSUMER, cconf, errstr, sizeof(errstr)), &rd_kafka_destroy);
  ASSERT_NE(consumer, nullptr) << errstr;
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(kPartitions);
  for (int p = 0; p < kPartitions; ++p) {
    rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  ASSERT_EQ(rd_kafka_assign(consumer.get(), parts), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(parts);

  std::map<std::string, std::vector<int>> seqs_by_key;
  std::map<int, int64_t> next_offset;
  int received = 0;
  absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (received < kRecords && absl::Now() < deadline) {
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(consumer.get(), 200);
    if (msg == nullptr) continue;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::string key(static_cast<const char*>(msg->key), msg->key_len);
      std::string value(static_cast<const char*>(msg->payload), msg->len);
      EXPECT_EQ(msg->offset, next_offset[msg->partition]) << "gap or duplicate in partition";
      next_offset[msg->partition] = msg->offset + 1;
      int seq = std::stoi(value.substr(7));
      EXPECT_EQ(key, absl::StrCat("user-", seq % 97));
      seqs_by_key[key].push_back(seq);
      ++received;
    }
    rd_kafka_message_destroy(msg);
  }
  rd_kafka_consumer_close(consumer.get());
  ASSERT_EQ(received, kRecords);
  // Every key's records arrive once each and in production order.
  int total = 0;
  for (const auto& [key, seqs] : seqs_by_key) {
    for (size_t i = 1; i < seqs.size(); ++i) ASSERT_LT(seqs[i - 1], seqs[i]) << key;
    total += static_cast<int>(seqs.size());
  }
  EXPECT_EQ(total, kRecords);
  EXPECT_EQ(seqs_by_key.size(), 97u);
  EXPECT_EQ(next_offset.size(), static_cast<size_t>(kPartitions)) << "all partitions were used";
}

}  // namespace
}  // namespace skein::testing
