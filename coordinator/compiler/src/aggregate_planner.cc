// GROUP BY, WINDOW, HAVING and aggregate functions: CREATE TABLE AS SELECT ... GROUP BY.
//
// Plan shapes:
//   stream, GROUP BY exactly the source key:  Source -> [Filter] -> Aggregate -> Project -> Sink
//   stream, any other GROUP BY:               Source -> [Filter] -> Rekey -> Sink(repartition)
//                                             Source(repartition) -> Aggregate -> Project -> Sink
//   table:                                    Source -> [Filter] -> Aggregate(retracting) ->
//                                             Project -> Sink
//   over a JOIN: the join relation (PlanJoinRelation: its repartitions, then the join stage with
//   WHERE) takes the place of Source -> [Filter]; a stream(-table/-stream) join is always
//   rekeyed and repartitioned, a table-table join's changelog goes through GroupByChange.
// The aggregate's output row is [group keys][one column per aggregate call][ROWTIME]
// [WINDOWSTART, WINDOWEND]; SELECT and HAVING are analyzed over it, with GROUP BY expressions
// and aggregate calls substituted by its columns.

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "planner_util.h"
#include "skein/common/status.h"
#include "skein/functions/registry.h"
#include "skein/sql/parser.h"
#include "skein/sql/printer.h"
#include "statements.h"

namespace skein::compiler {

using types::SqlType;
using types::TypeKind;

namespace {

// ksqlDB's default grace period of windows (Kafka Streams' 24 hours) and default retention.
constexpr int64_t kDefaultGraceMs = 24LL * 60 * 60 * 1000;

bool IsAggregateCall(const sql::Expr& e) {
  if (e.kind != sql::ExprKind::kFunctionCall) return false;
  const functions::FunctionInfo* f = functions::FunctionRegistry::Default().Find(e.text);
  return f != nullptr && f->kind == functions::FunctionKind::kAggregate;
}

template <typename F>
void ForEachChild(const sql::Expr& e, F&& f) {
  for (const auto& c : e.children) f(*c);
  if (e.operand) f(*e.operand);
  if (e.else_result) f(*e.else_result);
}

// Aggregate calls in `e`, outermost only, in pre-order.
void CollectAggregates(const sql::Expr& e, std::vector<const sql::Expr*>* out) {
  if (IsAggregateCall(e)) {
    out->push_back(&e);
    return;
  }
  ForEachChild(e, [&](const sql::Expr& c) { CollectAggregates(c, out); });
}

// The first aggregate call nested anywhere inside `e` (not `e` itself).
const sql::Expr* NestedAggregate(const sql::Expr& e) {
  const sql::Expr* found = nullptr;
  ForEachChild(e, [&](const sql::Expr& c) {
    if (found != nullptr) return;
    if (IsAggregateCall(c)) {
      found = &c;
    } else {
      found = NestedAggregate(c);
    }
  });
  return found;
}

// The first function call in `e` whose name no function has.
const sql::Expr* UnknownFunction(const sql::Expr& e) {
  if (e.kind == sql::ExprKind::kFunctionCall &&
      functions::FunctionRegistry::Default().Find(e.text) == nullptr) {
    return &e;
  }
  const sql::Expr* found = nullptr;
  ForEachChild(e, [&](const sql::Expr& c) {
    if (found == nullptr) found = UnknownFunction(c);
  });
  return found;
}

bool ContainsTableFunction(const sql::Expr& e) {
  if (e.kind == sql::ExprKind::kFunctionCall) {
    const functions::FunctionInfo* f = functions::FunctionRegistry::Default().Find(e.text);
    if (f != nullptr && f->kind == functions::FunctionKind::kTable) return true;
  }
  bool found = false;
  ForEachChild(e, [&](const sql::Expr& c) { found = found || ContainsTableFunction(c); });
  return found;
}

struct ColumnDef {
  std::string name;
  SqlType type;
  v1::ColumnNamespace ns;
};

struct AggregatePlanner {
  AggregatePlanner(Catalog& c, const QueryTarget& t, std::string_view x)
      : catalog(c), target(t), text(x), q(t.query) {}

  Catalog& catalog;
  const QueryTarget& target;
  std::string_view text;
  const sql::Query* q = nullptr;
  const DataSource* src = nullptr;
  std::string qualifier;
  // The input relation when aggregating over a JOIN (else the input is the catalog source
  // `src`); `src` is then the join's leftmost source, whose formats the sink inherits.
  JoinRelation* join = nullptr;

  // GROUP BY
  std::vector<std::string> group_canon;  // QualifiedSql of each GROUP BY expression
  std::vector<SqlType> group_types;
  // Aggregate calls (deduplicated by canonical text).
  std::vector<std::string> agg_canon;
  std::vector<const sql::Expr*> agg_exprs;
  std::vector<SqlType> agg_types;
  bool windowed = false;

  std::string Canon(const sql::Expr& e) const {
    if (join == nullptr) return QualifiedSql(e, qualifier);
    // Over a join, an unqualified column is qualified by the one source that has it.
    absl::StatusOr<sql::ExprPtr> copy = sql::ParseExpression(sql::ExprToSql(e));
    if (!copy.ok()) return sql::ExprToSql(e);
    QualifyJoinColumns(copy->get());
    return sql::ExprToSql(**copy);
  }

