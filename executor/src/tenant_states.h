#pragma once

// Private: the executor's per-tenant RocksDB instances, opened on first use by a stateful task.

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "skein/state/tenant_state_db.h"

namespace skein::executor {

// Owned by the TaskHost; outlives every task. Threading: thread-safe (workers open lazily).
class TenantStates {
 public:
  explicit TenantStates(std::string data_dir) : data_dir_(std::move(data_dir)) {}

  absl::StatusOr<state::TenantStateDb*> Get(const std::string& tenant) {
    absl::MutexLock lock(&mu_);
    if (auto it = dbs_.find(tenant); it != dbs_.end()) return it->second.get();
    state::TenantStateOptions options;
    if (auto b = budgets_.find(tenant); b != budgets_.end())
      options.memory_budget_bytes = b->second;
    absl::StatusOr<std::unique_ptr<state::TenantStateDb>> db =
        state::TenantStateDb::Open(data_dir_, tenant, options);
    if (!db.ok()) return db.status();
    return (dbs_[tenant] = *std::move(db)).get();
  }

  // Sizes the tenant's RocksDB memory (block cache, and memtables at half of it) now if its
  // instance is open and when it opens. 0 restores the default size.
  absl::Status SetMemoryBudget(const std::string& tenant, size_t bytes) {
    absl::MutexLock lock(&mu_);
    const size_t budget = bytes != 0 ? bytes : state::TenantStateOptions().memory_budget_bytes;
    auto [it, inserted] = budgets_.try_emplace(tenant, budget);
    if (!inserted && it->second == budget) return absl::OkStatus();
    it->second = budget;
    if (auto db = dbs_.find(tenant); db != dbs_.end()) return db->second->SetMemoryBudget(budget);
    return absl::OkStatus();
  }

  // Every open instance by tenant. The pointers stay valid until the TenantStates is destroyed.
  std::vector<std::pair<std::string, state::TenantStateDb*>> OpenDbs() {
    absl::MutexLock lock(&mu_);
    std::vector<std::pair<std::string, state::TenantStateDb*>> out;
    for (const auto& [tenant, db] : dbs_) out.emplace_back(tenant, db.get());
    return out;
  }

 private:
  const std::string data_dir_;
  absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<state::TenantStateDb>> dbs_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, size_t> budgets_ ABSL_GUARDED_BY(mu_);  // tenants with a quota
};

}  // namespace skein::executor
