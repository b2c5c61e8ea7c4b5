// Stream-stream, stream-table and table-table joins (and foreign-key table-table joins).
//
// Plan shape: one join stage reads both inputs — its `operators` start with the left source and
// its `right_operators` with the right source; the JoinOp follows the left chain, then
// [Filter (WHERE)] -> Project -> Sink (join_projection.cc). A side whose join expression is not
// its key is first rekeyed into a repartition topic by its own stage (Source -> Rekey -> Sink),
// and the join stage reads that topic instead. Joins of three or more sources chain such
// stages (join_plan.h, nested_join.cc).
//
// The join's output row (the scope of WHERE and SELECT): [join key][left row][right row], each
// side's row being its source row ([new key] first when repartitioned). ksqlDB naming applies:
// the key takes the name of the first projected column the join is on, or a synthetic ROWKEY
// (FULL OUTER joins, or joins on expressions); qualified columns in the projection are named
// <ALIAS>_<COLUMN>.

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "expr_analyzer.h"
#include "join_plan.h"
#include "planner_util.h"
#include "skein/common/status.h"
#include "skein/sql/parser.h"
#include "skein/sql/printer.h"
#include "statements.h"

namespace skein::compiler {

using types::SqlType;
using types::TypeKind;

namespace {

// An ON operand as ksqlDB prints it in join errors (NULL in lower case).
std::string OnSql(const sql::Expr& e) {
  return e.kind == sql::ExprKind::kNullLiteral ? "null" : sql::ExprToSql(e);
}

std::string OnSql(const sql::Expr& lhs, const sql::Expr& rhs) {
  return absl::StrCat("(", OnSql(lhs), " = ", OnSql(rhs), ")");
}

void Unqualify(sql::Expr* e) {
  if (e == nullptr || e->kind == sql::ExprKind::kLambda) return;
  if (e->kind == sql::ExprKind::kColumnRef && !e->qualifier.empty()) {
    e->text = absl::StrCat(e->qualifier, "_", e->text);
    e->qualifier.clear();
  }
  for (auto& c : e->children) Unqualify(c.get());
  Unqualify(e->operand.get());
  Unqualify(e->else_result.get());
}

// The error of analyzing `e` as ksqlDB reports it over a join, whose columns it names
// <ALIAS>_<COLUMN>: `e` is re-analyzed with its qualified columns renamed so. `error` is
// returned as is when the renamed expression does not fail the same way.
absl::Status JoinStyleError(const sql::Expr& e, const std::vector<ScopeColumn>& scope,
                            const std::string& clause, absl::Status error) {
  absl::StatusOr<sql::ExprPtr> copy = sql::ParseExpression(sql::ExprToSql(e));
  if (!copy.ok()) return error;
  Unqualify(copy->get());
  std::vector<ScopeColumn> renamed = scope;
  for (const auto& c : scope) {
    if (!c.qualifier.empty())
      renamed.push_back({absl::StrCat(c.qualifier, "_", c.name), "", c.type, c.index});
  }
  ExprAnalyzer again(&renamed, clause);
  absl::StatusOr<TypedExpr> t = again.Analyze(**copy);
  return t.ok() ? error : t.status();
}

std::string WindowName(const DataSource& s) {
  return s.window ? absl::AsciiStrToUpper(s.window->kind) : "";
}

// The join type as ksqlDB prints it in errors.
std::string JoinTypeSql(sql::JoinType type) {
  switch (type) {
    case sql::JoinType::kInner:
      return "[INNER] JOIN";
    case sql::JoinType::kLeft:
      return "LEFT [OUTER] JOIN";
    case sql::JoinType::kRight:
      return "RIGHT JOIN";
    case sql::JoinType::kFull:
      return "[FULL] OUTER JOIN";
  }
  return "JOIN";
}

// Checks the inputs' kinds, formats and windowing.
absl::Status CheckInputs(const JoinSide& l, const JoinSide& r, const sql::JoinClause& join) {
  if (l.src->name == r.src->name) {
    return absl::InvalidArgumentError(absl::StrCat("Can not join '", l.src->name, "' to '",
                                                   r.src->name,
                                                   "': self joins are not yet supported."));
  }
  std::vector<std::string> kafka;
  for (const JoinSide* s : {&l, &r}) {
    if (s->src->value_format.name == "KAFKA") kafka.push_back(s->src->name);
  }
  if (!kafka.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Source(s) ", absl::StrJoin(kafka, ", "),
        " are using the 'KAFKA' value format. This format does not yet support JOIN."));
  }
  if (l.src->window.has_value() != r.src->window.has_value()) {
    const JoinSide& w = l.src->window ? l : r;
    const JoinSide& n = l.src->window ? r : l;
    return absl::InvalidArgumentError(absl::StrCat(
        "Can not join windowed source to non-windowed source.\n`", w.src->name, "` is ",
        WindowName(*w.src), " windowed\n`", n.src->name, "` is not windowed"));
  }
  if (l.src->window && r.src->window) {
    const bool ls = WindowName(*l.src) == "SESSION", rs = WindowName(*r.src) == "SESSION";
    if (ls != rs) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Incompatible windowed sources.\nLeft source: ", WindowName(*l.src),
          "\nRight source: ", WindowName(*r.src),
          "\nSession windowed sources can only be joined to other session windowed sources, "
          "and may still not result in expected behaviour as session bounds must be an exact "
          "match for the join to work\nHopping and tumbling windowed sources can only be joined "
          "to other hopping and tumbling windowed sources"));
    }
  }
  const bool ls = !l.src->is_table, rs = !r.src->is_table;
  const bool within = join.within_before.has_value();
  if (ls && rs && !within) {
    return ErrorAt(join.pos,
                   "Stream-Stream joins must have a WITHIN clause specified. None was provided. "
                   "To learn about how to specify a WITHIN clause with a stream-stream join, "
                   "please visit: https://docs.confluent.io/current/ksql/docs/"
                   "syntax-reference.html#create-stream-as-select");
  }
  if (!(ls && rs) && within) {
    return ErrorAt(join.pos, absl::StrCat("A window definition was provided for a ",
                                          ls ? "Stream-Table" : "Table-Table",
                                          " join. These joins are not windowed. Please drop the "
                                          "window definition (ie. the WITHIN clause) and try to "
                                          "execute your join again."));
  }
  if (!ls && rs) {
    return ErrorAt(join.pos,
                   absl::StrCat("Invalid join order: table-stream joins are not "
                                "supported; only stream-table joins. Got ",
                                l.src->name, " ", JoinTypeSql(join.type), " ", r.src->name, "."));
  }
  if (ls && !rs && (join.type == sql::JoinType::kRight || join.type == sql::JoinType::kFull)) {
    return ErrorAt(join.pos,
                   absl::StrCat("Invalid join type: ",
                                join.type == sql::JoinType::kFull ? "full-outer" : "right",
                                " join not supported for stream-table join. Got ", l.src->name, " ",
                                join.type == sql::JoinType::kFull ? "[FULL] OUTER" : "RIGHT",
                                " JOIN ", r.src->name, "."));
  }
  return absl::OkStatus();
}

