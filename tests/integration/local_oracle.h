#pragma once

// What `skein test`'s in-process engine (compiler + runtime over in-memory topics) writes for
// some statements and inputs: the oracle the cluster tests compare a real cluster's output with.
// Tests that include this compile coordinator/cli/local_engine.cc.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "local_engine.h"
#include "skein/runtime/operators.h"
#include "support/kafka_io.h"

namespace skein::testing {

using OracleInputs = std::vector<std::pair<std::string, std::vector<KafkaRecord>>>;

// Runs `statements`, appends `inputs` (topics in order; each record partitioned by key over
// `partitions` as a Java producer would) and returns every record of `sink_topic`.
inline absl::StatusOr<std::vector<runtime::Record>> RunLocalOracle(const std::string& statements,
                                                                   const OracleInputs& inputs,
                                                                   const std::string& sink_topic,
                                                                   int partitions) {
  cli::LocalEngine engine;
  if (absl::Status s = engine.ExecuteStatements(statements); !s.ok()) return s;
  for (const auto& [topic, records] : inputs) {
    for (const KafkaRecord& k : records) {
      runtime::Record r;
      r.topic = topic;
      r.key = k.key;
      r.value = k.value;
      r.timestamp = k.timestamp;
      r.partition = runtime::KafkaPartition(*k.key, partitions);
      if (auto appended = engine.topics().Append(std::move(r)); !appended.ok()) {
        return appended.status();
      }
    }
  }
  if (absl::Status s = engine.RunUntilQuiescent(); !s.ok()) return s;
  return engine.topics().ReadAll(sink_topic);
}

}  // namespace skein::testing
