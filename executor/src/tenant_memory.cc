#include "tenant_memory.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "skein/common/logging.h"
#include "skein/state/tenant_state_db.h"

namespace skein::executor {
namespace {

std::string MiB(int64_t bytes) {
  return absl::StrFormat("%.1f MiB", static_cast<double>(bytes) / (1 << 20));
}

}  // namespace

std::vector<std::pair<std::string, std::string>> BoundedConsumerSettings() {
  static_assert(kConsumerQueueBytes == (int64_t{2048} << 10) + (int64_t{1} << 20));
  return {{"queued.max.messages.kbytes", "2048"}, {"fetch.max.bytes", "1048576"}};
}

StateMemorySample SampleStateDb(const state::TenantStateDb& db) {
  StateMemorySample sample;
  const state::StateMemoryUsage usage = db.GetMemoryUsage();
  sample.bytes = static_cast<int64_t>(usage.memtable_bytes + usage.block_cache_bytes);
  for (const auto& [query, bytes] : db.MemtableBytesByQuery()) {
    sample.memtable_bytes_by_query[query] = static_cast<int64_t>(bytes);
  }
  return sample;
}

TenantMemory::TenantMemory(StateSampler sampler, absl::Duration grace, Clock* clock)
    : sampler_(std::move(sampler)), ledger_(grace, clock) {}

void TenantMemory::SetQuota(const std::string& tenant, int64_t bytes) {
  ledger_.SetQuota(tenant, bytes);
}

int64_t TenantMemory::Quota(const std::string& tenant) { return ledger_.Quota(tenant); }

void TenantMemory::Charge(const std::string& tenant, const std::string& query, int64_t delta) {
  if (delta == 0) return;
  absl::MutexLock lock(&mu_);
  QueryBytes& q = queries_[tenant][query];
  q.charged += delta;
  ledger_.Charge(tenant, delta);
  if (q.charged == 0 && q.memtables == 0) queries_[tenant].erase(query);
}

void TenantMemory::SampleState() {
  const std::map<std::string, StateMemorySample> samples = sampler_();
  absl::MutexLock lock(&mu_);
  for (const auto& [tenant, sample] : samples) {
    ledger_.SetMeasured(tenant, sample.bytes);
    std::map<std::string, QueryBytes>& queries = queries_[tenant];
    for (auto it = queries.begin(); it != queries.end();) {
      auto m = sample.memtable_bytes_by_query.find(it->first);
      it->second.memtables = m == sample.memtable_bytes_by_query.end() ? 0 : m->second;
      if (it->second.charged == 0 && it->second.memtables == 0) {
        it = queries.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& [query, bytes] : sample.memtable_bytes_by_query) {
      queries[query].memtables = bytes;
    }
  }
}

tenant::MemoryPressure TenantMemory::Check(const std::string& tenant) {
  absl::MutexLock lock(&mu_);  // one caller dooms per grace period
  const tenant::MemoryPressure p = ledger_.Check(tenant);
  if (p != tenant::MemoryPressure::kExhausted) return p;
  DoomLargestLocked(tenant);
  ledger_.RestartGrace(tenant);
  return tenant::MemoryPressure::kPause;
}

void TenantMemory::DoomLargestLocked(const std::string& tenant) {
  const std::string* largest = nullptr;
  int64_t largest_bytes = -1;
  for (const auto& [query, bytes] : queries_[tenant]) {
    if (doomed_.contains({tenant, query})) continue;
    const int64_t held = bytes.charged + bytes.memtables;
    if (held > largest_bytes) {
      largest = &query;
      largest_bytes = held;
    }
  }
  if (largest == nullptr) return;  // nothing of the tenant left to stop here
  const int64_t used = ledger_.Used(tenant);
  const int64_t quota = ledger_.Quota(tenant);
  absl::Status reason = absl::ResourceExhaustedError(absl::StrCat(
      "tenant ", tenant, " memory ", MiB(used), " over quota ", MiB(quota), " for ",
      absl::FormatDuration(ledger_.grace()), " although paused: query ", *largest, " holds ",
      MiB(largest_bytes),
      " (uncommitted state writes, record queues, memtables); it was stopped so the tenant's "
      "other queries can run. Raise the tenant's memory quota or bound the query's state "
      "(e.g. a windowed aggregation)"));
  Logger("executor")->error("tenant={} query={}: {}", tenant, *largest, reason.ToString());
  doomed_.emplace(std::make_pair(tenant, *largest), std::move(reason));
}

std::optional<absl::Status> TenantMemory::DoomedReason(const std::string& tenant,
                                                       const std::string& query) {
  absl::MutexLock lock(&mu_);
  auto it = doomed_.find({tenant, query});
  if (it == doomed_.end()) return std::nullopt;
  return it->second;
}

int64_t TenantMemory::Used(const std::string& tenant) { return ledger_.Used(tenant); }

std::map<std::string, int64_t> TenantMemory::UsedByTenant() {
  std::map<std::string, int64_t> used;
  absl::MutexLock lock(&mu_);
  for (const auto& [tenant, queries] : queries_) used[tenant] = ledger_.Used(tenant);
  return used;
}

}  // namespace skein::executor