// Splits ON into the two sides' expressions and analyzes each over its own source.
absl::Status AnalyzeCondition(const sql::JoinClause& join, JoinSide* l, JoinSide* r,
                              const std::vector<ScopeColumn>& left_scope,
                              const std::vector<ScopeColumn>& right_scope) {
  const sql::Expr& on = *join.on;
  if (on.kind == sql::ExprKind::kBinary &&
      (on.binary_op == sql::BinaryOp::kAnd || on.binary_op == sql::BinaryOp::kOr)) {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid join condition: joins on multiple conditions are not yet "
                     "supported. Got ",
                     sql::ExprToSql(on), "."));
  }
  if (on.kind != sql::ExprKind::kBinary || on.binary_op != sql::BinaryOp::kEqual) {
    return ErrorAt(on.pos, absl::StrCat("Unsupported join expression: ", sql::ExprToSql(on),
                                        ". Only equality joins are supported."));
  }
  {
    std::vector<const sql::Expr*> refs;
    CollectColumnRefs(on, &refs);
    for (const sql::Expr* ref : refs) {
      const bool left_alias =
          l->nested ? std::any_of(l->nested_leaves.begin(), l->nested_leaves.end(),
                                  [&](const JoinLeaf& f) { return f.alias == ref->qualifier; })
                    : ref->qualifier == l->alias;
      if (!ref->qualifier.empty() && !left_alias && ref->qualifier != r->alias) {
        return absl::InvalidArgumentError(absl::StrCat("Failed to prepare statement: '",
                                                       ref->qualifier,
                                                       "' is not a valid stream/table name or "
                                                       "alias."));
      }
    }
  }
  std::vector<ScopeColumn> both = left_scope;
  both.insert(both.end(), right_scope.begin(), right_scope.end());
  const sql::Expr* halves[2] = {on.children[0].get(), on.children[1].get()};
  int owner[2] = {-1, -1};
  TypedExpr typed[2];
  for (int i = 0; i < 2; ++i) {
    // Unknown columns and qualifiers are reported over both sources first.
    ExprAnalyzer all(&both, "JOIN ON");
    SKEIN_RETURN_IF_ERROR(all.Analyze(*halves[i]).status());
    std::vector<const sql::Expr*> refs;
    CollectColumnRefs(*halves[i], &refs);
    ExprAnalyzer la(&left_scope, "JOIN ON"), ra(&right_scope, "JOIN ON");
    auto lt = la.Analyze(*halves[i]);
    auto rt = ra.Analyze(*halves[i]);
    if (!refs.empty() && lt.ok()) {
      owner[i] = 0;
      typed[i] = *std::move(lt);
    } else if (!refs.empty() && rt.ok()) {
      owner[i] = 1;
      typed[i] = *std::move(rt);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid comparison expression '", OnSql(*halves[i]), "' in join '",
          OnSql(*halves[0], *halves[1]),
          "'. Each side of the join comparision must contain references from exactly one "
          "source."));
    }
  }
  if (owner[0] == owner[1]) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Invalid comparison expression '", OnSql(*halves[1]), "' in join '",
        OnSql(*halves[0], *halves[1]),
        "'. Each side of the join comparision must contain references from exactly one source."));
  }
  const int li = owner[0] == 0 ? 0 : 1;
  l->on = halves[li];
  r->on = halves[1 - li];
  l->key = typed[li];
  r->key = typed[1 - li];
  if (!l->key.type || !r->key.type || !(*l->key.type == *r->key.type)) {
    auto show = [&](int i) {
      const JoinSide* s = owner[i] == 0 ? l : r;
      return absl::StrCat(QualifiedSql(*halves[i], s->alias), "{",
                          typed[i].type ? typed[i].type->ToString() : "NULL", "}");
    };
    return absl::InvalidArgumentError(absl::StrCat(
        "Invalid join condition: types don't match. Got ", show(0), " = ", show(1), "."));
  }
  for (JoinSide* s : {l, r}) {
    if (s->nested) continue;  // FinishNestedLeft decides
    const auto keys = s->src->schema.KeyColumns();
    s->on_key =
        keys.size() == 1 && s->on->kind == sql::ExprKind::kColumnRef && s->on->text == keys[0].name;
  }
  return absl::OkStatus();
}

