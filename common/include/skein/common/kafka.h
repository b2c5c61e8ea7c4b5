#pragma once

// Kafka access shared by both planes: error translation and broker probes.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "librdkafka/rdkafka.h"

namespace skein {

// Maps a librdkafka error to the code that tells the caller how to recover:
// UNAVAILABLE (retry: transport, timeouts, leader moves), ABORTED (restart the
// transaction/epoch: fencing, abortable txn errors), NOT_FOUND (unknown topic/partition),
// ALREADY_EXISTS, PERMISSION_DENIED (ACLs), INVALID_ARGUMENT (bad config/request),
// INTERNAL otherwise. `op` names what was attempted and starts the message.
absl::Status FromKafka(rd_kafka_resp_err_t err, absl::string_view op);

// Connects to `bootstrap` and returns the Kafka cluster id once a broker answers metadata.
// UNAVAILABLE with what librdkafka saw when no broker answers within `timeout`.
absl::StatusOr<std::string> ProbeKafkaCluster(const std::string& bootstrap, absl::Duration timeout);

}  // namespace skein
