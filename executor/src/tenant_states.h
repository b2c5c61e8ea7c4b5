#pragma once

// Private: the executor's per-tenant RocksDB instances, opened on first use by a stateful task.

#include <map>
#include <memory>
#include <string>

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
    absl::StatusOr<std::unique_ptr<state::TenantStateDb>> db =
        state::TenantStateDb::Open(data_dir_, tenant);
    if (!db.ok()) return db.status();
    return (dbs_[tenant] = *std::move(db)).get();
  }

 private:
  const std::string data_dir_;
  absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<state::TenantStateDb>> dbs_ ABSL_GUARDED_BY(mu_);
};

}  // namespace skein::executor
