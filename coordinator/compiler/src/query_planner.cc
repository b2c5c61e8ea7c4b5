// CREATE STREAM AS SELECT and INSERT INTO ... SELECT: PlanPersistentQuery dispatches on the
// query's shape; stateless pipelines are Source -> [Filter] -> [Rekey] -> Project -> Sink.

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "expr_analyzer.h"
#include "planner_util.h"
#include "skein/common/status.h"
#include "skein/sql/printer.h"
#include "statements.h"

namespace skein::compiler {

using types::SqlType;
using types::TypeKind;

absl::StatusOr<StatementResult> PlanPersistentQuery(Catalog& catalog, const sql::Statement& stmt,
                                                    std::string_view text, bool apply) {
  std::optional<StatementResult> done;
  SKEIN_ASSIGN_OR_RETURN(QueryTarget target, ResolveTarget(catalog, stmt, &done));
  if (done) return *std::move(done);
  const sql::Query* q = target.query;
  if (!q->joins.empty()) return PlanJoinQuery(catalog, target, text, apply);
  if (q->window || !q->group_by.empty() || q->having || HasAggregateCalls(*q)) {
    return PlanAggregateQuery(catalog, target, text, apply);
  }
  return PlanStatelessQuery(catalog, target, text, apply);
}

absl::StatusOr<StatementResult> PlanStatelessQuery(Catalog& catalog, const QueryTarget& target,
                                                   std::string_view text, bool apply) {
  const sql::Query* q = target.query;
  const std::string& sink_name = target.sink_name;
  const bool sink_is_table = target.sink_is_table;
  const DataSource* src = catalog.FindSource(q->from.name);
  if (src == nullptr) {
    return ErrorAt(q->from.pos, absl::StrCat("Source `", q->from.name, "` does not exist."));
  }
  if (sink_is_table && !src->is_table) {
    return absl::UnimplementedError(
        "CREATE TABLE AS SELECT from a stream needs GROUP BY, which is not supported yet");
  }
  // ---- source scope: key, value, header columns, then pseudo columns.
  const std::string qualifier = q->from.alias.empty() ? q->from.name : q->from.alias;
  SourceScope source = BuildSourceScope(*src, qualifier);
  std::vector<ScopeColumn>& scope = source.columns;
  const v1::SourceOp& source_op = source.op;

  v1::Stage stage;
  stage.set_id(0);
  *stage.add_operators()->mutable_source() = source_op;

  if (q->where) {
    ExprAnalyzer where(&scope, "WHERE");
    SKEIN_ASSIGN_OR_RETURN(TypedExpr pred, where.Analyze(*q->where));
    if (pred.type && pred.type->kind() != TypeKind::kBoolean) {
      return ErrorAt(
          q->where->pos,
          absl::StrCat("Type error in WHERE expression: Should evaluate to boolean but "
                       "is ",
                       sql::ExprToSql(*q->where), " (", pred.type->ToString(), ") instead."));
    }
    *stage.add_operators()->mutable_filter()->mutable_predicate() =
        *CoerceTo(pred, SqlType::Boolean());
  }

  // ---- PARTITION BY: a RekeyOp whose output is the new key columns followed by every input
  // column (old keys become values), so projection indexes shift by the number of new keys.
  std::vector<std::string> source_names;
  for (const auto& c : scope) source_names.push_back(c.name);
  bool partition_null = false;
  std::vector<std::string> partition_texts, partition_names;
  std::vector<SqlType> partition_types;
  std::vector<std::string> partition_column_refs;  // source columns a key replaces
  uint32_t shift = 0;
  int generated = 0;
  if (!q->partition_by.empty()) {
    if (q->partition_by.size() > 1) {
      for (const auto& e : q->partition_by) {
        if (e->kind == sql::ExprKind::kNullLiteral) {
          return absl::InvalidArgumentError("Cannot PARTITION BY multiple columns including NULL");
        }
      }
    }
    if (q->partition_by.size() == 1 && q->partition_by[0]->kind == sql::ExprKind::kNullLiteral) {
      partition_null = true;
    } else {
      ExprAnalyzer pb(&scope, "PARTITION BY");
      v1::RekeyOp rekey;
      for (const auto& e : q->partition_by) {
        auto t = pb.Analyze(*e);
        if (!t.ok()) {
          std::string msg(t.status().message());
          for (const auto& item : q->select) {
            if (e->kind == sql::ExprKind::kColumnRef && item.alias == e->text) {
              msg += absl::StrCat(" '", e->text,
                                  "' must be a column in the source schema since "
                                  "PARTITION BY is applied on the input.");
            }
          }
          return absl::InvalidArgumentError(msg);
        }
        const SqlType kt = t->type ? *t->type : SqlType::String();
        *rekey.add_key_exprs() = *CoerceTo(*t, kt);
        partition_texts.push_back(sql::ExprToSql(*e));
        partition_names.push_back(ImplicitName(*e, &generated, source_names));
        partition_types.push_back(kt);
        if (e->kind == sql::ExprKind::kColumnRef) partition_column_refs.push_back(e->text);
        *rekey.mutable_output()->add_columns() =
            ColumnProto(partition_names.back(), kt, v1::COLUMN_NAMESPACE_KEY);
      }
      for (const auto& c : source_op.schema().columns()) {
        auto col = c;
        if (col.namespace_() == v1::COLUMN_NAMESPACE_KEY) {
          col.set_namespace_(v1::COLUMN_NAMESPACE_VALUE);
        }
        *rekey.mutable_output()->add_columns() = col;
      }
      shift = static_cast<uint32_t>(partition_texts.size());
      *stage.add_operators()->mutable_rekey() = rekey;
    }
  }
  for (auto& c : scope) c.index += shift;

  // ---- projection.
  std::vector<std::string> key_texts;  // expressions that must become key columns
  if (partition_texts.empty() && !partition_null) {
    for (const auto& c : src->schema.KeyColumns()) key_texts.push_back(c.name);
  } else {
    key_texts = partition_texts;
  }
  std::vector<ProjectedItem> items;
  ExprAnalyzer sel(&scope, "SELECT");
  std::vector<bool> key_found(key_texts.size(), false);
  auto key_index_of = [&](const std::string& t) -> int {
    for (size_t i = 0; i < key_texts.size(); ++i) {
      if (key_texts[i] == t) return static_cast<int>(i);
    }
    return -1;
  };
  for (const auto& item : q->select) {
    if (item.kind != sql::SelectItem::Kind::kExpr) {
      // `*`: with a new key, the key first, then values, then the old key columns.
      if (shift > 0) {
        for (size_t k = 0; k < partition_texts.size(); ++k) {
          if (key_found[k]) continue;
          ProjectedItem o{
              partition_names[k],
              ColumnExpr(static_cast<uint32_t>(k), partition_types[k], partition_names[k]),
              partition_types[k], true, partition_texts[k]};
          key_found[k] = true;
          items.push_back(std::move(o));
        }
      }
      std::vector<types::Column> cols = src->schema.ValueColumns();
      auto keys = src->schema.KeyColumns();
      if (shift > 0) {
        cols.insert(cols.end(), keys.begin(), keys.end());
      } else {
        cols.insert(cols.begin(), keys.begin(), keys.end());
      }
      for (const auto& c : cols) {
        if (std::find(partition_column_refs.begin(), partition_column_refs.end(), c.name) !=
            partition_column_refs.end()) {
          continue;
        }
        const uint32_t idx = static_cast<uint32_t>(src->schema.IndexOf(c.name)) + shift;
        ProjectedItem o{c.name, ColumnExpr(idx, c.type, c.name), c.type, false, ""};
        const int k = key_index_of(c.name);
        if (k >= 0 && shift == 0) {
          o.is_key = true;
          key_found[static_cast<size_t>(k)] = true;
        }
        items.push_back(std::move(o));
      }
      continue;
    }
    const std::string expr_text = sql::ExprToSql(*item.expr);
    std::string plain = expr_text;
    if (item.expr->kind == sql::ExprKind::kColumnRef) plain = item.expr->text;
    const int k = key_index_of(plain);
    ProjectedItem o;
    if (k >= 0 && shift > 0) {
      o.expr =
          ColumnExpr(static_cast<uint32_t>(k), partition_types[static_cast<size_t>(k)], expr_text);
      o.type = partition_types[static_cast<size_t>(k)];
    } else {
      SKEIN_ASSIGN_OR_RETURN(TypedExpr t, sel.Analyze(*item.expr));
      if (!t.type) {
        return ErrorAt(item.expr->pos,
                       "Can't infer a type of null. Please explicitly cast it to a required "
                       "type, e.g. CAST(null AS VARCHAR).");
      }
      o.type = *t.type;
      o.expr = *CoerceTo(t, o.type);
    }
    if (!item.alias.empty()) {
      SKEIN_RETURN_IF_ERROR(CheckAliasNotReserved(item.alias));
      o.name = item.alias;
    } else if (k >= 0 && shift > 0) {
      o.name = partition_names[static_cast<size_t>(k)];  // shares the PARTITION BY name
    } else {
      o.name = ImplicitName(*item.expr, &generated, source_names);
      if (item.expr->kind == sql::ExprKind::kDereference) {
        // A struct field named like a source column or an earlier output column gets the
        // first free numeric suffix (A->B next to B is B_1), as ksqlDB names it.
        auto used = [&](const std::string& n) {
          return std::find(source_names.begin(), source_names.end(), n) != source_names.end() ||
                 std::any_of(items.begin(), items.end(),
                             [&](const ProjectedItem& prev) { return prev.name == n; });
        };
        const std::string base = o.name;
        for (int suffix = 1; used(o.name); ++suffix) o.name = absl::StrCat(base, "_", suffix);
      }
    }
    if (k >= 0) {
      if (key_found[static_cast<size_t>(k)]) {
        std::string first;
        for (const auto& prev : items) {
          if (prev.is_key && prev.key_source_text == plain) first = prev.name;
        }
        return absl::InvalidArgumentError(absl::StrCat(
            "The projection contains a key column (`", key_texts[static_cast<size_t>(k)],
            "`) more than once, aliased as: ", first, " and ", o.name, "."));
      }
      key_found[static_cast<size_t>(k)] = true;
      o.is_key = true;
      o.key_source_text = plain;
    }
    items.push_back(std::move(o));
  }
  if (std::find(key_found.begin(), key_found.end(), false) != key_found.end()) {
    // ksqlDB names every key (not only the missing ones); partitioning expressions are printed
    // with their columns qualified by the source.
    std::vector<std::string> shown;
    if (partition_texts.empty()) {
      shown = key_texts;
    } else {
      const std::string source = q->from.alias.empty() ? q->from.name : q->from.alias;
      for (const auto& e : q->partition_by) shown.push_back(QualifiedSql(*e, source));
    }
    const bool many = shown.size() > 1;
    const std::string what =
        partition_texts.empty() ? (many ? "key columns " : "key column ")
                                : (many ? "partitioning expressions " : "partitioning expression ");
    return absl::InvalidArgumentError(
        absl::StrCat("Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\n"
                     "The query used to build `",
                     sink_name, "` must include the ", what, JoinWithAnd(shown),
                     " in its projection (eg, SELECT ", absl::StrJoin(shown, ", "), "...)."));
  }
  // Output schema: keys first (key order), then values in projection order.
  v1::ProjectOp project;
  std::vector<const ProjectedItem*> ordered;
  for (size_t k = 0; k < key_texts.size(); ++k) {
    for (const auto& o : items) {
      if (o.is_key && key_index_of(o.key_source_text.empty() ? o.name : o.key_source_text) ==
                          static_cast<int>(k)) {
        ordered.push_back(&o);
        break;
      }
    }
  }
  for (const auto& o : items) {
    if (!o.is_key) ordered.push_back(&o);
  }
  SKEIN_ASSIGN_OR_RETURN(const types::Schema out_schema, BuildProjection(ordered, &project));
  if (src->window) {
    // A windowed source keeps its windowed key: the bounds travel to the sink as pseudo columns.
    for (const char* name : {"WINDOWSTART", "WINDOWEND"}) {
      for (const auto& c : scope) {
        if (c.name != name) continue;
        *project.add_exprs() = ColumnExpr(c.index, c.type, name);
        *project.mutable_output()->add_columns() =
            ColumnProto(name, c.type, v1::COLUMN_NAMESPACE_PSEUDO);
      }
    }
  }
  if (sel.saw_table_function()) {
    // Table functions sit at the top of select items (the analyzer rejects them elsewhere), so
    // the projection becomes a FlatMapOp over the same expressions.
    v1::FlatMapOp* flat_map = stage.add_operators()->mutable_flat_map();
    *flat_map->mutable_exprs() = project.exprs();
    *flat_map->mutable_output() = project.output();
  } else {
    *stage.add_operators()->mutable_project() = project;
  }

  // ---- sink.
  SKEIN_ASSIGN_OR_RETURN(DataSource sink,
                         BuildSink(catalog, target, out_schema, *src, src->window, text));
  *stage.add_operators()->mutable_sink() = SinkOpFor(sink, project.output());
  std::vector<v1::Stage> stages;
  stages.push_back(std::move(stage));
  return RegisterQuery(catalog, target, std::move(sink), {src->name}, std::move(stages), text,
                       apply);
}

}  // namespace skein::compiler
