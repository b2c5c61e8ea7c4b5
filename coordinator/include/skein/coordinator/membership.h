#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "skein/common/clock.h"
#include "skein/v1/admin.pb.h"
#include "skein/v1/executor.pb.h"

namespace skein::coordinator {

// The coordinator's view of which executors exist and whether they hold a lease.
//
// An executor registers (getting a fresh epoch that fences its earlier registrations), then
// heartbeats with that epoch. When no heartbeat arrives for `lease`, ExpireLeases() declares it
// DEAD; a DEAD executor's heartbeats are refused with ABORTED until it registers again, so a
// paused "zombie" process can never silently resume its old identity.
//
// Owned by the CoordinatorServer. Thread-safe: RPC handlers and the lease checker call it
// concurrently. Time comes only from the injected clock.
class Membership {
 public:
  Membership(Clock* clock, absl::Duration lease);

  absl::Duration lease() const { return lease_; }

  // Registers `info` (or re-registers the same id) as ALIVE and returns its new epoch.
  // INVALID_ARGUMENT when the id or address is empty.
  absl::StatusOr<uint64_t> Register(const v1::ExecutorInfo& info);

  // Renews the lease of executor `id` at registration `epoch` and records its load.
  // NOT_FOUND for an id never registered here (e.g. after a coordinator restart);
  // ABORTED when `epoch` is not the current one or the executor was declared DEAD —
  // both mean: register again.
  absl::Status Heartbeat(absl::string_view id, uint64_t epoch, const v1::ExecutorLoad& load);

  // Checks `epoch` is current and the executor ALIVE, without renewing the lease.
  absl::Status CheckCurrent(absl::string_view id, uint64_t epoch) const;

  // Declares DEAD every ALIVE executor whose lease has expired; returns their ids.
  std::vector<std::string> ExpireLeases();

  std::vector<v1::ExecutorView> List() const;
  // NOT_FOUND for an unknown id.
  absl::StatusOr<v1::ExecutorView> Describe(absl::string_view id) const;
  // When the lease of `id` runs out if no further heartbeat arrives.
  absl::Time LeaseDeadline(absl::string_view id) const;

 private:
  struct Record {
    v1::ExecutorInfo info;
    v1::ExecutorState state = v1::EXECUTOR_STATE_UNSPECIFIED;
    uint64_t epoch = 0;
    absl::Time registered_at;
    absl::Time last_heartbeat;
    absl::Time state_changed_at;
    std::string reason;
    v1::ExecutorLoad load;
  };

  absl::Status CheckCurrentLocked(absl::string_view id, uint64_t epoch) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static v1::ExecutorView ToView(const Record& record);

  Clock* const clock_;
  const absl::Duration lease_;
  mutable absl::Mutex mu_;
  // Epochs are unique across the cluster's life: seeded from the start time in milliseconds,
  // so they keep increasing across coordinator restarts.
  uint64_t next_epoch_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Record, std::less<>> executors_ ABSL_GUARDED_BY(mu_);
};

}  // namespace skein::coordinator
