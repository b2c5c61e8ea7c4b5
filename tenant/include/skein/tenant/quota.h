#pragma once

#include <cstdint>
#include <string>

namespace skein::tenant {

// What one tenant may use. Zero means "no limit" for every field. The coordinator enforces
// max_queries and max_tasks at admission; CPU, memory and ingest are enforced by executors.
struct Quota {
  int64_t cpu_millicores = 0;
  int64_t memory_bytes = 0;
  int64_t max_queries = 0;
  int64_t max_tasks = 0;
  int64_t ingest_bytes_per_second = 0;  // optional

  friend bool operator==(const Quota&, const Quota&) = default;
};

// "cpu=500m memory=67108864 queries=10 tasks=40 ingest=unlimited".
std::string QuotaToString(const Quota& quota);

}  // namespace skein::tenant
