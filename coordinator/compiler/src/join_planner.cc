// Stream-stream, stream-table and table-table joins.

#include "planner_util.h"

namespace skein::compiler {

absl::StatusOr<StatementResult> PlanJoinQuery(Catalog&, const QueryTarget&, std::string_view,
                                              bool) {
  return absl::UnimplementedError("JOIN is not supported yet");
}

}  // namespace skein::compiler
