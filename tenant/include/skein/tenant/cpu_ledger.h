#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "skein/common/clock.h"

namespace skein::tenant {

// One executor's CPU accounting per tenant: the quota enforcement and the fair-queuing order
// its worker threads schedule tasks by.
//
// - Cap: a tenant with a quota of Q millicores may use Q/1000 × period of CPU time per period,
//   summed over all worker threads. Work is charged after it ran (a slice cannot be stopped
//   half-way), so a slice can overshoot: the overshoot is carried into the next periods as debt,
//   which keeps the long-run average at or under the cap. A tenant over its budget is not
//   scheduled until a period gives it budget again; its sources simply are not polled (nothing
//   is dropped).
// - Order: weighted fair queuing on measured CPU. Each tenant has a virtual time, the CPU it
//   was charged divided by its weight (its quota, or kDefaultWeightMillicores when it has none);
//   workers run the runnable task whose tenant's virtual time is lowest. A tenant that was idle
//   re-enters at the lowest virtual time among active tenants, so idleness earns no credit.
//
// Threading: every method is safe to call from any thread (one mutex; callers take it once per
// slice of work, not per record).
class CpuLedger {
 public:
  static constexpr int64_t kDefaultWeightMillicores = 1000;

  explicit CpuLedger(absl::Duration period = absl::Milliseconds(100), Clock* clock = Clock::Real());

  // 0 (the default for an unknown tenant) means no cap.
  void SetQuota(absl::string_view tenant, int64_t millicores);

  // False while the tenant has used up its budget for the current period.
  bool MayRun(absl::string_view tenant);
  // When a throttled tenant may run again (the start of the period that gives it budget);
  // absl::InfinitePast() when it may run now.
  absl::Time RunnableAt(absl::string_view tenant);

  // Charges CPU time the tenant's work used.
  void Charge(absl::string_view tenant, absl::Duration cpu);

  // The fair-queuing key: lower runs first.
  double VirtualTime(absl::string_view tenant);

  // Total CPU charged to the tenant since the ledger started (metering).
  absl::Duration TotalCpu(absl::string_view tenant);
  // Total time the tenant was held back by its cap since the ledger started: the spans from
  // each RunnableAt() that found it over budget to the time it returned (overlapping answers
  // counted once). A quota raised mid-span still counts the span announced.
  absl::Duration ThrottledTime(absl::string_view tenant);

 private:
  struct Account {
    int64_t quota_millicores = 0;
    int64_t period_index = 0;  // the period `used` belongs to
    absl::Duration used;       // in that period, including carried debt
    absl::Duration total;
    double virtual_time = 0;
    absl::Time last_charge = absl::InfinitePast();
    absl::Time throttled_until = absl::InfinitePast();  // end of the span counted so far
    absl::Duration throttled;
  };

  Account& AccountLocked(absl::string_view tenant) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Moves the account to the current period, paying down debt with each elapsed period's budget.
  void RollLocked(Account& a, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Duration BudgetPerPeriod(const Account& a) const;
  int64_t PeriodIndex(absl::Time now) const;
  double MinActiveVirtualTimeLocked(absl::Time now) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration period_;
  Clock* const clock_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Account> accounts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace skein::tenant
