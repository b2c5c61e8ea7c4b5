#include "skein/proto/task_id.h"

namespace skein::proto {

std::string TaskKey(const v1::TaskId& id) {
  return id.tenant() + "/" + id.query_id() + "/" + std::to_string(id.stage()) + "/" +
         std::to_string(id.partition());
}

}  // namespace skein::proto
