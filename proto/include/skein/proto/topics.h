#pragma once

// Names of the cluster's own topics and transactional ids, shared by the coordinator (which
// creates or fences them) and the executors (which write them).

#include <cstdint>
#include <string>

namespace skein::proto {

// A tenant's processing log: one JSON record per bad record of any of its queries; the
// coordinator exposes it to the tenant as the stream KSQL_PROCESSING_LOG.
inline std::string ProcessingLogTopic(const std::string& tenant) {
  return "_skein-" + tenant + "-processing-log";
}

// The compacted changelog topic of state store `store` of stage `stage` of a query, under the
// tenant's internal prefix; one partition per task of the stage.
inline std::string ChangelogTopic(const std::string& tenant, const std::string& query,
                                  uint32_t stage, const std::string& store) {
  return "_skein-" + tenant + "-" + query + "-" + std::to_string(stage) + "-" + store +
         "-changelog";
}

// The transactional id of worker `worker` of executor `executor_id`: stable across restarts
// of the executor, so a restarted executor (or the coordinator, before moving a DEAD
// executor's tasks) fences the previous incarnation by initializing the same id.
inline std::string TransactionalId(const std::string& executor_id, uint32_t worker) {
  return "skein-" + executor_id + "-w" + std::to_string(worker);
}

}  // namespace skein::proto