// Rekeys a side into a repartition topic: a stage Source -> Rekey -> Sink, and the SourceOp
// of the join stage reading [key][every source column as VALUE][pseudo columns].
v1::Stage RepartitionStage(JoinSide* side, uint32_t stage_id, const std::string& topic,
                           int partitions, const FormatInfo& key_format) {
  SourceScope source = BuildSourceScope(*side->src, side->alias);
  v1::Stage stage;
  stage.set_id(stage_id);
  *stage.add_operators()->mutable_source() = source.op;
  v1::RekeyOp rekey;
  *rekey.add_key_exprs() = side->key.expr;
  *rekey.mutable_output()->add_columns() =
      ColumnProto("JOINKEY", *side->key.type, v1::COLUMN_NAMESPACE_KEY);
  for (const auto& c : source.op.schema().columns()) {
    auto col = c;
    if (col.namespace_() != v1::COLUMN_NAMESPACE_PSEUDO) {
      col.set_namespace_(v1::COLUMN_NAMESPACE_VALUE);
      col.clear_header_key();
    }
    *rekey.mutable_output()->add_columns() = col;
  }
  *stage.add_operators()->mutable_rekey() = rekey;
  v1::SourceOp op;
  *op.mutable_schema() = rekey.output();
  *op.mutable_topic() = TopicProto(topic, partitions, key_format, FormatInfo{"JSON", {}});
  op.set_is_table(side->src->is_table);  // a table keeps its key: still a changelog
  op.set_timestamp_column(-1);
  v1::SinkOp sink;
  *sink.mutable_topic() = op.topic();
  *sink.mutable_schema() = rekey.output();
  sink.set_timestamp_column(-1);
  sink.set_is_table(side->src->is_table);
  *stage.add_operators()->mutable_sink() = sink;
  side->op = op;
  side->source_offset = 1;
  return stage;
}

