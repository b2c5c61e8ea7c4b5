// GROUP BY, WINDOW, HAVING and aggregate functions.

#include "planner_util.h"

namespace skein::compiler {

absl::StatusOr<StatementResult> PlanAggregateQuery(Catalog&, const QueryTarget&, std::string_view,
                                                   bool) {
  return absl::UnimplementedError("WINDOW, GROUP BY and HAVING are not supported yet");
}

}  // namespace skein::compiler
