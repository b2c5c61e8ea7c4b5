#pragma once

// Private: placing tasks within executors' capacity and tenants' reservations
// (docs/architecture.md, "Placement and admission").

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace skein::coordinator {

// What a tenant reserves on each executor it has tasks on: its CPU and memory quota, which the
// executor holds it to (0: no quota, nothing reserved).
struct Reservation {
  int64_t millicores = 0;
  int64_t memory_bytes = 0;
};

// What an executor offers: ExecutorInfo's cores (x1000) and memory_bytes (0: not limited).
struct Capacity {
  int64_t millicores = 0;
  int64_t memory_bytes = 0;
};

struct Placement {
  std::map<std::string, std::string> target;    // task key -> executor
  std::map<std::string, std::string> unplaced;  // task key -> why no executor can run it
};

// Adjusts `target` (task key -> executor, from AssignTasks) so that on every executor the
// reservations of the tenants with tasks there fit in its capacity. A tenant's tasks on an
// over-full executor move together — tenants with the fewest tasks there first, ties by name —
// to the executor with the fewest tasks among those that already host the tenant or have room
// for its reservation; a tenant that fits nowhere keeps those tasks unplaced, with the reason.
// Deterministic, so repeated rebalances settle on one answer.
Placement FitReservations(
    const std::map<std::string, std::string>& target,
    const std::function<std::string(const std::string& task)>& tenant_of,
    const std::map<std::string, Capacity>& executors,
    const std::function<Reservation(const std::string& tenant)>& reservation_of);

}  // namespace skein::coordinator
