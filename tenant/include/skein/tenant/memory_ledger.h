#pragma once

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "skein/common/clock.h"

namespace skein::tenant {

// What a tenant's memory use asks of the executor.
enum class MemoryPressure {
  kOk,         // under the cap: run
  kPause,      // at or over the cap: pause the tenant's sources until it is back under
  kExhausted,  // over the cap for longer than the grace although paused: fail the query
};

// One executor's memory accounting per tenant. Two kinds of bytes are summed against the cap:
// bytes the executor holds for the tenant and charges explicitly (record queues, operator
// buffers, uncommitted write batches), and bytes measured elsewhere and reported periodically
// (RocksDB memtables and block cache of the tenant's database).
// Threading: every method is safe to call from any thread.
class MemoryLedger {
 public:
  explicit MemoryLedger(absl::Duration exhausted_after = absl::Seconds(10),
                        Clock* clock = Clock::Real());

  // 0 (the default for an unknown tenant) means no cap.
  void SetQuota(absl::string_view tenant, int64_t bytes);

  void Charge(absl::string_view tenant, int64_t bytes);
  void Release(absl::string_view tenant, int64_t bytes);
  // Replaces the tenant's measured bytes (e.g. RocksDB usage sampled by a reporter thread).
  void SetMeasured(absl::string_view tenant, int64_t bytes);

  int64_t Used(absl::string_view tenant);
  int64_t Quota(absl::string_view tenant);
  MemoryPressure Check(absl::string_view tenant);
  // Starts the grace period again if the tenant is over its cap (called after failing a query
  // to get it back under: the next query fails only if that did not help within the grace).
  void RestartGrace(absl::string_view tenant);
  // How long a tenant may stay over its cap before Check() says kExhausted.
  absl::Duration grace() const { return exhausted_after_; }

 private:
  struct Account {
    int64_t quota = 0;
    int64_t charged = 0;
    int64_t measured = 0;
    absl::Time over_since = absl::InfiniteFuture();  // when it last went over the cap
  };
  Account& AccountLocked(absl::string_view tenant) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Keeps `over_since` current after any change of the account.
  void TrackLocked(Account& a) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration exhausted_after_;
  Clock* const clock_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Account> accounts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace skein::tenant