  void QualifyJoinColumns(sql::Expr* e) const {
    if (e == nullptr) return;
    if (e->kind == sql::ExprKind::kColumnRef && e->qualifier.empty()) {
      const ScopeColumn* found = nullptr;
      int matches = 0;
      for (const ScopeColumn& c : join->scope) {
        if (c.name == e->text && !c.qualifier.empty()) {
          found = &c;
          ++matches;
        }
      }
      if (matches == 1) e->qualifier = found->qualifier;
    }
    if (e->kind == sql::ExprKind::kLambda) return;  // lambda parameters are not columns
    for (auto& c : e->children) QualifyJoinColumns(c.get());
    QualifyJoinColumns(e->operand.get());
    QualifyJoinColumns(e->else_result.get());
  }

  int GroupIndex(const sql::Expr& e) const {
    const std::string c = Canon(e);
    for (size_t i = 0; i < group_canon.size(); ++i) {
      if (group_canon[i] == c) return static_cast<int>(i);
    }
    return -1;
  }

  // Column references of `e` that are neither inside a GROUP BY expression nor inside an
  // aggregate call (and are not pseudo columns the aggregate keeps).
  void Ungrouped(const sql::Expr& e, const std::set<std::string>& lambda_params,
                 std::vector<std::string>* out) const {
    if (GroupIndex(e) >= 0 || IsAggregateCall(e)) return;
    if (e.kind == sql::ExprKind::kColumnRef) {
      const std::string& n = e.text;
      if (lambda_params.count(n) || n == "ROWTIME" ||
          (windowed && (n == "WINDOWSTART" || n == "WINDOWEND"))) {
        return;
      }
      out->push_back(sql::ExprToSql(e));
      return;
    }
    std::set<std::string> params = lambda_params;
    if (e.kind == sql::ExprKind::kLambda) params.insert(e.names.begin(), e.names.end());
    ForEachChild(e, [&](const sql::Expr& c) { Ungrouped(c, params, out); });
  }

  absl::StatusOr<StatementResult> Plan(bool apply);

  // An error analyzing an expression over a join as ksqlDB words it: it names the join's
  // columns <ALIAS>_<COLUMN> (`SUM(I1_BAR)`, not `SUM(I1.BAR)`).
  absl::Status JoinStyle(absl::Status error) const {
    if (join == nullptr || error.ok()) return error;
    std::vector<std::pair<std::string, std::string>> renames;
    for (const ScopeColumn& c : join->scope) {
      if (c.qualifier.empty()) continue;
      renames.emplace_back(absl::StrCat(c.qualifier, ".", c.name),
                           absl::StrCat(c.qualifier, "_", c.name));
    }
    return absl::Status(error.code(), absl::StrReplaceAll(error.message(), renames));
  }

  bool InBothJoinSources(const std::string& column) const {
    int in = 0;
    for (const std::string& name : join->sources) {
      const DataSource* s = catalog.FindSource(name);
      if (s != nullptr && s->schema.IndexOf(column) >= 0) ++in;
    }
    return in > 1;
  }

  // The columns `*` (or `<alias>.*`) stands for: the source's, or over a join every joined
  // source's (only the named one's for `<alias>.*`), qualified by their alias.
  struct StarColumn {
    std::string qualifier;
    std::string name;
  };
  std::vector<StarColumn> StarColumns(const sql::SelectItem& item) const {
    std::vector<StarColumn> out;
    if (join == nullptr) {
      for (const auto& c : src->schema.columns()) out.push_back({"", c.name});
      return out;
    }
    for (const auto& [alias, source] : join->aliased_sources) {
      if (item.kind == sql::SelectItem::Kind::kQualifiedStar && item.qualifier != alias) continue;
      for (const auto& c : source->schema.columns()) out.push_back({alias, c.name});
    }
    return out;
  }

