#include "skein/tenant/quota.h"

#include "absl/strings/str_cat.h"

namespace skein::tenant {
namespace {

std::string Limit(int64_t value, absl::string_view unit) {
  return value == 0 ? std::string("unlimited") : absl::StrCat(value, unit);
}

}  // namespace

std::string QuotaToString(const Quota& quota) {
  return absl::StrCat(
      "cpu=", Limit(quota.cpu_millicores, "m"), " memory=", Limit(quota.memory_bytes, ""),
      " queries=", Limit(quota.max_queries, ""), " tasks=", Limit(quota.max_tasks, ""),
      " ingest=", Limit(quota.ingest_bytes_per_second, "B/s"));
}

}  // namespace skein::tenant
