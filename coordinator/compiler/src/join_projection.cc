// The SELECT of a join query (no GROUP BY): the projection over the planned join (BuildJoin),
// the choice and naming of the result's key among the join columns (ksqlDB's rules), PARTITION
// BY, and the sink. Split from join_planner.cc, which plans the joins themselves.

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "expr_analyzer.h"
#include "join_plan.h"
#include "planner_util.h"
#include "skein/common/status.h"
#include "skein/sql/printer.h"

namespace skein::compiler {

using types::SqlType;

namespace {

// "A", "A or B", "A, B or C".
std::string JoinWithOr(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? "" : items[0];
  std::vector<std::string> head(items.begin(), items.end() - 1);
  return absl::StrCat(absl::StrJoin(head, ", "), " or ", items.back());
}

}  // namespace

absl::StatusOr<StatementResult> PlanJoinQuery(Catalog& catalog, const QueryTarget& target,
                                              std::string_view text, bool apply) {
  const sql::Query* q = target.query;
  if (q->window || !q->group_by.empty() || q->having || HasAggregateCalls(*q)) {
    // Aggregates over the join relation (PlanJoinRelation).
    return PlanAggregateQuery(catalog, target, text, apply);
  }
  SKEIN_ASSIGN_OR_RETURN(JoinPlan p, BuildJoin(catalog, target));
  const JoinSide& l = p.l;
  const bool synthetic = p.synthetic, windowed = p.windowed, table_table = p.table_table;
  const std::string& synthetic_name = p.synthetic_name;
  const SqlType& key_type = p.row_key_type;  // a foreign-key join is keyed by the left key
  const SqlType& join_key_type = p.join_key_type;
  const std::vector<uint32_t>& key_refs = p.key_refs;
  const std::vector<std::string>& key_ref_names = p.key_ref_names;
  const std::vector<ScopeColumn>& scope = p.rel.scope;
  v1::Stage& stage = p.rel.open;
  std::vector<v1::Stage>& stages = p.rel.stages;
  // The join key of the output row (column 0 of the join's output).
  auto output_key = [&](const std::string& name) -> v1::Expr {
    if (!windowed) return ColumnExpr(0, key_type, name);
    v1::Expr field;
    *field.mutable_type() = TypeToProto(SqlType::String());
    field.mutable_literal()->set_string_value("K");
    v1::Expr e;
    *e.mutable_type() = TypeToProto(key_type);
    e.mutable_call()->set_function("DEREF");
    *e.mutable_call()->add_args() = ColumnExpr(0, join_key_type, "JOINKEY");
    *e.mutable_call()->add_args() = field;
    e.set_text(name);
    return e;
  };

  // ---- projection.
  std::vector<ProjectedItem> items;
  std::vector<std::string> scope_names;
  for (const auto& c : scope) scope_names.push_back(c.name);
  int generated = 0;
  // Columns of the join output projected as they are (join output index per item, or -1):
  // the key is chosen among them once the whole projection is known.
  std::vector<int64_t> item_refs;
  std::vector<std::string> item_texts;  // the projected expressions as SQL (for PARTITION BY)
  auto add_column = [&](std::string name, uint32_t ref, const SqlType& type,
                        std::string text) -> absl::Status {
    items.push_back(ProjectedItem{name, ColumnExpr(ref, type, name), type, false, ""});
    item_refs.push_back(ref);
    item_texts.push_back(std::move(text));
    return absl::OkStatus();
  };
  auto add_leaf = [&](const JoinLeaf& s) -> absl::Status {
    for (size_t i = 0; i < s.src->schema.size(); ++i) {
      const auto& c = s.src->schema.column(i);
      SKEIN_RETURN_IF_ERROR(add_column(absl::StrCat(s.alias, "_", c.name),
                                       s.first + static_cast<uint32_t>(i), c.type,
                                       Qualified(s.alias, c.name)));
    }
    return absl::OkStatus();
  };
  // ksqlDB plans PARTITION BY over a join before the projection, so `*` then stands for each
  // source's value columns, its ROWTIME, ROWPARTITION and ROWOFFSET, then its key columns.
  auto add_leaf_before_partition_by = [&](const JoinLeaf& s) -> absl::Status {
    const types::Schema& schema = s.src->schema;
    auto add = [&](const std::string& name, uint32_t index, const SqlType& type) {
      return add_column(absl::StrCat(s.alias, "_", name), s.first + index, type,
                        Qualified(s.alias, name));
    };
    for (size_t i = schema.num_keys(); i < schema.size(); ++i) {
      SKEIN_RETURN_IF_ERROR(
          add(schema.column(i).name, static_cast<uint32_t>(i), schema.column(i).type));
    }
    const std::pair<const char*, SqlType> pseudo[] = {{"ROWTIME", SqlType::Bigint()},
                                                      {"ROWPARTITION", SqlType::Integer()},
                                                      {"ROWOFFSET", SqlType::Bigint()}};
    for (size_t k = 0; k < 3; ++k) {
      SKEIN_RETURN_IF_ERROR(
          add(pseudo[k].first, static_cast<uint32_t>(schema.size() + k), pseudo[k].second));
    }
    for (size_t i = 0; i < schema.num_keys(); ++i) {
      SKEIN_RETURN_IF_ERROR(
          add(schema.column(i).name, static_cast<uint32_t>(i), schema.column(i).type));
    }
    return absl::OkStatus();
  };
  // How many of the joined sources have a column of that name.
  auto sources_with = [&](const std::string& column) {
    return std::count_if(p.leaves.begin(), p.leaves.end(), [&](const JoinLeaf& leaf) {
      return leaf.src->schema.IndexOf(column) >= 0;
    });
  };
  ExprAnalyzer sel(&scope, "SELECT");
  for (const auto& item : q->select) {
    if (item.kind == sql::SelectItem::Kind::kStar) {
      if (synthetic) {
        SKEIN_RETURN_IF_ERROR(add_column(synthetic_name, 0, key_type, synthetic_name));
      }
      for (const JoinLeaf& leaf : p.leaves) {
        SKEIN_RETURN_IF_ERROR(q->partition_by.empty() ? add_leaf(leaf)
                                                      : add_leaf_before_partition_by(leaf));
      }
      continue;
    }
    if (item.kind == sql::SelectItem::Kind::kQualifiedStar) {
      auto s = std::find_if(p.leaves.begin(), p.leaves.end(),
                            [&](const JoinLeaf& leaf) { return leaf.alias == item.qualifier; });
      if (s == p.leaves.end()) {
        return ErrorAt(item.pos, absl::StrCat("'", item.qualifier,
                                              "' is not a valid stream/table name or alias."));
      }
      SKEIN_RETURN_IF_ERROR(add_leaf(*s));
      continue;
    }
    SKEIN_ASSIGN_OR_RETURN(TypedExpr t, sel.Analyze(*item.expr));
    if (!t.type) {
      return ErrorAt(item.expr->pos,
                     "Can't infer a type of null. Please explicitly cast it to a required "
                     "type, e.g. CAST(null AS VARCHAR).");
    }
    std::string name;
    if (!item.alias.empty()) {
      SKEIN_RETURN_IF_ERROR(CheckAliasNotReserved(item.alias));
      name = item.alias;
    } else if (item.expr->kind == sql::ExprKind::kColumnRef && !item.expr->qualifier.empty() &&
               sources_with(item.expr->text) > 1) {
      // A column several sources have is named after its source: L.ID -> L_ID.
      name = absl::StrCat(item.expr->qualifier, "_", item.expr->text);
    } else if (item.expr->kind == sql::ExprKind::kColumnRef && !item.expr->qualifier.empty() &&
               (item.expr->text == "ROWTIME" || item.expr->text == "ROWPARTITION" ||
                item.expr->text == "ROWOFFSET")) {
      name = absl::StrCat(item.expr->qualifier, "_", item.expr->text);
    } else {
      name = ImplicitName(*item.expr, &generated, scope_names);
    }
    if (item.expr->kind == sql::ExprKind::kColumnRef && t.expr.has_column()) {
      SKEIN_RETURN_IF_ERROR(add_column(name, t.expr.column(), *t.type, sql::ExprToSql(*item.expr)));
      continue;
    }
    items.push_back(ProjectedItem{name, *CoerceTo(t, *t.type), *t.type, false, ""});
    item_refs.push_back(-1);
    item_texts.push_back(sql::ExprToSql(*item.expr));
  }
  // PARTITION BY after the join: the projected partitioning expression is the key instead
  // (computed by the projection; the sink partitions by it).
  std::optional<TypedExpr> partition;
  std::string partition_text;
  if (!q->partition_by.empty()) {
    if (q->partition_by.size() > 1) {
      return absl::UnimplementedError(
          "PARTITION BY several expressions after a JOIN is not "
          "supported yet");
    }
    ExprAnalyzer pb(&scope, "PARTITION BY");
    SKEIN_ASSIGN_OR_RETURN(partition, pb.Analyze(*q->partition_by[0]));
    if (!partition->type) {
      return absl::UnimplementedError("PARTITION BY NULL after a JOIN is not supported yet");
    }
    partition_text = sql::ExprToSql(*q->partition_by[0]);
  }
  // The key: the projected synthetic key, else the first join column (in ON order of sides,
  // the right side first for RIGHT joins) that is projected. Projecting that very column twice
  // is an error; the other side's join column stays a value.
  int key_item = -1;
  if (partition) {
    std::vector<std::string> aliases;
    for (size_t i = 0; i < items.size(); ++i) {
      // The partitioning expression is projected: the same text, or the same join column.
      const bool same_column = partition->expr.has_column() && item_refs[i] >= 0 &&
                               partition->expr.column() == static_cast<uint64_t>(item_refs[i]);
      if (item_texts[i] != partition_text && !same_column) continue;
      if (key_item < 0) key_item = static_cast<int>(i);
      aliases.push_back(items[i].name);
    }
    if (key_item < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\n"
                       "The query used to build `",
                       target.sink_name, "` must include the partitioning expression ",
                       partition_text, " in its projection (eg, SELECT ", partition_text, "...)."));
    }
    if (aliases.size() > 1) {
      std::sort(aliases.begin(), aliases.end());
      return absl::InvalidArgumentError(absl::StrCat(
          "The projection contains a key column (`", items[static_cast<size_t>(key_item)].name,
          "`) more than once, aliased as: ", JoinWithAnd(aliases), "."));
    }
    ProjectedItem& k = items[static_cast<size_t>(key_item)];
    k.is_key = true;
    k.type = *partition->type;
    k.expr = *CoerceTo(*partition, k.type);
  }
  std::vector<uint32_t> candidates = partition   ? std::vector<uint32_t>{}
                                     : synthetic ? std::vector<uint32_t>{0}
                                                 : key_refs;
  for (uint32_t ref : candidates) {
    std::vector<std::string> aliases;
    for (size_t i = 0; i < items.size(); ++i) {
      if (item_refs[i] != static_cast<int64_t>(ref)) continue;
      if (key_item < 0) key_item = static_cast<int>(i);
      aliases.push_back(items[i].name);
    }
    if (key_item < 0) continue;
    if (aliases.size() > 1) {
      std::sort(aliases.begin(), aliases.end());
      return absl::InvalidArgumentError(absl::StrCat(
          "The projection contains a key column (`", items[static_cast<size_t>(key_item)].name,
          "`) more than once, aliased as: ", JoinWithAnd(aliases), "."));
    }
    ProjectedItem& k = items[static_cast<size_t>(key_item)];
    k.is_key = true;
    k.expr = output_key(k.name);
    k.type = key_type;
    break;
  }
  if (key_item < 0) {
    const std::string start =
        "Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\n";
    if (synthetic) {
      return absl::InvalidArgumentError(absl::StrCat(
          start, "The query used to build `", target.sink_name,
          "` must include the join expression ", synthetic_name, " in its projection (eg, SELECT ",
          synthetic_name, "...).\n", synthetic_name,
          " was added as a synthetic key column because the join criteria did not match any "
          "source column. This expression must be included in the projection and may be "
          "aliased."));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        start, "The query used to build `", target.sink_name, "` must include the join ",
        key_ref_names.size() > 1 ? "expressions " : "expression ", JoinWithOr(key_ref_names),
        " in its projection (eg, SELECT ", key_ref_names.empty() ? "" : key_ref_names[0], "...)."));
  }
  if (!partition && key_type.ContainsMap()) {
    std::string key_name = synthetic || key_ref_names.empty() ? synthetic_name : key_ref_names[0];
    std::replace(key_name.begin(), key_name.end(), '.', '_');
    return absl::InvalidArgumentError(absl::StrCat(
        "Map keys, including types that contain maps, are not supported as they may lead to "
        "unexpected behavior due to inconsistent serialization. Key column name: `",
        key_name, "`. Column type: ", key_type.ToString(),
        ". See https://github.com/confluentinc/ksql/issues/6621 for more."));
  }
  v1::ProjectOp project;
  std::vector<const ProjectedItem*> ordered = {&items[static_cast<size_t>(key_item)]};
  for (const auto& o : items) {
    if (!o.is_key) ordered.push_back(&o);
  }
  SKEIN_ASSIGN_OR_RETURN(const types::Schema out_schema, BuildProjection(ordered, &project));
  if (sel.saw_table_function()) {
    return absl::UnimplementedError("Table functions over a JOIN are not supported yet");
  }
  if (target.sink_is_table != table_table) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Invalid result type. Your SELECT query produces a ", table_table ? "TABLE" : "STREAM",
        ". Please use CREATE ", table_table ? "TABLE" : "STREAM", " AS SELECT statement instead."));
  }
  if (windowed) {
    // The sink writes windowed keys from the row's window bounds.
    for (auto [bound, field] : {std::pair{"WINDOWSTART", "S"}, std::pair{"WINDOWEND", "E"}}) {
      v1::Expr name;
      *name.mutable_type() = TypeToProto(SqlType::String());
      name.mutable_literal()->set_string_value(field);
      v1::Expr e;
      *e.mutable_type() = TypeToProto(SqlType::Bigint());
      e.mutable_call()->set_function("DEREF");
      *e.mutable_call()->add_args() = ColumnExpr(0, join_key_type, "JOINKEY");
      *e.mutable_call()->add_args() = name;
      e.set_text(bound);
      *project.add_exprs() = e;
      *project.mutable_output()->add_columns() =
          ColumnProto(bound, SqlType::Bigint(), v1::COLUMN_NAMESPACE_PSEUDO);
    }
  }
  *stage.add_operators()->mutable_project() = project;
  SKEIN_ASSIGN_OR_RETURN(DataSource sink,
                         BuildSink(catalog, target, out_schema, *p.rel.leftmost,
                                   windowed ? l.src->window : std::optional<WindowInfo>(), text));
  *stage.add_operators()->mutable_sink() = SinkOpFor(sink, project.output());
  stages.push_back(std::move(stage));
  return RegisterQuery(catalog, target, std::move(sink), std::move(p.rel.sources),
                       std::move(stages), text, apply);
}

}  // namespace skein::compiler
