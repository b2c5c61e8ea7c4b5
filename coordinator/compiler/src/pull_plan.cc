#include "skein/compiler/pull_plan.h"

#include <algorithm>

#include "skein/common/status.h"
#include "skein/sql/parser.h"

namespace skein::compiler {
namespace {

// A constant value column added to every pull projection so that a key-only SELECT plans as
// a CTAS would; removed from the plan again before it runs (RemoveHidden).
constexpr char kPadColumn[] = "SKEIN_PULL_PAD";

// Key columns a pull query leaves out of its projection are selected under this prefix (a
// CTAS must project every key column) and removed again, like the pad.
constexpr char kHiddenKeyPrefix[] = "SKEIN_PULL_KEY_";

bool Hidden(const std::string& name) {
  return name == kPadColumn || name.rfind(kHiddenKeyPrefix, 0) == 0;
}

// Removes the hidden columns from the last projection of `stage` and from its sink's schema.
void RemoveHidden(v1::Stage* stage) {
  const int n = stage->operators_size();
  for (int i = n - 2; i >= 1; --i) {
    if (!stage->operators(i).has_project()) continue;
    v1::ProjectOp* project = stage->mutable_operators(i)->mutable_project();
    for (int c = project->output().columns_size() - 1; c >= 0; --c) {
      if (!Hidden(project->output().columns(c).name())) continue;
      project->mutable_exprs()->DeleteSubrange(c, 1);
      project->mutable_output()->mutable_columns()->DeleteSubrange(c, 1);
    }
    break;
  }
  v1::Schema* sink = stage->mutable_operators(n - 1)->mutable_sink()->mutable_schema();
  for (int c = sink->columns_size() - 1; c >= 0; --c) {
    if (Hidden(sink->columns(c).name())) sink->mutable_columns()->DeleteSubrange(c, 1);
  }
}

// Adds a hidden select item for every key column of the source the projection leaves out.
void SelectMissingKeys(const Compiler& compiler, sql::Query* query) {
  const DataSource* source = compiler.catalog().FindSource(query->from.name);
  if (source == nullptr) return;  // the compiler reports it
  for (const sql::SelectItem& item : query->select) {
    if (item.kind != sql::SelectItem::Kind::kExpr) return;  // `*` selects the keys
  }
  for (const types::Column& key : source->schema.KeyColumns()) {
    const bool selected =
        std::any_of(query->select.begin(), query->select.end(), [&](const sql::SelectItem& item) {
          return item.expr->kind == sql::ExprKind::kColumnRef && item.expr->text == key.name &&
                 (item.alias.empty() || item.alias == key.name);
        });
    if (selected) continue;
    sql::SelectItem hidden;
    hidden.expr = std::make_unique<sql::Expr>();
    hidden.expr->kind = sql::ExprKind::kColumnRef;
    hidden.expr->text = key.name;
    hidden.expr->pos = query->pos;
    hidden.alias = kHiddenKeyPrefix + key.name;
    hidden.pos = query->pos;
    query->select.push_back(std::move(hidden));
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
  SelectMissingKeys(compiler, &query);
  *create.query = std::move(query);
  Compiler scratch = compiler;
  SKEIN_ASSIGN_OR_RETURN(StatementResult compiled, scratch.Execute(create, text));
  if (!compiled.plan || compiled.plan->stages_size() != 1) {
    return absl::UnimplementedError("this pull query needs more than one stage to answer");
  }
  v1::PhysicalPlan plan = *std::move(compiled.plan);
  RemoveHidden(plan.mutable_stages(0));
  return plan;
}

}  // namespace skein::compiler
