#include "placement.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace skein::coordinator {
namespace {

struct Load {
  int64_t millicores = 0;
  int64_t memory_bytes = 0;
  std::map<std::string, int> tasks_by_tenant;
  int tasks = 0;
};

bool Fits(const Capacity& c, const Load& load, const Reservation& more) {
  return (c.millicores == 0 || load.millicores + more.millicores <= c.millicores) &&
         (c.memory_bytes == 0 || load.memory_bytes + more.memory_bytes <= c.memory_bytes);
}

bool OverFull(const Capacity& c, const Load& load) { return !Fits(c, load, Reservation{}); }

std::string Describe(const Reservation& r) {
  return absl::StrFormat("%d millicores and %d MiB", r.millicores, r.memory_bytes >> 20);
}

}  // namespace

Placement FitReservations(
    const std::map<std::string, std::string>& target,
    const std::function<std::string(const std::string& task)>& tenant_of,
    const std::map<std::string, Capacity>& executors,
    const std::function<Reservation(const std::string& tenant)>& reservation_of) {
  Placement out;
  std::map<std::string, Reservation> reservations;
  auto reservation = [&](const std::string& tenant) -> const Reservation& {
    auto it = reservations.find(tenant);
    if (it == reservations.end()) it = reservations.emplace(tenant, reservation_of(tenant)).first;
    return it->second;
  };
  std::map<std::string, Load> loads;
  for (const auto& [executor, capacity] : executors) loads[executor];
  auto add = [&](const std::string& executor, const std::string& tenant, int tasks) {
    Load& l = loads[executor];
    if (l.tasks_by_tenant[tenant] == 0) {
      l.millicores += reservation(tenant).millicores;
      l.memory_bytes += reservation(tenant).memory_bytes;
    }
    l.tasks_by_tenant[tenant] += tasks;
    l.tasks += tasks;
  };
  for (const auto& [task, executor] : target) add(executor, tenant_of(task), 1);

  // (executor, tenant) shed -> where its tasks there went ("": nowhere).
  std::map<std::pair<std::string, std::string>, std::string> moved_to;
  for (const auto& [executor, capacity] : executors) {
    Load& l = loads[executor];
    while (OverFull(capacity, l)) {
      // The tenant with the fewest tasks here (ties by name) leaves.
      std::string tenant;
      int fewest = 0;
      for (const auto& [t, n] : l.tasks_by_tenant) {
        if (n > 0 && (tenant.empty() || n < fewest) &&
            (reservation(t).millicores > 0 || reservation(t).memory_bytes > 0)) {
          tenant = t;
          fewest = n;
        }
      }
      if (tenant.empty()) break;  // only unreserved tenants: nothing to shed
      l.millicores -= reservation(tenant).millicores;
      l.memory_bytes -= reservation(tenant).memory_bytes;
      l.tasks -= fewest;
      l.tasks_by_tenant[tenant] = 0;
      const std::string* to = nullptr;
      for (const auto& [other, other_capacity] : executors) {
        if (other == executor) continue;
        const Load& o = loads[other];
        const bool hosts = o.tasks_by_tenant.count(tenant) && o.tasks_by_tenant.at(tenant) > 0;
        // A host adds no reservation, but must not be over-full itself (it sheds later).
        if (hosts ? OverFull(other_capacity, o) : !Fits(other_capacity, o, reservation(tenant))) {
          continue;
        }
        if (to == nullptr || o.tasks < loads[*to].tasks) to = &other;
      }
      if (to != nullptr) add(*to, tenant, fewest);
      moved_to[{executor, tenant}] = to == nullptr ? "" : *to;
    }
  }
  for (const auto& [task, executor] : target) {
    const std::string tenant = tenant_of(task);
    auto m = moved_to.find({executor, tenant});
    if (m == moved_to.end()) {
      out.target[task] = executor;
    } else if (!m->second.empty()) {
      out.target[task] = m->second;
    } else {
      out.unplaced[task] = absl::StrCat(
          "no executor has room for tenant ", tenant, "'s reservation of ",
          Describe(reservation(tenant)),
          " (a tenant reserves its CPU and memory quota on each executor it runs on): add "
          "executors or capacity, or lower quotas");
    }
  }
  return out;
}

}  // namespace skein::coordinator
