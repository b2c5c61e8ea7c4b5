// Planned moves: draining an executor before it is stopped (QueryManager::Drain).

#include "absl/strings/str_cat.h"
#include "query_manager.h"
#include "skein/common/logging.h"

namespace skein::coordinator {

absl::Status QueryManager::Drain(const std::string& executor_id) {
  if (absl::StatusOr<v1::ExecutorView> e = membership_->Describe(executor_id); !e.ok()) {
    return e.status();
  }
  absl::MutexLock lock(&mu_);
  if (draining_.count(executor_id)) return absl::OkStatus();
  bool another = false;
  for (const v1::ExecutorView& e : membership_->List()) {
    another |= e.state() == v1::EXECUTOR_STATE_ALIVE && e.info().id() != executor_id &&
               !draining_.count(e.info().id());
  }
  if (!another) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot drain executor ", executor_id,
                     ": no other ALIVE executor would be left to run its tasks; start "
                     "another executor first (or undrain one)"));
  }
  draining_.insert(executor_id);
  Logger("coordinator")
      ->info("executor={}: draining, its tasks move to other executors", executor_id);
  RebalanceLocked();
  return absl::OkStatus();
}

absl::Status QueryManager::Undrain(const std::string& executor_id) {
  if (absl::StatusOr<v1::ExecutorView> e = membership_->Describe(executor_id); !e.ok()) {
    return e.status();
  }
  absl::MutexLock lock(&mu_);
  if (draining_.erase(executor_id) == 0) return absl::OkStatus();
  Logger("coordinator")->info("executor={}: undrained, it takes tasks again", executor_id);
  RebalanceLocked();
  return absl::OkStatus();
}

void QueryManager::AddDrainState(v1::ExecutorView* view) const {
  absl::MutexLock lock(&mu_);
  view->set_draining(draining_.count(view->info().id()) > 0);
  uint32_t held = 0;
  for (const auto& [key, executor] : holder_) held += executor == view->info().id();
  view->set_assigned_tasks(held);
}

}  // namespace skein::coordinator
