#pragma once

// The state stores a stage's operators open, and the processing guarantee of a plan: shared by
// the coordinator (which creates one changelog topic per store) and the executor (which
// restores those stores before a task runs and writes their changelogs).

#include <string>
#include <vector>

#include "skein/v1/plan.pb.h"

namespace skein::proto {

enum class StoreKind { kKeyValue, kWindow, kSession };

// One store of a stage; its column family is StoreId{query, stage, partition, name}.
struct StateStoreSpec {
  std::string name;
  StoreKind kind = StoreKind::kKeyValue;
};

// Every store the stage's stateful operators (aggregate, group-by-change, joins) open, in plan
// order. Must list exactly the names the runtime operators use: the executor rejects a write
// to a store missing here (it would have no changelog).
std::vector<StateStoreSpec> StageStateStores(const v1::Stage& stage);

inline constexpr char kAtLeastOnce[] = "at_least_once";
inline constexpr char kExactlyOnceV2[] = "exactly_once_v2";

// The plan's `processing.guarantee` property; when unset, exactly_once_v2 for plans with state
// and at_least_once for stateless ones. Empty when the property names neither (the caller
// reports it).
std::string ProcessingGuarantee(const v1::PhysicalPlan& plan);

}  // namespace skein::proto