// Plans join `index` of the query up to (and including, for the last join) WHERE. Its left
// side is the FROM source for the first join, else `prev`, the joins before it.
absl::StatusOr<JoinPlan> BuildJoinStep(Catalog& catalog, const QueryTarget& target, size_t index,
                                       JoinPlan* prev) {
  const sql::Query* q = target.query;
  const sql::JoinClause& join = q->joins[index];
  const bool last = index + 1 == q->joins.size();
  JoinSide l = prev != nullptr ? NestedSide(*prev) : JoinSide{};
  JoinSide r;
  for (auto [side, rel] : {std::pair{&l, &q->from}, std::pair{&r, &join.right}}) {
    if (side->nested) continue;
    side->src = catalog.FindSource(rel->name);
    if (side->src == nullptr) {
      return ErrorAt(rel->pos, absl::StrCat("Source `", rel->name, "` does not exist."));
    }
    side->alias = rel->alias.empty() ? rel->name : rel->alias;
  }
  std::vector<v1::Stage> stages;
  if (l.nested) {
    for (const JoinLeaf& leaf : l.nested_leaves) {
      if (leaf.src->name == r.src->name) {
        return ErrorAt(join.right.pos,
                       absl::StrCat("N-way joins do not support multiple occurrences of the same "
                                    "source. Source: '",
                                    r.src->name, "'"));
      }
    }
    SKEIN_RETURN_IF_ERROR(CheckNestedCondition(join, l, r));
    SourceScope rs = BuildSourceScope(*r.src, r.alias);
    SKEIN_RETURN_IF_ERROR(AnalyzeCondition(join, &l, &r, SideScope(l, 0), rs.columns));
    r.op = rs.op;
    SKEIN_RETURN_IF_ERROR(FinishNestedLeft(catalog, target, index, prev, r, &l, &stages));
    SKEIN_RETURN_IF_ERROR(CheckInputs(l, r, join));
  } else {
    SourceScope ls = BuildSourceScope(*l.src, l.alias), rs = BuildSourceScope(*r.src, r.alias);
    SKEIN_RETURN_IF_ERROR(AnalyzeCondition(join, &l, &r, ls.columns, rs.columns));
    SKEIN_RETURN_IF_ERROR(CheckInputs(l, r, join));
    l.op = ls.op;
    r.op = rs.op;
  }
  const bool stream_stream = !l.src->is_table && !r.src->is_table;
  const bool table_table = l.src->is_table && r.src->is_table;
  const SqlType key_type = *l.key.type;

  // ---- keys: which sides must be repartitioned, foreign-key joins, co-partitioning.
  bool foreign_key = false;
  auto condition_text = [&] {
    return absl::StrCat(
        QualifiedSql(*join.on->children[0], join.on->children[0].get() == l.on ? l.alias : r.alias),
        " = ",
        QualifiedSql(*join.on->children[1],
                     join.on->children[1].get() == l.on ? l.alias : r.alias));
  };
  if (table_table) {
    if (!r.on_key) {
      return absl::InvalidArgumentError(
          absl::StrCat("Invalid join condition: table-table joins require to join on the primary "
                       "key of the right input table. Got ",
                       absl::AsciiStrToUpper(condition_text()), "."));
    }
    if (!l.on_key) {
      foreign_key = true;
      if (join.type != sql::JoinType::kInner && join.type != sql::JoinType::kLeft) {
        return absl::InvalidArgumentError(absl::StrCat(
            "Invalid join type: foreign-key table-table joins only support INNER and LEFT "
            "joins. Got ",
            l.src->name, " ", join.type == sql::JoinType::kFull ? "[FULL] OUTER" : "RIGHT",
            " JOIN ", r.src->name, "."));
      }
      if (l.src->schema.num_keys() != 1) {
        return absl::UnimplementedError("foreign-key joins need a left table with one key column");
      }
    }
  } else if (!stream_stream && !r.on_key) {
    const auto keys = r.src->schema.KeyColumns();
    return absl::InvalidArgumentError(absl::StrCat(
        "Cannot repartition a TABLE source. If this is a join, make sure that the criteria uses "
        "the TABLE's key column ",
        keys.empty() ? "ROWKEY" : keys[0].name, " instead of ", sql::ExprToSql(*r.on)));
  }
  l.repartition = !l.src->is_table && !l.on_key;
  r.repartition = !r.src->is_table && !r.on_key;
  // Keys read as they are must also be serialized alike to be co-partitioned: when the key
  // formats differ, the right side is rewritten with the left's key format (as ksqlDB does).
  if (!foreign_key && !l.repartition && !r.repartition &&
      l.src->key_format.name != r.src->key_format.name) {
    r.repartition = true;
  }
  for (const JoinSide* s : {&l, &r}) {
    if (s->repartition && s->src->window) {
      return absl::InvalidArgumentError(
          "Implicit repartitioning of windowed sources is not supported. See "
          "https://github.com/confluentinc/ksql/issues/4385.");
    }
  }
  // Windowed sources join per (key, window): both must have the same windows.
  const bool windowed = l.src->window.has_value() && r.src->window.has_value();
  if (windowed && (l.src->window->kind != r.src->window->kind ||
                   l.src->window->size_millis != r.src->window->size_millis)) {
    return absl::InvalidArgumentError(
        "Implicit repartitioning of windowed sources is not supported. See "
        "https://github.com/confluentinc/ksql/issues/4385.");
  }
  if (!l.repartition && !r.repartition && !foreign_key && l.src->partitions != r.src->partitions) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Can't join `", l.src->name, "` with `", r.src->name,
        "` since the number of partitions don't match. `", l.src->name, "` partitions = ",
        l.src->partitions, "; `", r.src->name, "` partitions = ", r.src->partitions,
        ". Please repartition either one so that the number of partitions match."));
  }

  // ---- repartition stages.
  // The first join is "Join", the next ones "Join2", "Join3"... (topics and stores).
  const std::string join_name = index == 0 ? "Join" : absl::StrCat("Join", index + 1);
  const std::string tenant = catalog.tenant().empty() ? "default" : catalog.tenant();
  for (JoinSide* s : {&l, &r}) {
    if (!s->repartition) continue;
    const JoinSide& other = s == &l ? r : l;
    // Partitioned like the other side when it is read as is, so equal keys meet.
    int partitions = other.repartition ? l.src->partitions : other.src->partitions;
    const FormatInfo key_format =
        KeyFormatFor(other.repartition ? l.src->key_format : other.src->key_format, key_type);
    const std::string topic = absl::StrCat("_skein-", tenant, "-", target.sink_name, "-", join_name,
                                           "-", s == &l ? "left" : "right", "-repartition");
    stages.push_back(
        RepartitionStage(s, static_cast<uint32_t>(stages.size()), topic, partitions, key_format));
  }
  l.width = static_cast<uint32_t>(l.op.schema().columns_size());
  r.width = static_cast<uint32_t>(r.op.schema().columns_size());
  l.first = 1;
  r.first = 1 + l.width;

  // ---- key naming.
  // A nested side joined on an expression equal to its key keeps that key's columns.
  const bool l_column = l.on->kind == sql::ExprKind::kColumnRef ||
                        (l.nested && l.nested_on_key_column && !l.nested_key_refs.empty());
  const bool synthetic = !foreign_key && (join.type == sql::JoinType::kFull ||
                                          (!l_column && r.on->kind != sql::ExprKind::kColumnRef));
  std::vector<JoinLeaf> leaves = SideLeaves(l);
  for (const JoinLeaf& leaf : SideLeaves(r)) leaves.push_back(leaf);
  std::set<std::string> taken;
  for (const JoinLeaf& leaf : leaves) {
    for (const auto& c : leaf.src->schema.columns()) taken.insert(c.name);
  }
  std::string synthetic_name = "ROWKEY";
  for (int n = 1; taken.count(synthetic_name); ++n) synthetic_name = absl::StrCat("ROWKEY_", n);

  // Scope of WHERE and SELECT over the join output row.
  std::vector<ScopeColumn> scope;
  if (synthetic && windowed) {
    return absl::UnimplementedError(
        "FULL OUTER joins and joins on expressions of windowed "
        "sources are not supported yet");
  }
  if (synthetic) scope.push_back({synthetic_name, "", key_type, 0});
  for (const JoinSide* s : {&l, &r}) {
    std::vector<ScopeColumn> ss = SideScope(*s, s->first + s->source_offset);
    scope.insert(scope.end(), ss.begin(), ss.end());
  }
  // Columns the join is on (join output indexes), in ON order of sides: projecting one of them
  // gives the key.
  std::vector<uint32_t> key_refs;
  std::vector<std::string> key_ref_names;
  // A nested side's key-equivalent columns are all those of the joins before it.
  auto add_nested_key_refs = [&] {
    for (size_t i = 0; i < l.nested_key_refs.size(); ++i) {
      key_refs.push_back(l.first + l.nested_key_refs[i]);
      key_ref_names.push_back(l.nested_key_names[i]);
    }
  };
  if (foreign_key && l.nested) {
    add_nested_key_refs();
  } else if (foreign_key) {
    key_refs.push_back(l.first + l.source_offset);
    key_ref_names.push_back(Qualified(l.alias, l.src->schema.column(0).name));
  } else if (!synthetic) {
    for (const JoinSide* s : {&l, &r}) {
      if (s->nested && s->nested_on_key_column) {
        add_nested_key_refs();
        continue;
      }
      if (s->on->kind != sql::ExprKind::kColumnRef) continue;
      if (s->nested) {
        const ScopeColumn& c = s->nested_scope[static_cast<size_t>(s->nested_on_column - 1)];
        key_refs.push_back(s->first + c.index);
        key_ref_names.push_back(Qualified(c.qualifier, c.name));
        continue;
      }
      key_refs.push_back(s->first + s->source_offset +
                         static_cast<uint32_t>(s->src->schema.IndexOf(s->on->text)));
      key_ref_names.push_back(Qualified(s->alias, s->on->text));
    }
  }

  // ---- the join stage.
  v1::Stage stage;
  stage.set_id(static_cast<uint32_t>(stages.size()));
  *stage.add_operators()->mutable_source() = l.op;
  *stage.add_right_operators()->mutable_source() = r.op;
  v1::JoinOp* jop = stage.add_operators()->mutable_join();
  jop->set_kind(stream_stream ? v1::JoinOp::KIND_STREAM_STREAM
                : table_table ? v1::JoinOp::KIND_TABLE_TABLE
                              : v1::JoinOp::KIND_STREAM_TABLE);
  switch (join.type) {
    case sql::JoinType::kInner:
      jop->set_type(v1::JoinOp::TYPE_INNER);
      break;
    case sql::JoinType::kLeft:
      jop->set_type(v1::JoinOp::TYPE_LEFT);
      break;
    case sql::JoinType::kRight:
      jop->set_type(v1::JoinOp::TYPE_RIGHT);
      break;
    case sql::JoinType::kFull:
      jop->set_type(v1::JoinOp::TYPE_OUTER);
      break;
  }
  // Windowed joins match on STRUCT(K, S, E): the key and its window's bounds.
  const SqlType join_key_type =
      windowed
          ? SqlType::Struct({{"K", key_type}, {"S", SqlType::Bigint()}, {"E", SqlType::Bigint()}})
          : key_type;
  auto side_key = [&](const JoinSide& s) -> v1::Expr {
    if (s.repartition) return ColumnExpr(0, key_type, "JOINKEY");
    if (!windowed) return s.key.expr;  // over the source row: the key column, or (FK) the FK
    v1::Expr e;
    *e.mutable_type() = TypeToProto(join_key_type);
    e.mutable_call()->set_function("STRUCT");
    *e.mutable_call()->add_args() = s.key.expr;
    for (const char* bound : {"WINDOWSTART", "WINDOWEND"}) {
      const int i = s.op.schema().columns_size();
      for (int c = 0; c < i; ++c) {
        if (s.op.schema().columns(c).name() == bound) {
          *e.mutable_call()->add_args() =
              ColumnExpr(static_cast<uint32_t>(c), SqlType::Bigint(), bound);
        }
      }
    }
    e.set_text("JOINKEY");
    return e;
  };
  *jop->mutable_left_key() = side_key(l);
  *jop->mutable_right_key() = side_key(r);
  if (join.within_before) {
    jop->set_before_ms(join.within_before->millis);
    jop->set_after_ms(join.within_after ? join.within_after->millis : join.within_before->millis);
  }
  if (join.grace) {
    jop->set_has_grace(true);
    jop->set_grace_ms(join.grace->millis);
  }
  jop->set_foreign_key(foreign_key);
  jop->set_store_prefix(join_name);
  *jop->mutable_output()->add_columns() =
      ColumnProto(synthetic ? synthetic_name : "JOINKEY", join_key_type, v1::COLUMN_NAMESPACE_KEY);
  for (const JoinSide* s : {&l, &r}) {
    for (const auto& c : s->op.schema().columns()) {
      auto col = c;
      col.set_name(absl::StrCat(s->alias, "_", c.name()));
      if (col.namespace_() != v1::COLUMN_NAMESPACE_PSEUDO) {
        col.set_namespace_(v1::COLUMN_NAMESPACE_VALUE);
      }
      col.clear_header_key();
      *jop->mutable_output()->add_columns() = col;
    }
  }

  if (q->where && last) {
    ExprAnalyzer where(&scope, "WHERE");
    absl::StatusOr<TypedExpr> analyzed = where.Analyze(*q->where);
    if (!analyzed.ok()) return JoinStyleError(*q->where, scope, "WHERE", analyzed.status());
    TypedExpr pred = *std::move(analyzed);
    if (pred.type && pred.type->kind() != TypeKind::kBoolean) {
      return ErrorAt(
          q->where->pos,
          absl::StrCat("Type error in WHERE expression: Should evaluate to boolean but "
                       "is ",
                       sql::ExprToSql(*q->where), " (", pred.type->ToString(), ") instead."));
    }
    // Over two tables, the join filters its own results: a row that stops matching becomes a
    // tombstone only if its previous result was emitted (Kafka Streams' filter with old values).
    *(table_table ? jop->mutable_filter()
                  : stage.add_operators()->mutable_filter()->mutable_predicate()) =
        *CoerceTo(pred, SqlType::Boolean());
  }

  JoinPlan p;
  if (foreign_key) {
    p.key_exprs = l.nested
                      ? l.nested_key_exprs
                      : std::vector<std::string>{Qualified(l.alias, l.src->schema.column(0).name)};
  } else if (join.type != sql::JoinType::kFull) {
    p.key_exprs = {CanonicalOn(*l.on, l), CanonicalOn(*r.on, r)};
    if (l.nested && l.nested_on_key_column) {
      p.key_exprs.insert(p.key_exprs.end(), l.nested_key_exprs.begin(), l.nested_key_exprs.end());
    }
  }
  p.l = std::move(l);
  p.r = std::move(r);
  p.synthetic = synthetic;
  p.windowed = windowed;
  p.table_table = table_table;
  p.synthetic_name = synthetic_name;
  p.key_type = key_type;
  p.join_key_type = join_key_type;
  p.key_refs = std::move(key_refs);
  p.key_ref_names = std::move(key_ref_names);
  p.rel.stages = std::move(stages);
  p.rel.row = jop->output();
  p.rel.open = std::move(stage);
  p.rel.scope = std::move(scope);
  for (const JoinLeaf& leaf : leaves) {
    p.rel.sources.push_back(leaf.src->name);
    p.rel.aliased_sources.emplace_back(leaf.alias, leaf.src);
  }
  p.rel.leftmost = leaves.front().src;
  p.rel.is_table = table_table;
  p.leaves = std::move(leaves);
  p.row_key_type = foreign_key ? p.l.src->schema.column(0).type : key_type;
  p.partitions = static_cast<int>(p.l.op.topic().partitions());
  p.key_format.name = p.l.op.topic().key_format().name();
  for (const auto& [k, v] : p.l.op.topic().key_format().properties()) {
    p.key_format.properties[k] = v;
  }
  if (prev != nullptr) p.nested_sources = std::move(prev->nested_sources);
  return p;
}

}  // namespace

