#pragma once

// The end-to-end measurement both cluster benches share: produce a burst of input while a
// reader tails the output, then throughput over the drain and per-record latency (output
// receive time minus the input's create time; outputs carry their input's timestamp).

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "support/kafka_io.h"

namespace skein::bench {

struct Drain {
  size_t inputs = 0, outputs = 0;
  double seconds = 0;  // first produce to last output
  int64_t p50_ms = 0, p99_ms = 0, max_ms = 0;
  double per_second() const { return seconds > 0 ? static_cast<double>(inputs) / seconds : 0; }
};

// Produces `input` to `in_topic` while reading `expected` records from `out_topic` (up to
// `timeout`). On a failure it says so on stderr under `label` and returns what it has.
inline Drain MeasureDrain(const std::string& label, const std::string& bootstrap,
                          const std::string& in_topic, const std::string& out_topic,
                          const std::vector<testing::KafkaRecord>& input, size_t expected,
                          absl::Duration timeout) {
  Drain d;
  d.inputs = input.size();
  absl::StatusOr<std::vector<testing::KafkaRecord>> read = absl::UnknownError("not read");
  std::thread reader([&] {
    read = testing::ReadTopic(bootstrap, out_topic, expected, timeout, absl::Seconds(2));
  });
  absl::SleepFor(absl::Seconds(1));  // the reader is assigned before the first input
  const int64_t start_ms = absl::ToUnixMillis(absl::Now());
  absl::Status produced = testing::ProduceAll(bootstrap, in_topic, input);
  reader.join();
  if (!produced.ok() || !read.ok()) {
    std::fprintf(stderr, "%s: %s %s\n", label.c_str(), produced.ToString().c_str(),
                 read.status().ToString().c_str());
    return d;
  }
  std::vector<int64_t> latencies;
  int64_t last = start_ms;
  for (const testing::KafkaRecord& k : *read) {
    latencies.push_back(k.received_ms - k.timestamp);
    last = std::max(last, k.received_ms);
  }
  std::sort(latencies.begin(), latencies.end());
  d.outputs = latencies.size();
  d.seconds = static_cast<double>(last - start_ms) / 1000.0;
  if (!latencies.empty()) {
    d.p50_ms = latencies[latencies.size() / 2];
    d.p99_ms = latencies[latencies.size() * 99 / 100];
    d.max_ms = latencies.back();
  }
  return d;
}

}  // namespace skein::bench
