#include "skein/tenant/cpu_ledger.h"

#include <algorithm>
#include <limits>

namespace skein::tenant {
namespace {

// A tenant that was charged within this many periods counts as active for fair queuing.
constexpr int64_t kActivePeriods = 2;

}  // namespace

CpuLedger::CpuLedger(absl::Duration period, Clock* clock) : period_(period), clock_(clock) {}

void CpuLedger::SetQuota(absl::string_view tenant, int64_t millicores) {
  absl::MutexLock lock(&mu_);
  Account& a = AccountLocked(tenant);
  RollLocked(a, clock_->Now());
  a.quota_millicores = std::max<int64_t>(0, millicores);
}

bool CpuLedger::MayRun(absl::string_view tenant) {
  return RunnableAt(tenant) == absl::InfinitePast();
}

absl::Time CpuLedger::RunnableAt(absl::string_view tenant) {
  absl::MutexLock lock(&mu_);
  absl::Time now = clock_->Now();
  Account& a = AccountLocked(tenant);
  RollLocked(a, now);
  absl::Duration budget = BudgetPerPeriod(a);
  if (a.quota_millicores == 0 || a.used < budget) return absl::InfinitePast();
  // After k more periods `used` is used - k × budget; the tenant runs once that is under budget.
  absl::Duration rem;
  int64_t k = absl::IDivDuration(a.used - budget, budget, &rem) + 1;
  const absl::Time runnable_at = absl::UnixEpoch() + (a.period_index + k) * period_;
  a.throttled += std::max(absl::ZeroDuration(), runnable_at - std::max(now, a.throttled_until));
  a.throttled_until = std::max(a.throttled_until, runnable_at);
  return runnable_at;
}

void CpuLedger::Charge(absl::string_view tenant, absl::Duration cpu) {
  absl::MutexLock lock(&mu_);
  absl::Time now = clock_->Now();
  Account& a = AccountLocked(tenant);
  RollLocked(a, now);
  bool idle = a.last_charge < now - kActivePeriods * period_;
  if (idle) a.virtual_time = std::max(a.virtual_time, MinActiveVirtualTimeLocked(now));
  a.used += cpu;
  a.total += cpu;
  int64_t weight = a.quota_millicores > 0 ? a.quota_millicores : kDefaultWeightMillicores;
  a.virtual_time += absl::ToDoubleNanoseconds(cpu) / static_cast<double>(weight);
  a.last_charge = now;
}

double CpuLedger::VirtualTime(absl::string_view tenant) {
  absl::MutexLock lock(&mu_);
  absl::Time now = clock_->Now();
  Account& a = AccountLocked(tenant);
  if (a.last_charge >= now - kActivePeriods * period_) return a.virtual_time;
  return std::max(a.virtual_time, MinActiveVirtualTimeLocked(now));
}

absl::Duration CpuLedger::TotalCpu(absl::string_view tenant) {
  absl::MutexLock lock(&mu_);
  return AccountLocked(tenant).total;
}

absl::Duration CpuLedger::ThrottledTime(absl::string_view tenant) {
  absl::MutexLock lock(&mu_);
  return AccountLocked(tenant).throttled;
}

CpuLedger::Account& CpuLedger::AccountLocked(absl::string_view tenant) {
  auto [it, inserted] = accounts_.try_emplace(tenant);
  if (inserted) it->second.period_index = PeriodIndex(clock_->Now());
  return it->second;
}

void CpuLedger::RollLocked(Account& a, absl::Time now) {
  int64_t index = PeriodIndex(now);
  if (index <= a.period_index) return;
  if (a.quota_millicores == 0) {
    a.used = absl::ZeroDuration();
  } else {
    absl::Duration paid = (index - a.period_index) * BudgetPerPeriod(a);
    a.used = std::max(absl::ZeroDuration(), a.used - paid);
  }
  a.period_index = index;
}

absl::Duration CpuLedger::BudgetPerPeriod(const Account& a) const {
  return period_ * a.quota_millicores / 1000;
}

int64_t CpuLedger::PeriodIndex(absl::Time now) const {
  absl::Duration rem;
  return absl::IDivDuration(now - absl::UnixEpoch(), period_, &rem);
}

double CpuLedger::MinActiveVirtualTimeLocked(absl::Time now) const {
  double min = std::numeric_limits<double>::infinity();
  for (const auto& [name, a] : accounts_) {
    if (a.last_charge >= now - kActivePeriods * period_) min = std::min(min, a.virtual_time);
  }
  return min == std::numeric_limits<double>::infinity() ? 0 : min;
}

}  // namespace skein::tenant
