// The left side of join 2, 3, ... of an n-way join: the result of the joins before it, written
// by their stage to an intermediate topic (see join_plan.h).

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "join_plan.h"
#include "skein/common/status.h"
#include "skein/sql/parser.h"
#include "skein/sql/printer.h"

namespace skein::compiler {

using types::SqlType;

namespace {

bool IsSyntheticKey(const ScopeColumn& c) { return c.qualifier.empty() && c.index == 0; }

// The aliases of the sources an ON half references: a qualified column names its source; an
// unqualified one the single source that has it (none when ambiguous or unknown: the
// analyzer reports those).
std::set<std::string> ReferencedAliases(const sql::Expr& half, const std::vector<JoinLeaf>& all) {
  std::vector<const sql::Expr*> refs;
  CollectColumnRefs(half, &refs);
  std::set<std::string> out;
  for (const sql::Expr* ref : refs) {
    if (!ref->qualifier.empty()) {
      const bool known = std::any_of(all.begin(), all.end(), [&](const JoinLeaf& leaf) {
        return leaf.alias == ref->qualifier;
      });
      if (!known) return {};  // the analyzer reports it
      out.insert(ref->qualifier);
      continue;
    }
    const JoinLeaf* owner = nullptr;
    int owners = 0;
    for (const JoinLeaf& leaf : all) {
      if (leaf.src->schema.IndexOf(ref->text) >= 0) {
        owner = &leaf;
        ++owners;
      }
    }
    if (owners == 1) out.insert(owner->alias);
  }
  return out;
}

}  // namespace

FormatInfo KeyFormatFor(FormatInfo f, const SqlType& key_type) {
  if (f.name == "NONE" || f.name.empty() ||
      ((f.name == "KAFKA" || f.name == "DELIMITED") && !key_type.IsPrimitive())) {
    return FormatInfo{"JSON", {}};
  }
  return f;
}

namespace {

void QualifyOnColumns(sql::Expr* e, const JoinSide& s) {
  if (e == nullptr || e->kind == sql::ExprKind::kLambda) return;
  if (e->kind == sql::ExprKind::kColumnRef && e->qualifier.empty()) {
    if (!s.nested) {
      e->qualifier = s.alias;
    } else {
      for (const ScopeColumn& c : s.nested_scope) {
        if (c.name == e->text) e->qualifier = c.qualifier;
      }
    }
  }
  for (auto& c : e->children) QualifyOnColumns(c.get(), s);
  QualifyOnColumns(e->operand.get(), s);
  QualifyOnColumns(e->else_result.get(), s);
}

}  // namespace

std::string CanonicalOn(const sql::Expr& e, const JoinSide& s) {
  absl::StatusOr<sql::ExprPtr> copy = sql::ParseExpression(sql::ExprToSql(e));
  if (!copy.ok()) return sql::ExprToSql(e);
  QualifyOnColumns(copy->get(), s);
  return sql::ExprToSql(**copy);
}

std::vector<ScopeColumn> SideScope(const JoinSide& s, uint32_t first) {
  if (!s.nested) return BuildSourceScope(*s.src, s.alias, first).columns;
  std::vector<ScopeColumn> out = s.nested_scope;
  for (ScopeColumn& c : out) c.index += first;
  return out;
}

std::vector<JoinLeaf> SideLeaves(const JoinSide& s) {
  if (!s.nested) return {JoinLeaf{s.src, s.alias, s.first + s.source_offset}};
  std::vector<JoinLeaf> out = s.nested_leaves;
  for (JoinLeaf& leaf : out) leaf.first += s.first + s.source_offset;
  return out;
}

JoinSide NestedSide(const JoinPlan& prev) {
  // The intermediate row: [JOINKEY][prev's visible columns, in scope order][pseudo columns].
  JoinSide l;
  l.nested = true;
  l.alias = prev.leaves.front().alias;
  std::vector<int64_t> row_to_side(static_cast<size_t>(prev.rel.row.columns_size()), -1);
  for (const ScopeColumn& c : prev.rel.scope) {
    if (IsSyntheticKey(c)) continue;
    const uint32_t index = 1 + static_cast<uint32_t>(l.nested_scope.size());
    row_to_side[c.index] = index;
    l.nested_scope.push_back({c.name, c.qualifier, c.type, index});
  }
  for (const JoinLeaf& leaf : prev.leaves) {
    l.nested_leaves.push_back(
        {leaf.src, leaf.alias, static_cast<uint32_t>(row_to_side[leaf.first])});
  }
  l.nested_key_exprs = prev.key_exprs;
  for (size_t i = 0; i < prev.key_refs.size(); ++i) {
    const int64_t index = row_to_side[prev.key_refs[i]];
    if (index < 0) continue;
    l.nested_key_refs.push_back(static_cast<uint32_t>(index));
    l.nested_key_names.push_back(prev.key_ref_names[i]);
  }
  return l;
}

absl::Status CheckNestedCondition(const sql::JoinClause& join, const JoinSide& l,
                                  const JoinSide& r) {
  const sql::Expr& on = *join.on;
  if (on.kind != sql::ExprKind::kBinary || on.binary_op != sql::BinaryOp::kEqual) {
    return absl::OkStatus();  // the binary join's checks report it
  }
  std::vector<JoinLeaf> all = l.nested_leaves;
  all.push_back(JoinLeaf{r.src, r.alias, 0});
  const std::set<std::string> left = ReferencedAliases(*on.children[0], all);
  const std::set<std::string> right = ReferencedAliases(*on.children[1], all);
  if (left.size() != 1 || right.size() != 1) return absl::OkStatus();
  const std::string& la = *left.begin();
  const std::string& ra = *right.begin();
  if (la == ra) {
    return ErrorAt(
        on.pos,
        absl::StrCat("Each side of the join must reference exactly one source and not the same "
                     "source. Left side references `",
                     la, "` and right references `", ra, "`"));
  }
  if (la != r.alias && ra != r.alias) {
    return ErrorAt(on.pos,
                   absl::StrCat("A join criteria is expected to reference the source (`", r.alias,
                                "`) in the FROM clause, instead the right source references `", ra,
                                "` and the left source references `", la, "`"));
  }
  return absl::OkStatus();
}

absl::Status FinishNestedLeft(const Catalog& catalog, const QueryTarget& target, size_t index,
                              JoinPlan* prev, const JoinSide& r, JoinSide* l,
                              std::vector<v1::Stage>* stages) {
  // Is the ON expression a column (or an expression) equal to prev's key? Then the join stays
  // on that key.
  if (l->key.expr.has_column() && l->on->kind == sql::ExprKind::kColumnRef) {
    l->nested_on_column = static_cast<int64_t>(l->key.expr.column());
    l->nested_on_key_column = std::find(l->nested_key_refs.begin(), l->nested_key_refs.end(),
                                        l->key.expr.column()) != l->nested_key_refs.end();
  }
  const std::string canonical = CanonicalOn(*l->on, *l);
  if (std::find(l->nested_key_exprs.begin(), l->nested_key_exprs.end(), canonical) !=
      l->nested_key_exprs.end()) {
    l->nested_on_key_column = true;
  }
  // A stream is rekeyed by the ON expression; a table keeps its key (a foreign-key join, or
  // the binary join's checks reject it).
  const bool rekey = !l->nested_on_key_column && !prev->table_table;
  const bool right_as_is = r.src->is_table || r.on_key;
  const SqlType key_type = rekey ? *l->key.type : prev->row_key_type;
  int partitions = prev->partitions;
  FormatInfo key_format = prev->key_format;
  if (right_as_is) {
    key_format = r.src->key_format;
    if (rekey) partitions = r.src->partitions;
  }
  key_format = KeyFormatFor(std::move(key_format), key_type);

  // Finish prev's stage: Project [key][visible columns] -> Sink to the intermediate topic.
  v1::ProjectOp project;
  if (rekey) {
    ExprAnalyzer over_prev(&prev->rel.scope, "JOIN ON");
    SKEIN_ASSIGN_OR_RETURN(TypedExpr k, over_prev.Analyze(*l->on));
    SKEIN_ASSIGN_OR_RETURN(*project.add_exprs(), CoerceTo(k, key_type));
  } else {
    *project.add_exprs() = ColumnExpr(0, key_type, "JOINKEY");
  }
  *project.mutable_output()->add_columns() =
      ColumnProto("JOINKEY", key_type, v1::COLUMN_NAMESPACE_KEY);
  types::Schema::Builder schema;
  schema.Key("JOINKEY", key_type);
  for (const ScopeColumn& c : prev->rel.scope) {
    if (IsSyntheticKey(c)) continue;
    const std::string name = absl::StrCat(c.qualifier, "_", c.name);
    *project.add_exprs() = ColumnExpr(c.index, c.type, name);
    *project.mutable_output()->add_columns() =
        ColumnProto(name, c.type, v1::COLUMN_NAMESPACE_VALUE);
    schema.Val(name, c.type);
  }
  absl::StatusOr<types::Schema> built = schema.Build();
  if (!built.ok()) {
    return absl::UnimplementedError(
        absl::StrCat("This n-way join's intermediate columns clash (", built.status().message(),
                     "); alias the sources so that <alias>_<column> names are unique"));
  }
  const std::string tenant = catalog.tenant().empty() ? "default" : catalog.tenant();
  auto mid = std::make_shared<DataSource>();
  mid->is_table = prev->table_table;
  mid->schema = *std::move(built);
  mid->topic = absl::StrCat("_skein-", tenant, "-", target.sink_name, "-Join", index + 1,
                            "-left-repartition");
  mid->partitions = partitions;
  mid->key_format = key_format;
  mid->value_format = FormatInfo{"JSON", {}};
  // Errors name the source the ON expression references (ksqlDB's wording).
  mid->name = prev->leaves.front().src->name;
  if (l->nested_on_column > 0) {
    const std::string& q = l->nested_scope[static_cast<size_t>(l->nested_on_column - 1)].qualifier;
    for (const JoinLeaf& leaf : l->nested_leaves) {
      if (leaf.alias == q) mid->name = leaf.src->name;
    }
  }
  v1::SinkOp sink;
  *sink.mutable_topic() =
      TopicProto(mid->topic, mid->partitions, mid->key_format, mid->value_format);
  *sink.mutable_schema() = project.output();
  sink.set_timestamp_column(-1);
  sink.set_is_table(mid->is_table);
  *prev->rel.open.add_operators()->mutable_project() = std::move(project);
  *prev->rel.open.add_operators()->mutable_sink() = std::move(sink);
  *stages = std::move(prev->rel.stages);
  stages->push_back(std::move(prev->rel.open));

  l->src = mid.get();
  l->op = BuildSourceScope(*mid, l->alias).op;
  if (rekey || l->nested_on_key_column) {
    l->on_key = true;
    l->key = TypedExpr{ColumnExpr(0, key_type, "JOINKEY"), key_type};
  }
  prev->nested_sources.push_back(std::move(mid));
  return absl::OkStatus();
}

}  // namespace skein::compiler
