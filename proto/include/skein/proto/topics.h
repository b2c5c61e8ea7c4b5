#pragma once

// Names of the cluster's own topics, shared by the coordinator (which creates them) and the
// executors (which write them).

#include <string>

namespace skein::proto {

// A tenant's processing log: one JSON record per bad record of any of its queries; the
// coordinator exposes it to the tenant as the stream KSQL_PROCESSING_LOG.
inline std::string ProcessingLogTopic(const std::string& tenant) {
  return "_skein-" + tenant + "-processing-log";
}

}  // namespace skein::proto
