#pragma once

// Helpers over skein.v1.TaskId shared by the coordinator and the executors.

#include <string>

#include "skein/v1/types.pb.h"

namespace skein::proto {

// "tenant/query/stage/partition": a task's key in maps and logs, the same on both planes.
std::string TaskKey(const v1::TaskId& id);

}  // namespace skein::proto
