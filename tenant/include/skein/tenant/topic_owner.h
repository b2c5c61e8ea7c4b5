#pragma once

// Which tenant a Kafka topic belongs to. A tenant's topics are named under its prefix:
// "<tenant>.<name>" for its own topics, "_skein-<tenant>-..." and "_skein-push-<tenant>-..."
// for the ones Skein creates for it (repartition, changelog, processing log, push queries).

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace skein::tenant {

// The tenant among `tenants` whose prefix `topic` is under (the longest name wins, so tenant
// "a-b" owns "_skein-a-b-x" rather than tenant "a"); nullopt when none.
std::optional<std::string> TopicOwner(const std::string& topic,
                                      const std::vector<std::string>& tenants);

// OK when `tenant` may read or write `topic`: PERMISSION_DENIED when the topic is another
// tenant's, or when it is under no tenant's prefix and `tenant` is not the default tenant
// (which owns the unprefixed topics of single-tenant clusters). The message says how to name it.
absl::Status CheckTopicAccess(const std::string& tenant, const std::string& topic,
                              const std::vector<std::string>& tenants);

}  // namespace skein::tenant