  // The internal topic between the two stages of a repartitioned aggregation.
  std::string RepartitionTopic() const {
    return absl::StrCat("_skein-", catalog.tenant().empty() ? "default" : catalog.tenant(), "-",
                        target.sink_name, "-Aggregate-GroupBy-repartition");
  }
};

absl::StatusOr<StatementResult> AggregatePlanner::Plan(bool apply) {
  src = join != nullptr ? join->leftmost : catalog.FindSource(q->from.name);
  if (src == nullptr) {
    return ErrorAt(q->from.pos, absl::StrCat("Source `", q->from.name, "` does not exist."));
  }
  qualifier = q->from.alias.empty() ? q->from.name : q->from.alias;
  windowed = q->window.has_value();
  const bool input_table = join != nullptr ? join->is_table : src->is_table;

  if (q->emit == sql::EmitKind::kFinal && !windowed) {
    return absl::InvalidArgumentError("EMIT FINAL is only supported for windowed aggregations.");
  }
  if (src->value_format.name == "KAFKA") {
    return absl::InvalidArgumentError(
        absl::StrCat("Source(s) ", src->name,
                     " are using the 'KAFKA' value format. This format does not yet support "
                     "GROUP BY."));
  }
  if (input_table && windowed) {
    return absl::InvalidArgumentError("Windowing not supported for table aggregations.");
  }

  SourceScope source;
  if (join == nullptr) source = BuildSourceScope(*src, qualifier);
  const std::vector<ScopeColumn>& scope = join != nullptr ? join->scope : source.columns;

  // Unknown functions are reported before any rule about grouping.
  {
    std::vector<const sql::Expr*> all;
    for (const auto& item : q->select) {
      if (item.kind == sql::SelectItem::Kind::kExpr) all.push_back(item.expr.get());
    }
    for (const auto& g : q->group_by) all.push_back(g.get());
    if (q->having) all.push_back(q->having.get());
    for (const sql::Expr* e : all) {
      if (const sql::Expr* f = UnknownFunction(*e)) {
        return ErrorAt(f->pos, absl::StrCat("Can't find any functions with the name '",
                                            absl::AsciiStrToUpper(f->text), "'"));
      }
    }
  }

  for (const auto& item : q->select) {
    if (item.kind != sql::SelectItem::Kind::kExpr) continue;
    if (ContainsTableFunction(*item.expr)) {
      return absl::InvalidArgumentError("Table functions cannot be used with aggregations.");
    }
  }

  // ---- GROUP BY expressions over the source row.
  if (q->group_by.empty()) {
    std::vector<std::string> bad;
    for (const auto& item : q->select) {
      if (item.kind != sql::SelectItem::Kind::kExpr) continue;
      std::vector<std::string> cols;
      Ungrouped(*item.expr, {}, &cols);
      if (!cols.empty()) bad.push_back(sql::ExprToSql(*item.expr));
    }
    if (!bad.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Non-aggregate SELECT expression(s) not part of GROUP BY: ", absl::StrJoin(bad, ", "),
          "\nEither add the column(s) to the GROUP BY or remove them from the "
          "SELECT."));
    }
    if (target.sink_is_table) {
      std::vector<const sql::Expr*> calls;
      for (const auto& item : q->select) {
        if (item.kind == sql::SelectItem::Kind::kExpr) CollectAggregates(*item.expr, &calls);
      }
      std::vector<std::string> texts;
      for (const sql::Expr* c : calls) {
        texts.push_back(c->star || c->children.empty()
                            ? absl::StrCat(absl::AsciiStrToUpper(c->text), "(ROWTIME)")
                            : sql::ExprToSql(*c));
      }
      return absl::InvalidArgumentError(
          absl::StrCat("CREATE TABLE AS SELECT statement does not support aggregate function [",
                       absl::StrJoin(texts, ", "), "] without a GROUP BY clause."));
    }
    return absl::UnimplementedError("aggregation without GROUP BY is not supported yet");
  }
  std::vector<v1::Expr> group_exprs;
  std::vector<std::string> group_names;  // implicit names (column name or KSQL_COL_n)
  {
    ExprAnalyzer an(&scope, "GROUP BY");
    for (const auto& g : q->group_by) {
      if (IsAggregateCall(*g) || NestedAggregate(*g) != nullptr) {
        const sql::Expr* a = IsAggregateCall(*g) ? g.get() : NestedAggregate(*g);
        return absl::InvalidArgumentError(absl::StrCat(
            "GROUP BY does not support aggregate functions: ", absl::AsciiStrToUpper(a->text),
            " is an aggregate function."));
      }
      const std::string c = Canon(*g);
      if (std::find(group_canon.begin(), group_canon.end(), c) != group_canon.end()) {
        return absl::InvalidArgumentError(absl::StrCat("Duplicate GROUP BY expression: ", c));
      }
      SKEIN_ASSIGN_OR_RETURN(TypedExpr t, an.Analyze(*g));
      const SqlType type = t.type ? *t.type : SqlType::String();
      group_exprs.push_back(*CoerceTo(t, type));
      group_types.push_back(type);
      group_canon.push_back(c);
    }
  }

