#pragma once

// Private: tenant::Quota <-> skein.v1.Quota.

#include "skein/tenant/quota.h"
#include "skein/v1/tenants.pb.h"

namespace skein::coordinator {

inline tenant::Quota QuotaFromProto(const v1::Quota& q) {
  return tenant::Quota{q.cpu_millicores(), q.memory_bytes(), q.max_queries(), q.max_tasks(),
                       q.ingest_bytes_per_second()};
}

inline v1::Quota QuotaToProto(const tenant::Quota& q) {
  v1::Quota out;
  out.set_cpu_millicores(q.cpu_millicores);
  out.set_memory_bytes(q.memory_bytes);
  out.set_max_queries(q.max_queries);
  out.set_max_tasks(q.max_tasks);
  out.set_ingest_bytes_per_second(q.ingest_bytes_per_second);
  return out;
}

}  // namespace skein::coordinator
