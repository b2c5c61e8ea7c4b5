#pragma once

// Private: per-tenant memory metering and quota enforcement on one executor
// (docs/architecture.md, "Memory quotas on executors").

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "skein/common/clock.h"
#include "skein/tenant/memory_ledger.h"

namespace skein::state {
class TenantStateDb;
}  // namespace skein::state

namespace skein::executor {

// What one task consumer's librdkafka fetch queue may hold, charged for every task that has a
// consumer: queued.max.messages.kbytes (2 MiB) plus one fetch response in flight
// (fetch.max.bytes, 1 MiB). Consumers of a tenant with a memory quota are configured with
// BoundedConsumerSettings() so that the bound holds.
inline constexpr int64_t kConsumerQueueBytes = int64_t{3} << 20;
std::vector<std::pair<std::string, std::string>> BoundedConsumerSettings();

// The RocksDB memory of one tenant's state database, sampled: all of it (block cache and
// memtables), and the memtables per query.
struct StateMemorySample {
  int64_t bytes = 0;
  std::map<std::string, int64_t> memtable_bytes_by_query;
};

// Real memory of the instance: memtables plus cached blocks (the cache's reservations for the
// memtables are not counted twice), and the memtables per query.
StateMemorySample SampleStateDb(const state::TenantStateDb& db);

// Meters each tenant's memory on this executor and decides what its quota asks of its tasks.
// A tenant's bytes are the sampled RocksDB memory of its state database plus what its tasks
// hold and charge (uncommitted write batches, the fetch-queue bound of their consumers). Over
// the quota its sources pause; over it for the whole grace period although paused, the query
// holding the most memory (its charges plus its memtables) is doomed: its tasks fail with
// RESOURCE_EXHAUSTED, and the grace starts again for whatever is left.
//
// Owned by the TaskHost, shared by its workers. Threading: every method from any thread.
// Per tenant inside.
class TenantMemory {
 public:
  // Samples every open state database (tenant -> sample); called by SampleState().
  using StateSampler = std::function<std::map<std::string, StateMemorySample>()>;

  explicit TenantMemory(StateSampler sampler, absl::Duration grace = absl::Seconds(10),
                        Clock* clock = Clock::Real());

  // 0 means no quota (the tenant is metered but never paused).
  void SetQuota(const std::string& tenant, int64_t bytes);
  int64_t Quota(const std::string& tenant);

  // Adds `delta` (negative to release) to what `query`'s tasks hold for `tenant`.
  void Charge(const std::string& tenant, const std::string& query, int64_t delta);
  // Replaces every tenant's RocksDB bytes with a fresh sample.
  void SampleState();

  // kOk: run. kPause: over the quota; leave the tenant's sources alone (commit what they
  // buffered). When the grace ran out this call dooms the tenant's largest query (see
  // DoomedReason) and answers kPause; kExhausted is never returned.
  tenant::MemoryPressure Check(const std::string& tenant);

  // The RESOURCE_EXHAUSTED status a doomed query's tasks fail with; nullopt for the others.
  std::optional<absl::Status> DoomedReason(const std::string& tenant, const std::string& query);

  int64_t Used(const std::string& tenant);
  // Memory of every tenant metered here, for the status report and metrics.
  std::map<std::string, int64_t> UsedByTenant();

 private:
  struct QueryBytes {
    int64_t charged = 0;
    int64_t memtables = 0;
  };
  void DoomLargestLocked(const std::string& tenant) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const StateSampler sampler_;
  tenant::MemoryLedger ledger_;  // tenant totals, the quota and the grace
  absl::Mutex mu_;
  // tenant -> query -> bytes.
  std::map<std::string, std::map<std::string, QueryBytes>> queries_ ABSL_GUARDED_BY(mu_);
  // (tenant, query) -> why it was failed.
  std::map<std::pair<std::string, std::string>, absl::Status> doomed_ ABSL_GUARDED_BY(mu_);
};

}  // namespace skein::executor
