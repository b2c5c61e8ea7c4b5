#pragma once

// Private: the order in which a worker polls its tasks in one round, by tenant CPU quota and
// fair queuing (docs/architecture.md, "CPU quotas on executors").

#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "skein/v1/executor.pb.h"

namespace skein::tenant {
class CpuLedger;
}  // namespace skein::tenant

namespace skein::executor {

// The tenant a task runs and is charged for ("default" for a task without one).
std::string TenantOfTask(const v1::TaskId& id);

// What the ledger says about one tenant at the start of a round.
struct TenantTurn {
  absl::Time runnable_at = absl::InfinitePast();  // InfinitePast: within its budget now
  double virtual_time = 0;                        // fair-queuing key: lower runs first
};

// One round of a worker: the indexes of the tasks to poll, in order, and when the earliest
// throttled tenant may run again (InfiniteFuture when none is throttled).
struct Round {
  std::vector<size_t> order;
  size_t throttled = 0;
  absl::Time wake_at = absl::InfiniteFuture();
};

// `task_tenants[i]` is the tenant of task i. Tasks of a throttled tenant are left out; the
// others are ordered by their tenant's virtual time, ties in task order. A tenant missing
// from `turns` may run.
Round PlanRound(const std::vector<std::string>& task_tenants,
                const absl::flat_hash_map<std::string, TenantTurn>& turns);

// Reads each distinct tenant's turn from the ledger once.
absl::flat_hash_map<std::string, TenantTurn> ReadTurns(const std::vector<std::string>& tenants,
                                                       tenant::CpuLedger& ledger);

}  // namespace skein::executor