void CollectColumnRefs(const sql::Expr& e, std::vector<const sql::Expr*>* out) {
  if (e.kind == sql::ExprKind::kColumnRef) out->push_back(&e);
  if (e.kind == sql::ExprKind::kLambda) return;
  for (const auto& c : e.children) CollectColumnRefs(*c, out);
  if (e.operand) CollectColumnRefs(*e.operand, out);
  if (e.else_result) CollectColumnRefs(*e.else_result, out);
}

std::string Qualified(const std::string& alias, const std::string& column) {
  return absl::StrCat(alias, ".", column);
}

// Folds the query's joins left to right (join_plan.h).
absl::StatusOr<JoinPlan> BuildJoin(Catalog& catalog, const QueryTarget& target) {
  const sql::Query* q = target.query;
  if (q->joins.size() > 1) {
    std::vector<const sql::Relation*> rels = {&q->from};
    for (const auto& j : q->joins) rels.push_back(&j.right);
    for (const sql::Relation* rel : rels) {
      const DataSource* src = catalog.FindSource(rel->name);
      if (src != nullptr && src->window) {
        return absl::UnimplementedError(absl::StrCat(
            "Joins of more than two sources are not supported yet over windowed sources (`",
            src->name, "` is windowed)"));
      }
    }
  }
  SKEIN_ASSIGN_OR_RETURN(JoinPlan p, BuildJoinStep(catalog, target, 0, nullptr));
  for (size_t i = 1; i < q->joins.size(); ++i) {
    SKEIN_ASSIGN_OR_RETURN(JoinPlan next, BuildJoinStep(catalog, target, i, &p));
    p = std::move(next);
  }
  return p;
}

absl::StatusOr<JoinRelation> PlanJoinRelation(Catalog& catalog, const QueryTarget& target) {
  SKEIN_ASSIGN_OR_RETURN(JoinPlan p, BuildJoin(catalog, target));
  return std::move(p.rel);
}

}  // namespace skein::compiler