  // ---- aggregate calls of SELECT and HAVING.
  std::vector<const sql::Expr*> calls;
  for (const auto& item : q->select) {
    if (item.kind == sql::SelectItem::Kind::kExpr) CollectAggregates(*item.expr, &calls);
  }
  if (q->having) CollectAggregates(*q->having, &calls);
  for (const sql::Expr* c : calls) {
    if (const sql::Expr* nested = NestedAggregate(*c)) {
      std::string inner = absl::StrCat(absl::AsciiStrToUpper(nested->text), "()");
      return absl::InvalidArgumentError(
          absl::StrCat("Aggregate functions can not be nested: ", absl::AsciiStrToUpper(c->text),
                       "(", inner, ")"));
    }
    const std::string canon = Canon(*c);
    if (std::find(agg_canon.begin(), agg_canon.end(), canon) != agg_canon.end()) continue;
    agg_canon.push_back(canon);
    agg_exprs.push_back(c);
  }
  if (agg_exprs.empty()) {
    return absl::InvalidArgumentError(
        "GROUP BY requires aggregate functions in either the SELECT or HAVING clause.");
  }
  if (input_table) {
    std::vector<std::string> bad;  // in order of appearance
    for (const sql::Expr* c : agg_exprs) {
      const std::string f = absl::AsciiStrToUpper(c->text);
      if (f != "COUNT" && f != "SUM" && f != "AVG" && f != "COLLECT_LIST" && f != "COLLECT_SET" &&
          f != "HISTOGRAM" && f != "SUM_LIST" &&
          std::find(bad.begin(), bad.end(), f) == bad.end()) {
        bad.push_back(f);
      }
    }
    if (!bad.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("The aggregation function", bad.size() > 1 ? "s " : " ", JoinWithAnd(bad),
                       " cannot be applied to a table source, only to a stream source."));
    }
  }

  // ---- non-aggregate expressions must be GROUP BY expressions.
  {
    std::vector<std::string> bad;
    for (const auto& item : q->select) {
      if (item.kind != sql::SelectItem::Kind::kExpr) {
        // `*`: every source column must be grouped.
        for (const StarColumn& c : StarColumns(item)) {
          sql::Expr ref;
          ref.kind = sql::ExprKind::kColumnRef;
          ref.text = c.name;
          ref.qualifier = c.qualifier;
          if (GroupIndex(ref) < 0) bad.push_back(sql::ExprToSql(ref));
        }
        continue;
      }
      std::vector<std::string> cols;
      Ungrouped(*item.expr, {}, &cols);
      if (!cols.empty()) bad.push_back(sql::ExprToSql(*item.expr));
    }
    if (!bad.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Non-aggregate SELECT expression(s) not part of GROUP BY: ", absl::StrJoin(bad, ", "),
          "\nEither add the column(s) to the GROUP BY or remove them from the "
          "SELECT."));
    }
    if (q->having) {
      std::vector<std::string> cols;
      Ungrouped(*q->having, {}, &cols);
      if (!cols.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "Non-aggregate HAVING expression not part of GROUP BY: ", absl::StrJoin(cols, ", ")));
      }
    }
  }
  if (src->value_format.name == "DELIMITED") {
    // The aggregate's intermediate state is kept in the source's value format, which
    // cannot hold the ARRAY/STRUCT/MAP states of these functions.
    for (const sql::Expr* c : agg_exprs) {
      const std::string f = absl::AsciiStrToUpper(c->text);
      if (f == "TOPK" || f == "TOPKDISTINCT" || f == "COLLECT_LIST" || f == "COLLECT_SET" ||
          f == "HISTOGRAM") {
        return absl::InvalidArgumentError(
            "One of the functions used in the statement has an intermediate type that the "
            "value format can not handle. Please remove the function or change the format.");
      }
    }
  }
  if (!target.sink_is_table) {
    return absl::InvalidArgumentError(
        "Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS "
        "SELECT statement instead.");
  }

  // ---- stage 0 (over a join: the join stage, which applied WHERE): source, WHERE, and (when
  // needed) the repartition by the group key.
  std::vector<v1::Stage> stages;
  v1::Stage stage;
  if (join != nullptr) {
    stages = std::move(join->stages);
    stage = std::move(join->open);
  } else {
    stage.set_id(0);
    *stage.add_operators()->mutable_source() = source.op;
  }
  if (q->where && join == nullptr) {
    ExprAnalyzer where(&scope, "WHERE");
    SKEIN_ASSIGN_OR_RETURN(TypedExpr pred, where.Analyze(*q->where));
    if (pred.type && pred.type->kind() != TypeKind::kBoolean) {
      return ErrorAt(
          q->where->pos,
          absl::StrCat("Type error in WHERE expression: Should evaluate to boolean but is ",
                       sql::ExprToSql(*q->where), " (", pred.type->ToString(), ") instead."));
    }
    *stage.add_operators()->mutable_filter()->mutable_predicate() =
        *CoerceTo(pred, SqlType::Boolean());
  }
  const auto src_keys = src->schema.KeyColumns();
  bool by_source_key = join == nullptr && !input_table && src_keys.size() == q->group_by.size();
  for (size_t i = 0; by_source_key && i < src_keys.size(); ++i) {
    const auto& g = *q->group_by[i];
    by_source_key = g.kind == sql::ExprKind::kColumnRef && g.text == src_keys[i].name;
  }
  const bool repartition = !input_table && !by_source_key;
  const uint32_t num_keys = static_cast<uint32_t>(group_exprs.size());

  // The aggregate's input scope and group key expressions.
  std::vector<ScopeColumn> agg_scope = scope;
  std::vector<v1::Expr> agg_keys = group_exprs;
  if (repartition) {
    v1::RekeyOp rekey;
    for (uint32_t k = 0; k < num_keys; ++k) {
      *rekey.add_key_exprs() = group_exprs[k];
      *rekey.mutable_output()->add_columns() =
          ColumnProto(absl::StrCat("KSQL_GROUP_KEY_", k), group_types[k], v1::COLUMN_NAMESPACE_KEY);
    }
    // Stage 1 reads [keys][every non-pseudo source column as VALUE][ROWTIME, ...].
    v1::SourceOp repart_source;
    for (const auto& c : rekey.output().columns())
      *repart_source.mutable_schema()->add_columns() = c;
    agg_scope.clear();
    uint32_t next = num_keys;
    // Over a join: the join row's index of each repartitioned column, for the scope below.
    std::vector<std::pair<uint32_t, uint32_t>> moved;
    const v1::Schema& input_row = join != nullptr ? join->row : source.op.schema();
    for (int i = 0; i < input_row.columns_size(); ++i) {
      const auto& c = input_row.columns(i);
      auto col = c;
      if (col.namespace_() == v1::COLUMN_NAMESPACE_PSEUDO) {
        *rekey.mutable_output()->add_columns() = col;
        continue;
      }
      col.set_namespace_(v1::COLUMN_NAMESPACE_VALUE);
      col.clear_header_key();
      *rekey.mutable_output()->add_columns() = col;
      *repart_source.mutable_schema()->add_columns() = col;
      if (join != nullptr) {
        moved.emplace_back(static_cast<uint32_t>(i), next++);
      } else {
        agg_scope.push_back({c.name(), qualifier, TypeFromProto(c.type()), next++});
      }
    }
    if (join != nullptr) {
      // The join's scope (qualified names) over the repartitioned row.
      for (const ScopeColumn& s : join->scope) {
        for (const auto& [from, to] : moved) {
          if (from == s.index) agg_scope.push_back({s.name, s.qualifier, s.type, to});
        }
      }
    }
    for (const char* p : {"ROWTIME", "ROWPARTITION", "ROWOFFSET"}) {
      const SqlType t = std::string(p) == "ROWPARTITION" ? SqlType::Integer() : SqlType::Bigint();
      *repart_source.mutable_schema()->add_columns() =
          ColumnProto(p, t, v1::COLUMN_NAMESPACE_PSEUDO);
      agg_scope.push_back({p, join != nullptr ? "" : qualifier, t, next++});
    }
    *stage.add_operators()->mutable_rekey() = rekey;
    // The repartition topic: JSON keys and values hold any group key and column types.
    const std::string topic = RepartitionTopic();
    *repart_source.mutable_topic() =
        TopicProto(topic, src->partitions, FormatInfo{"JSON", {}}, FormatInfo{"JSON", {}});
    repart_source.set_timestamp_column(-1);
    v1::SinkOp repart_sink;
    *repart_sink.mutable_topic() = repart_source.topic();
    *repart_sink.mutable_schema() = rekey.output();
    repart_sink.set_timestamp_column(-1);
    *stage.add_operators()->mutable_sink() = repart_sink;
    const uint32_t next_id = stage.id() + 1;
    stages.push_back(std::move(stage));
    stage = v1::Stage();
    stage.set_id(next_id);
    *stage.add_operators()->mutable_source() = repart_source;
    agg_keys.clear();
    for (uint32_t k = 0; k < num_keys; ++k) {
      agg_keys.push_back(ColumnExpr(k, group_types[k], group_canon[k]));
    }
  }

  // ---- the aggregate.
  v1::AggregateOp agg;
  for (const auto& k : agg_keys) *agg.add_group_keys() = k;
  {
    ExprAnalyzer an(&agg_scope, "SELECT");
    an.set_allow_aggregates(true);
    for (const sql::Expr* c : agg_exprs) {
      if (absl::AsciiStrToUpper(c->text) == "TOPK" && c->children.size() >= 3) {
        // TOPK(sort_col, col0, ..., k): the top k rows as STRUCT<sort_col, col0, ...>.
        v1::AggregateCall* call = agg.add_calls();
        call->set_function("TOPK");
        std::vector<std::pair<std::string, SqlType>> fields;
        for (size_t i = 0; i + 1 < c->children.size(); ++i) {
          ExprAnalyzer arg(&agg_scope, "SELECT");
          SKEIN_ASSIGN_OR_RETURN(TypedExpr t, arg.Analyze(*c->children[i]));
          const SqlType type = t.type ? *t.type : SqlType::String();
          *call->add_args() = *CoerceTo(t, type);
          fields.emplace_back(i == 0 ? "sort_col" : absl::StrCat("col", i - 1), type);
        }
        const sql::Expr& k = *c->children.back();
        if (k.kind != sql::ExprKind::kIntegerLiteral) {
          return ErrorAt(k.pos, "The last argument of TOPK must be an INTEGER literal.");
        }
        call->add_params()->set_int_value(static_cast<int32_t>(k.int_value));
        const SqlType ret = SqlType::Array(SqlType::Struct(fields));
        *call->mutable_return_type() = TypeToProto(ret);
        agg_types.push_back(ret);
        continue;
      }
      SKEIN_ASSIGN_OR_RETURN(TypedExpr t, an.Analyze(*c));
      if (!t.expr.has_call())
        return absl::InternalError("aggregate call did not analyze to a call");
      v1::AggregateCall* call = agg.add_calls();
      call->set_function(t.expr.call().function());
      *call->mutable_return_type() = t.expr.type();
      for (int i = 0; i < t.expr.call().args_size(); ++i) {
        const v1::Expr& a = t.expr.call().args(i);
        if (i == 0) {
          *call->add_args() = a;
          continue;
        }
        if (!a.has_literal()) {
          return ErrorAt(c->pos, absl::StrCat("Parameter ", i + 1, " of ", call->function(),
                                              " must be a literal: ", sql::ExprToSql(*c)));
        }
        *call->add_params() = a.literal();
      }
      if (call->function() == "COLLECT_LIST" || call->function() == "COLLECT_SET") {
        const std::string prop = call->function() == "COLLECT_LIST"
                                     ? "ksql.functions.collect_list.limit"
                                     : "ksql.functions.collect_set.limit";
        if (auto it = catalog.properties().find(prop); it != catalog.properties().end()) {
          try {
            call->add_params()->set_bigint_value(std::stoll(it->second));
          } catch (const std::exception&) {
            return absl::InvalidArgumentError(
                absl::StrCat("Invalid value for ", prop, ": ", it->second));
          }
        }
      }
      agg_types.push_back(t.type ? *t.type : SqlType::Bigint());
    }
  }
  if (input_table) {
    // Table: stage 0 turns the changelog into group changes (retract the key's previous row,
    // add the new one) keyed by the group, through a repartition topic to the aggregate, which
    // reads the new arguments and the retracted ones from that row.
    v1::GroupByChangeOp change;
    std::vector<ColumnDef> cols;
    for (uint32_t k = 0; k < num_keys; ++k) {
      *change.add_group_keys() = group_exprs[k];
      cols.push_back(
          {absl::StrCat("KSQL_GROUP_KEY_", k), group_types[k], v1::COLUMN_NAMESPACE_KEY});
    }
    cols.push_back({"KSQL_CHANGE", SqlType::Integer(), v1::COLUMN_NAMESPACE_VALUE});
    std::vector<SqlType> arg_types;
    for (const auto& call : agg.calls()) {
      for (const auto& a : call.args()) {
        *change.add_args() = a;
        arg_types.push_back(TypeFromProto(a.type()));
      }
    }
    const uint32_t n = static_cast<uint32_t>(arg_types.size());
    for (const char* side : {"NEW", "OLD"}) {
      for (uint32_t j = 0; j < n; ++j) {
        cols.push_back(
            {absl::StrCat("KSQL_", side, "_ARG_", j), arg_types[j], v1::COLUMN_NAMESPACE_VALUE});
      }
    }
    if (join != nullptr) {
      // A table-table join's changelog is keyed by the join key.
      for (int i = 0; i < join->row.columns_size(); ++i) {
        if (join->row.columns(i).namespace_() == v1::COLUMN_NAMESPACE_KEY) {
          change.add_input_key_columns(static_cast<uint32_t>(i));
        }
      }
    } else {
      for (size_t i = 0; i < src->schema.size(); ++i) {
        if (src->schema.column(i).ns == types::ColumnNamespace::kKey) {
          change.add_input_key_columns(static_cast<uint32_t>(i));
        }
      }
    }
    v1::SourceOp repart_source;
    for (const ColumnDef& c : cols) {
      *change.mutable_output()->add_columns() = ColumnProto(c.name, c.type, c.ns);
      *repart_source.mutable_schema()->add_columns() = ColumnProto(c.name, c.type, c.ns);
    }
    *change.mutable_output()->add_columns() =
        ColumnProto("ROWTIME", SqlType::Bigint(), v1::COLUMN_NAMESPACE_PSEUDO);
    for (const char* p : {"ROWTIME", "ROWPARTITION", "ROWOFFSET"}) {
      *repart_source.mutable_schema()->add_columns() =
          ColumnProto(p, std::string(p) == "ROWPARTITION" ? SqlType::Integer() : SqlType::Bigint(),
                      v1::COLUMN_NAMESPACE_PSEUDO);
    }
    *stage.add_operators()->mutable_group_by_change() = change;
    *repart_source.mutable_topic() = TopicProto(RepartitionTopic(), src->partitions,
                                                FormatInfo{"JSON", {}}, FormatInfo{"JSON", {}});
    repart_source.set_timestamp_column(-1);
    v1::SinkOp repart_sink;
    *repart_sink.mutable_topic() = repart_source.topic();
    *repart_sink.mutable_schema() = change.output();
    repart_sink.set_timestamp_column(-1);
    *stage.add_operators()->mutable_sink() = repart_sink;
    const uint32_t next_id = stage.id() + 1;
    stages.push_back(std::move(stage));
    stage = v1::Stage();
    stage.set_id(next_id);
    *stage.add_operators()->mutable_source() = repart_source;
    // The aggregate now reads the change rows.
    agg.clear_group_keys();
    for (uint32_t k = 0; k < num_keys; ++k) {
      *agg.add_group_keys() = ColumnExpr(k, group_types[k], group_canon[k]);
    }
    uint32_t j = 0;
    for (auto& call : *agg.mutable_calls()) {
      const int nargs = call.args_size();
      call.clear_args();
      for (int a = 0; a < nargs; ++a, ++j) {
        *call.add_args() = ColumnExpr(num_keys + 1 + j, arg_types[j], "new argument");
        *call.add_undo_args() = ColumnExpr(num_keys + 1 + n + j, arg_types[j], "old argument");
      }
    }
    agg.set_changelog_input(true);
  }

  // The aggregate's output row and the scope SELECT/HAVING see.
  std::vector<ScopeColumn> out_scope;
  for (uint32_t k = 0; k < num_keys; ++k) {
    *agg.mutable_output()->add_columns() =
        ColumnProto(absl::StrCat("KSQL_GROUP_KEY_", k), group_types[k], v1::COLUMN_NAMESPACE_KEY);
  }
  for (size_t i = 0; i < agg_exprs.size(); ++i) {
    *agg.mutable_output()->add_columns() = ColumnProto(absl::StrCat("KSQL_AGG_VARIABLE_", i),
                                                       agg_types[i], v1::COLUMN_NAMESPACE_VALUE);
  }
  uint32_t next = num_keys + static_cast<uint32_t>(agg_exprs.size());
  std::vector<std::string> pseudo = {"ROWTIME"};
  if (windowed) {
    pseudo.push_back("WINDOWSTART");
    pseudo.push_back("WINDOWEND");
  }
  for (const auto& p : pseudo) {
    *agg.mutable_output()->add_columns() =
        ColumnProto(p, SqlType::Bigint(), v1::COLUMN_NAMESPACE_PSEUDO);
    // ksqlDB cannot resolve the window bounds of an aggregate over a join.
    if (join == nullptr || p == "ROWTIME") out_scope.push_back({p, "", SqlType::Bigint(), next});
    ++next;
  }
  ExprAnalyzer::Substitute substitute =
      [&](const sql::Expr& e) -> absl::StatusOr<std::optional<TypedExpr>> {
    if (e.kind == sql::ExprKind::kColumnRef &&
        (e.text == "WINDOWSTART" || e.text == "WINDOWEND" || e.text == "ROWTIME")) {
      return std::nullopt;
    }
    const int g = GroupIndex(e);
    if (g >= 0) {
      TypedExpr t;
      t.expr = ColumnExpr(static_cast<uint32_t>(g), group_types[g], sql::ExprToSql(e));
      t.type = group_types[g];
      return t;
    }
    if (IsAggregateCall(e)) {
      const std::string c = Canon(e);
      for (size_t i = 0; i < agg_canon.size(); ++i) {
        if (agg_canon[i] != c) continue;
        TypedExpr t;
        t.expr = ColumnExpr(num_keys + static_cast<uint32_t>(i), agg_types[i], sql::ExprToSql(e));
        t.type = agg_types[i];
        return t;
      }
    }
    return std::nullopt;
  };
  if (q->having) {
    ExprAnalyzer an(&out_scope, "HAVING");
    an.set_substitute(substitute);
    absl::StatusOr<TypedExpr> analyzed = an.Analyze(*q->having);
    if (!analyzed.ok()) return JoinStyle(analyzed.status());
    TypedExpr h = *std::move(analyzed);
    if (h.type && h.type->kind() != TypeKind::kBoolean) {
      return ErrorAt(
          q->having->pos,
          absl::StrCat("Type error in HAVING expression: Should evaluate to boolean "
                       "but is ",
                       sql::ExprToSql(*q->having), " (", h.type->ToString(), ") instead."));
    }
    *agg.mutable_having() = *CoerceTo(h, SqlType::Boolean());
  }
  if (windowed) {
    const sql::WindowSpec& w = *q->window;
    v1::AggregateWindow* win = agg.mutable_window();
    win->set_kind(w.kind == sql::WindowKind::kTumbling  ? v1::AggregateWindow::KIND_TUMBLING
                  : w.kind == sql::WindowKind::kHopping ? v1::AggregateWindow::KIND_HOPPING
                                                        : v1::AggregateWindow::KIND_SESSION);
    win->set_size_ms(w.size.millis);
    win->set_advance_ms(w.advance ? w.advance->millis : w.size.millis);
    // Without GRACE PERIOD, EMIT FINAL closes windows at their end; updates allow 24 hours.
    win->set_grace_ms(w.grace                            ? w.grace->millis
                      : q->emit == sql::EmitKind::kFinal ? 0
                                                         : kDefaultGraceMs);
    win->set_retention_ms(w.retention ? w.retention->millis : 0);
    if (w.kind == sql::WindowKind::kHopping && w.advance &&
        (w.advance->millis <= 0 || w.advance->millis > w.size.millis)) {
      return absl::InvalidArgumentError(
          "Window advance must be positive and not greater than the window size.");
    }
    if (w.size.millis <= 0) {
      return absl::InvalidArgumentError("Window size must be positive.");
    }
  }
  agg.set_emit_final(q->emit == sql::EmitKind::kFinal);
  *stage.add_operators()->mutable_aggregate() = agg;

  // ---- projection: keys (GROUP BY order) first, then values in SELECT order.
  struct Item {
    std::string name;
    v1::Expr expr;
    SqlType type;
    int key = -1;  // GROUP BY index when the item is a grouping expression itself
  };
  std::vector<Item> items;
  std::vector<std::string> source_names;
  if (join != nullptr) {
    for (const ScopeColumn& c : join->scope) source_names.push_back(c.name);
  } else {
    for (const auto& c : src->schema.columns()) source_names.push_back(c.name);
  }
  int generated = 0;
  ExprAnalyzer sel(&out_scope, "SELECT");
  sel.set_substitute(substitute);
  for (const auto& item : q->select) {
    if (item.kind != sql::SelectItem::Kind::kExpr) {
      // `*` over fully grouped columns: each becomes its key (<ALIAS>_<COLUMN> over a join).
      for (const StarColumn& c : StarColumns(item)) {
        sql::Expr ref;
        ref.kind = sql::ExprKind::kColumnRef;
        ref.text = c.name;
        ref.qualifier = c.qualifier;
        const int g = GroupIndex(ref);
        const std::string name =
            c.qualifier.empty() ? c.name : absl::StrCat(c.qualifier, "_", c.name);
        items.push_back(
            {name, ColumnExpr(static_cast<uint32_t>(g), group_types[g], name), group_types[g], g});
      }
      continue;
    }
    Item o;
    o.key = GroupIndex(*item.expr);
    absl::StatusOr<TypedExpr> analyzed = sel.Analyze(*item.expr);
    if (!analyzed.ok()) return JoinStyle(analyzed.status());
    TypedExpr t = *std::move(analyzed);
    if (!t.type) {
      return ErrorAt(item.expr->pos,
                     "Can't infer a type of null. Please explicitly cast it to a required "
                     "type, e.g. CAST(null AS VARCHAR).");
    }
    o.type = *t.type;
    o.expr = *CoerceTo(t, o.type);
    if (!item.alias.empty()) {
      SKEIN_RETURN_IF_ERROR(CheckAliasNotReserved(item.alias));
      o.name = item.alias;
    } else if (join != nullptr && item.expr->kind == sql::ExprKind::kColumnRef &&
               !item.expr->qualifier.empty() && InBothJoinSources(item.expr->text)) {
      // A column both joined sources have is named after its source: L.ID -> L_ID.
      o.name = absl::StrCat(item.expr->qualifier, "_", item.expr->text);
    } else {
      o.name = ImplicitName(*item.expr, &generated, source_names);
    }
    items.push_back(std::move(o));
  }
  std::vector<const Item*> key_items(num_keys, nullptr);
  for (const Item& it : items) {
    if (it.key < 0) continue;
    if (key_items[it.key] != nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("The projection contains a key column more than once: `",
                       key_items[it.key]->name, "` and `", it.name, "`."));
    }
    key_items[it.key] = &it;
  }
  {
    std::vector<std::string> missing;
    for (uint32_t k = 0; k < num_keys; ++k) {
      if (key_items[k] == nullptr) missing.push_back(sql::ExprToSql(*q->group_by[k]));
    }
    if (!missing.empty()) {
      const bool many = missing.size() > 1;
      return absl::InvalidArgumentError(
          absl::StrCat("Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\n"
                       "The query used to build `",
                       target.sink_name, "` must include the grouping ",
                       many ? "expressions " : "expression ", JoinWithAnd(missing),
                       " in its projection (eg, SELECT ", absl::StrJoin(missing, ", "), "...)."));
    }
  }
  // Output order: grouping keys in GROUP BY order, then values in projection order.
  std::vector<ProjectedItem> projected;
  projected.reserve(items.size());
  for (const Item* k : key_items) projected.push_back({k->name, k->expr, k->type, true, ""});
  for (const Item& it : items) {
    if (it.key < 0) projected.push_back({it.name, it.expr, it.type, false, ""});
  }
  std::vector<const ProjectedItem*> ordered;
  for (const ProjectedItem& p : projected) ordered.push_back(&p);
  v1::ProjectOp project;
  SKEIN_ASSIGN_OR_RETURN(const types::Schema out_schema, BuildProjection(ordered, &project));
  std::optional<WindowInfo> window_info;
  if (windowed) {
    // The sink's windowed key is written from the window bounds carried as pseudo columns.
    const uint32_t ws = num_keys + static_cast<uint32_t>(agg_exprs.size()) + 1;
    for (uint32_t i = 0; i < 2; ++i) {
      const char* name = i == 0 ? "WINDOWSTART" : "WINDOWEND";
      *project.add_exprs() = ColumnExpr(ws + i, SqlType::Bigint(), name);
      *project.mutable_output()->add_columns() =
          ColumnProto(name, SqlType::Bigint(), v1::COLUMN_NAMESPACE_PSEUDO);
    }
    const sql::WindowSpec& w = *q->window;
    window_info = WindowInfo{w.kind == sql::WindowKind::kTumbling  ? "TUMBLING"
                             : w.kind == sql::WindowKind::kHopping ? "HOPPING"
                                                                   : "SESSION",
                             w.kind == sql::WindowKind::kSession ? 0 : w.size.millis};
  }
  *stage.add_operators()->mutable_project() = project;

  // ---- sink.
  SKEIN_ASSIGN_OR_RETURN(DataSource sink,
                         BuildSink(catalog, target, out_schema, *src, window_info, text));
  v1::SinkOp sink_op = SinkOpFor(sink, project.output());
  if (windowed) {
    sink_op.mutable_windowed_key()->set_kind(window_info->kind == "SESSION"
                                                 ? v1::WindowedKey::KIND_SESSION
                                                 : v1::WindowedKey::KIND_TIME);
    sink_op.mutable_windowed_key()->set_size_ms(window_info->size_millis);
  }
  *stage.add_operators()->mutable_sink() = sink_op;
  stages.push_back(std::move(stage));
  std::vector<std::string> sources = {src->name};
  if (join != nullptr) sources = join->sources;
  return RegisterQuery(catalog, target, std::move(sink), std::move(sources), std::move(stages),
                       text, apply);
}

}  // namespace

absl::StatusOr<StatementResult> PlanAggregateQuery(Catalog& catalog, const QueryTarget& target,
                                                   std::string_view text, bool apply) {
  AggregatePlanner p(catalog, target, text);
  std::optional<JoinRelation> join;
  if (!target.query->joins.empty()) {
    SKEIN_ASSIGN_OR_RETURN(join, PlanJoinRelation(catalog, target));
    p.join = &*join;
  }
  return p.Plan(apply);
}

}  // namespace skein::compiler

namespace skein::compiler {

bool HasAggregateCalls(const sql::Query& q) {
  std::vector<const sql::Expr*> calls;
  for (const auto& item : q.select) {
    if (item.kind == sql::SelectItem::Kind::kExpr) CollectAggregates(*item.expr, &calls);
  }
  return !calls.empty();
}

}  // namespace skein::compiler
