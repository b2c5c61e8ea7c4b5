// CREATE STREAM AS SELECT and INSERT INTO ... SELECT: stateless pipelines
// Source -> [Filter] -> [Rekey] -> Project -> Sink.

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "expr_analyzer.h"
#include "skein/common/status.h"
#include "skein/sql/parser.h"
#include "skein/sql/printer.h"
#include "statements.h"

namespace skein::compiler {

using types::SqlType;
using types::TypeKind;

namespace {

v1::Column ColumnProto(const std::string& name, const SqlType& t, v1::ColumnNamespace ns) {
  v1::Column c;
  c.set_name(name);
  *c.mutable_type() = TypeToProto(t);
  c.set_namespace_(ns);
  return c;
}

v1::ColumnNamespace NsOf(types::ColumnNamespace ns) {
  switch (ns) {
    case types::ColumnNamespace::kKey:
      return v1::COLUMN_NAMESPACE_KEY;
    case types::ColumnNamespace::kHeader:
      return v1::COLUMN_NAMESPACE_HEADER;
    default:
      return v1::COLUMN_NAMESPACE_VALUE;
  }
}

v1::Topic TopicProto(const std::string& name, int partitions, const FormatInfo& key,
                     const FormatInfo& value) {
  v1::Topic t;
  t.set_name(name);
  t.set_partitions(static_cast<uint32_t>(partitions));
  t.set_replicas(1);
  t.mutable_key_format()->set_name(key.name);
  for (const auto& [k, v] : key.properties) (*t.mutable_key_format()->mutable_properties())[k] = v;
  t.mutable_value_format()->set_name(value.name);
  for (const auto& [k, v] : value.properties) {
    (*t.mutable_value_format()->mutable_properties())[k] = v;
  }
  return t;
}

// The name ksqlDB gives an unaliased select item or partition expression.
std::string ImplicitName(const sql::Expr& e, int* generated,
                         const std::vector<std::string>& taken) {
  if (e.kind == sql::ExprKind::kColumnRef) return e.text;
  if (e.kind == sql::ExprKind::kDereference) return e.text;
  while (true) {
    std::string n = absl::StrCat("KSQL_COL_", (*generated)++);
    if (std::find(taken.begin(), taken.end(), n) == taken.end()) return n;
  }
}

struct OutputItem {
  std::string name;
  v1::Expr expr;
  SqlType type;
  bool is_key = false;
  std::string key_source_text;  // source expression text when this item is a key
};

void QualifyColumns(sql::Expr* e, const std::string& source) {
  if (e == nullptr) return;
  if (e->kind == sql::ExprKind::kColumnRef && e->qualifier.empty()) e->qualifier = source;
  if (e->kind == sql::ExprKind::kLambda) return;  // lambda parameters are not columns
  for (auto& c : e->children) QualifyColumns(c.get(), source);
  QualifyColumns(e->operand.get(), source);
  QualifyColumns(e->else_result.get(), source);
}

// `e` as ksqlDB prints it in messages about a query's key: column references qualified by the
// source (`ABS(INPUT.ID)`).
std::string QualifiedSql(const sql::Expr& e, const std::string& source) {
  const std::string text = sql::ExprToSql(e);
  absl::StatusOr<sql::ExprPtr> copy = sql::ParseExpression(text);
  if (!copy.ok()) return text;
  QualifyColumns(copy->get(), source);
  return sql::ExprToSql(**copy);
}

// "A", "A and B", "A, B and C".
std::string JoinWithAnd(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? "" : items[0];
  std::vector<std::string> head(items.begin(), items.end() - 1);
  return absl::StrCat(absl::StrJoin(head, ", "), " and ", items.back());
}
}  // namespace

absl::StatusOr<StatementResult> PlanPersistentQuery(Catalog& catalog, const sql::Statement& stmt,
                                                    std::string_view text, bool apply) {
  const bool is_insert = stmt.kind == sql::StatementKind::kInsertInto;
  const sql::Query* q = nullptr;
  std::string sink_name;
  bool sink_is_table = false;
  const std::vector<sql::Property>* with = nullptr;
  bool or_replace = false, if_not_exists = false;
  if (is_insert) {
    const auto& ins = stmt.As<sql::InsertInto>();
    q = ins.query.get();
    sink_name = ins.name;
    with = &ins.properties;
  } else {
    const auto& cas = stmt.As<sql::CreateAsSelect>();
    q = cas.query.get();
    sink_name = cas.name;
    sink_is_table = cas.is_table;
    with = &cas.properties;
    or_replace = cas.or_replace;
    if_not_exists = cas.if_not_exists;
  }
  if (!q->joins.empty() || q->window || !q->group_by.empty() || q->having) {
    return absl::UnimplementedError(
        "JOIN, WINDOW, GROUP BY and HAVING are not supported yet (stateless queries only)");
  }
  const DataSource* src = catalog.FindSource(q->from.name);
  if (src == nullptr) {
    return ErrorAt(q->from.pos, absl::StrCat("Source `", q->from.name, "` does not exist."));
  }
  if (sink_is_table && !src->is_table) {
    return absl::UnimplementedError(
        "CREATE TABLE AS SELECT from a stream needs GROUP BY, which is not supported yet");
  }
  const DataSource* existing_sink = catalog.FindSource(sink_name);
  if (is_insert) {
    if (existing_sink == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("Sink `", sink_name, "` does not exist for the INSERT INTO statement."));
    }
    if (existing_sink->is_table) {
      return absl::InvalidArgumentError(absl::StrCat(
          "INSERT INTO can only be used to insert into a stream. ", sink_name, " is a table."));
    }
    if (existing_sink->is_read_only) {
      return absl::InvalidArgumentError(
          absl::StrCat("Cannot insert into read-only stream: ", sink_name));
    }
  } else if (existing_sink != nullptr && !or_replace) {
    if (if_not_exists) {
      StatementResult r;
      r.text = "A source with the same name already exists";
      return r;
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "Cannot add ", sink_is_table ? "table" : "stream", " '", sink_name, "': A ",
        existing_sink->is_table ? "table" : "stream", " with the same name already exists"));
  }

  // ---- source scope: key, value, header columns, then pseudo columns.
  const std::string qualifier = q->from.alias.empty() ? q->from.name : q->from.alias;
  std::vector<ScopeColumn> scope;
  v1::SourceOp source_op;
  for (size_t i = 0; i < src->schema.size(); ++i) {
    const auto& c = src->schema.column(i);
    scope.push_back({c.name, qualifier, c.type, static_cast<uint32_t>(i)});
    auto col = ColumnProto(c.name, c.type, NsOf(c.ns));
    if (auto h = src->header_keys.find(c.name); h != src->header_keys.end()) {
      col.set_header_key(h->second);
    }
    *source_op.mutable_schema()->add_columns() = col;
  }
  for (const auto& [name, type] :
       std::vector<std::pair<std::string, SqlType>>{{"ROWTIME", SqlType::Bigint()},
                                                    {"ROWPARTITION", SqlType::Integer()},
                                                    {"ROWOFFSET", SqlType::Bigint()}}) {
    scope.push_back({name, qualifier, type, static_cast<uint32_t>(scope.size())});
    *source_op.mutable_schema()->add_columns() =
        ColumnProto(name, type, v1::COLUMN_NAMESPACE_PSEUDO);
  }
  *source_op.mutable_topic() =
      TopicProto(src->topic, src->partitions, src->key_format, src->value_format);
  source_op.set_is_table(src->is_table);
  source_op.set_timestamp_column(src->timestamp_column ? src->schema.IndexOf(*src->timestamp_column)
                                                       : -1);
  source_op.set_timestamp_format(src->timestamp_format);

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
  std::vector<OutputItem> items;
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
          OutputItem o{partition_names[k],
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
        OutputItem o{c.name, ColumnExpr(idx, c.type, c.name), c.type, false, ""};
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
    OutputItem o;
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
      const std::string upper = absl::AsciiStrToUpper(item.alias);
      if (upper == "ROWTIME" || upper == "ROWPARTITION" || upper == "ROWOFFSET" ||
          upper == "WINDOWSTART" || upper == "WINDOWEND") {
        return absl::InvalidArgumentError(
            absl::StrCat("`", item.alias,
                         "` is a reserved column name. You cannot use it as an "
                         "alias for a column."));
      }
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
                             [&](const OutputItem& prev) { return prev.name == n; });
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
  types::Schema::Builder out_builder;
  v1::ProjectOp project;
  std::vector<const OutputItem*> ordered;
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
  std::vector<std::string> seen;
  for (const OutputItem* o : ordered) {
    if (std::find(seen.begin(), seen.end(), o->name) != seen.end()) {
      return absl::InvalidArgumentError(absl::StrCat("Duplicate ", o->is_key ? "key" : "value",
                                                     " columns found in schema: `", o->name, "` ",
                                                     o->type.ToString()));
    }
    seen.push_back(o->name);
    if (o->is_key) {
      out_builder.Key(o->name, o->type);
    } else {
      out_builder.Val(o->name, o->type);
    }
    *project.add_exprs() = o->expr;
    *project.mutable_output()->add_columns() = ColumnProto(
        o->name, o->type, o->is_key ? v1::COLUMN_NAMESPACE_KEY : v1::COLUMN_NAMESPACE_VALUE);
  }
  auto out_schema = out_builder.Build();
  if (!out_schema.ok())
    return absl::InvalidArgumentError(std::string(out_schema.status().message()));
  if (out_schema->num_values() == 0) {
    return absl::InvalidArgumentError("The projection contains no value columns.");
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
  SKEIN_ASSIGN_OR_RETURN(PropertyMap props, CollectProperties(*with));
  DataSource sink;
  if (is_insert) {
    sink = *existing_sink;
    if (!(sink.schema == *out_schema)) {
      return absl::InvalidArgumentError(
          absl::StrCat("Incompatible schema between results and sink.\nResult schema is ",
                       out_schema->ToString(), "\nSink schema is ", sink.schema.ToString()));
    }
  } else {
    sink.name = sink_name;
    sink.is_table = sink_is_table;
    sink.schema = *out_schema;
    auto t = props.find("KAFKA_TOPIC");
    sink.topic = t != props.end() ? t->second : sink_name;
    sink.partitions = src->partitions;
    if (auto p = props.find("PARTITIONS"); p != props.end()) sink.partitions = std::stoi(p->second);
    // An unknown format name is reported before a misplaced KEY_FORMAT, as ksqlDB does.
    SKEIN_RETURN_IF_ERROR(ResolveFormats(props, &src->key_format, &src->value_format,
                                         &sink.key_format, &sink.value_format));
    const bool explicit_key_format = props.count("KEY_FORMAT") || props.count("FORMAT");
    if (props.count("KEY_FORMAT") && out_schema->num_keys() == 0 &&
        sink.key_format.name != "NONE") {
      return absl::InvalidArgumentError("Key format specified for stream without key columns.");
    }
    if (out_schema->num_keys() == 0) {
      if (sink.key_format.name != "NONE" || !explicit_key_format) {
        sink.key_format = FormatInfo{"KAFKA", {}};
      }
    } else if (sink.key_format.name == "NONE" && !explicit_key_format) {
      // A key-less source's NONE key format is not inherited by a query that adds a key: the
      // session's default key format applies.
      auto d = catalog.properties().find("ksql.persistence.default.format.key");
      sink.key_format = FormatInfo{
          d != catalog.properties().end() ? absl::AsciiStrToUpper(d->second) : "KAFKA", {}};
    }
    SKEIN_RETURN_IF_ERROR(CheckSchemaFormats(sink.schema, sink.key_format, sink.value_format));
    if (auto ts = props.find("TIMESTAMP"); ts != props.end()) {
      std::string col = absl::AsciiStrToUpper(ts->second);
      if (sink.schema.IndexOf(col) < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "The TIMESTAMP column set in the WITH clause does not exist in the schema: '", col,
            "'"));
      }
      sink.timestamp_column = col;
    }
    if (auto f = props.find("TIMESTAMP_FORMAT"); f != props.end())
      sink.timestamp_format = f->second;
    sink.sql = std::string(text);
  }
  v1::SinkOp sink_op;
  *sink_op.mutable_topic() =
      TopicProto(sink.topic, sink.partitions, sink.key_format, sink.value_format);
  *sink_op.mutable_schema() = project.output();
  sink_op.set_is_table(sink.is_table);
  sink_op.set_timestamp_column(sink.timestamp_column ? sink.schema.IndexOf(*sink.timestamp_column)
                                                     : -1);
  *stage.add_operators()->mutable_sink() = sink_op;

  // ---- the query.
  StatementResult r;
  r.kind = StatementResult::Kind::kQueryStarted;
  r.source_name = sink.name;
  r.schema_text = sink.schema.ToString(false);
  v1::PhysicalPlan plan;
  plan.set_tenant(catalog.tenant());
  plan.set_statement_text(std::string(text));
  *plan.add_stages() = std::move(stage);
  for (const auto& [k, v] : catalog.properties()) (*plan.mutable_properties())[k] = v;
  if (!apply) {
    plan.set_query_id("EXPLAIN");
    r.plan = std::move(plan);
    return r;
  }
  const int64_t seq = catalog.NextQuerySequence();
  std::string id = is_insert ? absl::StrCat("INSERTQUERY_", seq)
                             : absl::StrCat(sink_is_table ? "CTAS_" : "CSAS_",
                                            absl::AsciiStrToUpper(sink.name), "_", seq);
  if (!is_insert && existing_sink != nullptr) {
    // CREATE OR REPLACE keeps the existing query id.
    auto writers = catalog.QueriesWriting(sink.name);
    if (!writers.empty()) id = writers.front();
  }
  plan.set_query_id(id);
  QueryInfo qi;
  qi.id = id;
  qi.sink = sink.name;
  qi.sources = {src->name};
  qi.plan = plan;
  qi.sql = std::string(text);
  r.query_id = id;
  r.plan = std::move(plan);
  catalog.AddTopic(sink.topic);
  if (!is_insert) catalog.PutSource(std::move(sink));
  catalog.PutQuery(std::move(qi));
  return r;
}

}  // namespace skein::compiler
