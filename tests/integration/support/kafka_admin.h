#pragma once

#include <string>

#include "absl/status/status.h"

namespace skein::testing {

// Creates `topic` with `partitions` partitions (replication factor 1) and waits for it.
absl::Status CreateTopic(const std::string& bootstrap, const std::string& topic, int partitions);

}  // namespace skein::testing
