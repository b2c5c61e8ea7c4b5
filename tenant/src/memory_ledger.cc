#include "skein/tenant/memory_ledger.h"

namespace skein::tenant {

MemoryLedger::MemoryLedger(absl::Duration exhausted_after, Clock* clock)
    : exhausted_after_(exhausted_after), clock_(clock) {}

void MemoryLedger::SetQuota(absl::string_view tenant, int64_t bytes) {
  absl::MutexLock lock(&mu_);
  Account& a = AccountLocked(tenant);
  a.quota = bytes > 0 ? bytes : 0;
  TrackLocked(a);
}

void MemoryLedger::Charge(absl::string_view tenant, int64_t bytes) {
  absl::MutexLock lock(&mu_);
  Account& a = AccountLocked(tenant);
  a.charged += bytes;
  TrackLocked(a);
}

void MemoryLedger::Release(absl::string_view tenant, int64_t bytes) { Charge(tenant, -bytes); }

void MemoryLedger::SetMeasured(absl::string_view tenant, int64_t bytes) {
  absl::MutexLock lock(&mu_);
  Account& a = AccountLocked(tenant);
  a.measured = bytes;
  TrackLocked(a);
}

int64_t MemoryLedger::Used(absl::string_view tenant) {
  absl::MutexLock lock(&mu_);
  const Account& a = AccountLocked(tenant);
  return a.charged + a.measured;
}

int64_t MemoryLedger::Quota(absl::string_view tenant) {
  absl::MutexLock lock(&mu_);
  return AccountLocked(tenant).quota;
}

MemoryPressure MemoryLedger::Check(absl::string_view tenant) {
  absl::MutexLock lock(&mu_);
  const Account& a = AccountLocked(tenant);
  if (a.over_since == absl::InfiniteFuture()) return MemoryPressure::kOk;
  if (clock_->Now() - a.over_since >= exhausted_after_) return MemoryPressure::kExhausted;
  return MemoryPressure::kPause;
}

void MemoryLedger::RestartGrace(absl::string_view tenant) {
  absl::MutexLock lock(&mu_);
  Account& a = AccountLocked(tenant);
  if (a.over_since != absl::InfiniteFuture()) a.over_since = clock_->Now();
}

MemoryLedger::Account& MemoryLedger::AccountLocked(absl::string_view tenant) {
  return accounts_[tenant];
}

void MemoryLedger::TrackLocked(Account& a) {
  bool over = a.quota > 0 && a.charged + a.measured >= a.quota;
  if (!over) {
    a.over_since = absl::InfiniteFuture();
  } else if (a.over_since == absl::InfiniteFuture()) {
    a.over_since = clock_->Now();
  }
}

}  // namespace skein::tenant
