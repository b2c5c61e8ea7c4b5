#include "skein/compiler/pull_plan.h"

#include <algorithm>

#include "skein/common/status.h"
#include "skein/sql/parser.h"

namespace skein::compiler {
namespace {

// A constant value column added to every pull projection so that a key-only SELECT plans as
// a CTAS would; removed from the plan again before it runs.
constexpr char kPadColumn[] = "SKEIN_PULL_PAD";

// Removes column `name` from the last projection of `stage` and from its sink's schema.
void RemovePad(v1::Stage* stage) {
  const int n = stage->operators_size();
  for (int i = n - 2; i >= 1; --i) {
    if (!stage->operators(i).has_project()) continue;
    v1::ProjectOp* project = stage->mutable_operators(i)->mutable_project();
    for (int c = 0; c < project->output().columns_size(); ++c) {
      if (project->output().columns(c).name() != kPadColumn) continue;
      project->mutable_exprs()->DeleteSubrange(c, 1);
      project->mutable_output()->mutable_columns()->DeleteSubrange(c, 1);
      break;
    }
    break;
  }
  v1::Schema* sink = stage->mutable_operators(n - 1)->mutable_sink()->mutable_schema();
  for (int c = 0; c < sink->columns_size(); ++c) {
    if (sink->columns(c).name() == kPadColumn) {
      sink->mutable_columns()->DeleteSubrange(c, 1);
      break;
    }
  }
}

}  // namespace

absl::StatusOr<v1::PhysicalPlan> CompilePullPlan(const Compiler& compiler, sql::Query query,
                                                 const std::string& text) {
  SKEIN_ASSIGN_OR_RETURN(
      sql::StatementPtr shell,
      sql::ParseStatement("CREATE TABLE SKEIN_PULL WITH (KAFKA_TOPIC='_skein-pull', "
                          "FORMAT='JSON') AS SELECT * FROM T EMIT CHANGES;"));
  auto& create = shell->As<sql::CreateAsSelect>();
  query.emit = sql::EmitKind::kChanges;
  query.limit.reset();
  sql::SelectItem pad;
  pad.expr = std::make_unique<sql::Expr>();
  pad.expr->kind = sql::ExprKind::kIntegerLiteral;
  pad.expr->int_value = 0;
  pad.expr->text = "0";
  pad.expr->pos = query.pos;
  pad.alias = kPadColumn;
  pad.pos = query.pos;
  query.select.push_back(std::move(pad));
  *create.query = std::move(query);
  Compiler scratch = compiler;
  SKEIN_ASSIGN_OR_RETURN(StatementResult compiled, scratch.Execute(create, text));
  if (!compiled.plan || compiled.plan->stages_size() != 1) {
    return absl::UnimplementedError("this pull query needs more than one stage to answer");
  }
  v1::PhysicalPlan plan = *std::move(compiled.plan);
  RemovePad(plan.mutable_stages(0));
  return plan;
}

}  // namespace skein::compiler
