#pragma once

// A steady offered load for a cluster bench: a producer sends records at a fixed rate for a
// fixed window while a reader tails the query's output. Reports what was delivered within the
// window and the end-to-end latency of every record (output receive time minus the input's
// produce timestamp; Skein's outputs carry their input's timestamp).

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "librdkafka/rdkafka.h"
#include "support/kafka_io.h"

namespace skein::bench {

struct PacedResult {
  size_t produced = 0, outputs = 0;
  size_t delivered_in_window = 0;  // outputs received before the window closed
  double window_seconds = 0;
  int64_t p50_ms = 0, p99_ms = 0, max_ms = 0;
  double offered_per_second() const { return produced / std::max(window_seconds, 1e-9); }
  double delivered_per_second() const {
    return delivered_in_window / std::max(window_seconds, 1e-9);
  }
};

// Produces small keyed JSON records `{"VIEW_MS":n}` to `in_topic` at `rate` per second for
// `window`, timestamped when produced, while reading them back from `out_topic`. On a failure
// it says so on stderr under `label` and returns what it has.
inline PacedResult RunPacedLoad(const std::string& label, const std::string& bootstrap,
                                const std::string& in_topic, const std::string& out_topic, int rate,
                                absl::Duration window) {
  PacedResult result;
  result.window_seconds = absl::ToDoubleSeconds(window);
  const size_t total = static_cast<size_t>(rate * result.window_seconds);
  absl::StatusOr<std::vector<testing::KafkaRecord>> read = absl::UnknownError("not read");
  std::thread reader([&] {
    read = testing::ReadTopic(bootstrap, out_topic, total, window + absl::Minutes(2),
                              absl::Seconds(2));
  });
  absl::SleepFor(absl::Seconds(1));  // the reader is assigned before the first input

  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [k, v] :
       std::vector<std::pair<std::string, std::string>>{{"bootstrap.servers", bootstrap},
                                                        {"linger.ms", "1"},
                                                        {"partitioner", "murmur2_random"}}) {
    rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err));
  }
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> producer(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err)), &rd_kafka_destroy);
  if (producer == nullptr) {
    std::fprintf(stderr, "%s: producer: %s\n", label.c_str(), err);
    reader.join();
    return result;
  }
  const absl::Time start = absl::Now();
  const absl::Time window_end = start + window;
  for (size_t i = 0; i < total; ++i) {
    const absl::Time due = start + window * (static_cast<double>(i) / static_cast<double>(total));
    if (const absl::Time now = absl::Now(); due > now) absl::SleepFor(due - now);
    const std::string key = absl::StrCat("\"user-", i % 1000, "\"");
    const std::string value = absl::StrCat("{\"VIEW_MS\":", (i * 37) % 1000, "}");
    rd_kafka_resp_err_t e;
    do {
      e = rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(in_topic.c_str()),
                            RD_KAFKA_V_KEY(key.data(), key.size()),
                            RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) rd_kafka_poll(producer.get(), 10);
    } while (e == RD_KAFKA_RESP_ERR__QUEUE_FULL);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "%s: produce: %s\n", label.c_str(), rd_kafka_err2str(e));
      break;
    }
    ++result.produced;
    rd_kafka_poll(producer.get(), 0);
  }
  rd_kafka_flush(producer.get(), 30'000);
  reader.join();
  if (!read.ok()) {
    std::fprintf(stderr, "%s: %s\n", label.c_str(), read.status().ToString().c_str());
    return result;
  }
  const int64_t window_end_ms = absl::ToUnixMillis(window_end);
  std::vector<int64_t> latencies;
  latencies.reserve(read->size());
  for (const testing::KafkaRecord& k : *read) {
    latencies.push_back(k.received_ms - k.timestamp);
    if (k.received_ms <= window_end_ms) ++result.delivered_in_window;
  }
  std::sort(latencies.begin(), latencies.end());
  result.outputs = latencies.size();
  if (!latencies.empty()) {
    result.p50_ms = latencies[latencies.size() / 2];
    result.p99_ms = latencies[latencies.size() * 99 / 100];
    result.max_ms = latencies.back();
  }
  return result;
}

}  // namespace skein::bench
