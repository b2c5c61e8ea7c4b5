#include "planner_util.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "skein/common/status.h"
#include "skein/sql/parser.h"
#include "skein/sql/printer.h"
#include "statements.h"

namespace skein::compiler {

using types::SqlType;

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

std::string ImplicitName(const sql::Expr& e, int* generated,
                         const std::vector<std::string>& taken) {
  if (e.kind == sql::ExprKind::kColumnRef) return e.text;
  if (e.kind == sql::ExprKind::kDereference) return e.text;
  while (true) {
    std::string n = absl::StrCat("KSQL_COL_", (*generated)++);
    if (std::find(taken.begin(), taken.end(), n) == taken.end()) return n;
  }
}

namespace {
void QualifyColumns(sql::Expr* e, const std::string& source) {
  if (e == nullptr) return;
  if (e->kind == sql::ExprKind::kColumnRef && e->qualifier.empty()) e->qualifier = source;
  if (e->kind == sql::ExprKind::kLambda) return;  // lambda parameters are not columns
  for (auto& c : e->children) QualifyColumns(c.get(), source);
  QualifyColumns(e->operand.get(), source);
  QualifyColumns(e->else_result.get(), source);
}
}  // namespace

std::string QualifiedSql(const sql::Expr& e, const std::string& source) {
  const std::string text = sql::ExprToSql(e);
  absl::StatusOr<sql::ExprPtr> copy = sql::ParseExpression(text);
  if (!copy.ok()) return text;
  QualifyColumns(copy->get(), source);
  return sql::ExprToSql(**copy);
}

std::string JoinWithAnd(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? "" : items[0];
  std::vector<std::string> head(items.begin(), items.end() - 1);
  return absl::StrCat(absl::StrJoin(head, ", "), " and ", items.back());
}

absl::Status CheckAliasNotReserved(const std::string& alias) {
  const std::string upper = absl::AsciiStrToUpper(alias);
  if (upper == "ROWTIME" || upper == "ROWPARTITION" || upper == "ROWOFFSET" ||
      upper == "WINDOWSTART" || upper == "WINDOWEND") {
    return absl::InvalidArgumentError(absl::StrCat(
        "`", alias, "` is a reserved column name. You cannot use it as an alias for a column."));
  }
  return absl::OkStatus();
}

absl::StatusOr<types::Schema> BuildProjection(const std::vector<const ProjectedItem*>& ordered,
                                              v1::ProjectOp* project) {
  types::Schema::Builder out;
  std::vector<std::string> seen;
  for (const ProjectedItem* item : ordered) {
    if (std::find(seen.begin(), seen.end(), item->name) != seen.end()) {
      return absl::InvalidArgumentError(absl::StrCat("Duplicate ", item->is_key ? "key" : "value",
                                                     " columns found in schema: `", item->name,
                                                     "` ", item->type.ToString()));
    }
    seen.push_back(item->name);
    if (item->is_key) {
      out.Key(item->name, item->type);
    } else {
      out.Val(item->name, item->type);
    }
    *project->add_exprs() = item->expr;
    *project->mutable_output()->add_columns() =
        ColumnProto(item->name, item->type,
                    item->is_key ? v1::COLUMN_NAMESPACE_KEY : v1::COLUMN_NAMESPACE_VALUE);
  }
  absl::StatusOr<types::Schema> schema = out.Build();
  if (!schema.ok()) return absl::InvalidArgumentError(std::string(schema.status().message()));
  if (schema->num_values() == 0) {
    return absl::InvalidArgumentError("The projection contains no value columns.");
  }
  return schema;
}

absl::StatusOr<QueryTarget> ResolveTarget(const Catalog& catalog, const sql::Statement& stmt,
                                          std::optional<StatementResult>* done) {
  QueryTarget t;
  t.is_insert = stmt.kind == sql::StatementKind::kInsertInto;
  if (t.is_insert) {
    const auto& ins = stmt.As<sql::InsertInto>();
    t.query = ins.query.get();
    t.sink_name = ins.name;
    t.with = &ins.properties;
  } else {
    const auto& cas = stmt.As<sql::CreateAsSelect>();
    t.query = cas.query.get();
    t.sink_name = cas.name;
    t.sink_is_table = cas.is_table;
    t.with = &cas.properties;
    t.or_replace = cas.or_replace;
    t.if_not_exists = cas.if_not_exists;
  }
  t.existing_sink = catalog.FindSource(t.sink_name);
  if (t.is_insert) {
    if (t.existing_sink == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("Sink `", t.sink_name, "` does not exist for the INSERT INTO statement."));
    }
    if (t.existing_sink->is_table) {
      return absl::InvalidArgumentError(absl::StrCat(
          "INSERT INTO can only be used to insert into a stream. ", t.sink_name, " is a table."));
    }
    if (t.existing_sink->is_read_only) {
      return absl::InvalidArgumentError(
          absl::StrCat("Cannot insert into read-only stream: ", t.sink_name));
    }
  } else if (t.existing_sink != nullptr && !t.or_replace) {
    if (t.if_not_exists) {
      StatementResult r;
      r.text = "A source with the same name already exists";
      *done = std::move(r);
      return t;
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "Cannot add ", t.sink_is_table ? "table" : "stream", " '", t.sink_name, "': A ",
        t.existing_sink->is_table ? "table" : "stream", " with the same name already exists"));
  }
  return t;
}

SourceScope BuildSourceScope(const DataSource& src, const std::string& qualifier,
                             uint32_t first_index) {
  SourceScope s;
  auto add = [&](const std::string& name, const SqlType& type, v1::Column col) {
    s.columns.push_back(
        {name, qualifier, type, first_index + static_cast<uint32_t>(s.columns.size())});
    *s.op.mutable_schema()->add_columns() = std::move(col);
  };
  for (size_t i = 0; i < src.schema.size(); ++i) {
    const auto& c = src.schema.column(i);
    auto col = ColumnProto(c.name, c.type, NsOf(c.ns));
    if (auto h = src.header_keys.find(c.name); h != src.header_keys.end()) {
      col.set_header_key(h->second);
    }
    add(c.name, c.type, std::move(col));
  }
  std::vector<std::pair<std::string, SqlType>> pseudo = {{"ROWTIME", SqlType::Bigint()},
                                                         {"ROWPARTITION", SqlType::Integer()},
                                                         {"ROWOFFSET", SqlType::Bigint()}};
  if (src.window) {
    pseudo.emplace_back("WINDOWSTART", SqlType::Bigint());
    pseudo.emplace_back("WINDOWEND", SqlType::Bigint());
  }
  for (const auto& [name, type] : pseudo) {
    add(name, type, ColumnProto(name, type, v1::COLUMN_NAMESPACE_PSEUDO));
  }
  *s.op.mutable_topic() = TopicProto(src.topic, src.partitions, src.key_format, src.value_format);
  s.op.set_is_table(src.is_table);
  s.op.set_timestamp_column(src.timestamp_column ? src.schema.IndexOf(*src.timestamp_column) : -1);
  s.op.set_timestamp_format(src.timestamp_format);
  if (src.window) {
    s.op.mutable_windowed_key()->set_kind(
        src.window->kind == "SESSION" ? v1::WindowedKey::KIND_SESSION : v1::WindowedKey::KIND_TIME);
    s.op.mutable_windowed_key()->set_size_ms(src.window->size_millis);
  }
  return s;
}

absl::StatusOr<DataSource> BuildSink(const Catalog& catalog, const QueryTarget& target,
                                     const types::Schema& out_schema, const DataSource& inherit,
                                     std::optional<WindowInfo> window, std::string_view text) {
  SKEIN_ASSIGN_OR_RETURN(PropertyMap props, CollectProperties(*target.with));
  if (target.is_insert) {
    DataSource sink = *target.existing_sink;
    if (!(sink.schema == out_schema)) {
      return absl::InvalidArgumentError(
          absl::StrCat("Incompatible schema between results and sink.\nResult schema is ",
                       out_schema.ToString(), "\nSink schema is ", sink.schema.ToString()));
    }
    return sink;
  }
  DataSource sink;
  sink.name = target.sink_name;
  sink.is_table = target.sink_is_table;
  sink.schema = out_schema;
  sink.window = std::move(window);
  auto t = props.find("KAFKA_TOPIC");
  sink.topic = t != props.end() ? t->second : target.sink_name;
  sink.partitions = inherit.partitions;
  if (auto p = props.find("PARTITIONS"); p != props.end()) sink.partitions = std::stoi(p->second);
  // An unknown format name is reported before a misplaced KEY_FORMAT, as ksqlDB does.
  SKEIN_RETURN_IF_ERROR(ResolveFormats(props, &inherit.key_format, &inherit.value_format,
                                       &sink.key_format, &sink.value_format));
  const bool explicit_key_format = props.count("KEY_FORMAT") || props.count("FORMAT");
  if (props.count("KEY_FORMAT") && out_schema.num_keys() == 0 && sink.key_format.name != "NONE") {
    return absl::InvalidArgumentError("Key format specified for stream without key columns.");
  }
  if (out_schema.num_keys() == 0) {
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
          "The TIMESTAMP column set in the WITH clause does not exist in the schema: '", col, "'"));
    }
    sink.timestamp_column = col;
  }
  if (auto f = props.find("TIMESTAMP_FORMAT"); f != props.end()) sink.timestamp_format = f->second;
  sink.sql = std::string(text);
  return sink;
}

v1::SinkOp SinkOpFor(const DataSource& sink, const v1::Schema& row_schema) {
  v1::SinkOp op;
  *op.mutable_topic() = TopicProto(sink.topic, sink.partitions, sink.key_format, sink.value_format);
  *op.mutable_schema() = row_schema;
  op.set_is_table(sink.is_table);
  op.set_timestamp_column(sink.timestamp_column ? sink.schema.IndexOf(*sink.timestamp_column) : -1);
  if (sink.window) {
    op.mutable_windowed_key()->set_kind(sink.window->kind == "SESSION"
                                            ? v1::WindowedKey::KIND_SESSION
                                            : v1::WindowedKey::KIND_TIME);
    op.mutable_windowed_key()->set_size_ms(sink.window->size_millis);
  }
  return op;
}

absl::StatusOr<StatementResult> RegisterQuery(Catalog& catalog, const QueryTarget& target,
                                              DataSource sink, std::vector<std::string> sources,
                                              std::vector<v1::Stage> stages, std::string_view text,
                                              bool apply) {
  StatementResult r;
  r.kind = StatementResult::Kind::kQueryStarted;
  r.source_name = sink.name;
  r.schema_text = sink.schema.ToString(false);
  v1::PhysicalPlan plan;
  plan.set_tenant(catalog.tenant());
  plan.set_statement_text(std::string(text));
  for (auto& s : stages) *plan.add_stages() = std::move(s);
  for (const auto& [k, v] : catalog.properties()) (*plan.mutable_properties())[k] = v;
  if (!apply) {
    plan.set_query_id("EXPLAIN");
    r.plan = std::move(plan);
    return r;
  }
  const int64_t seq = catalog.NextQuerySequence();
  std::string id = target.is_insert ? absl::StrCat("INSERTQUERY_", seq)
                                    : absl::StrCat(target.sink_is_table ? "CTAS_" : "CSAS_",
                                                   absl::AsciiStrToUpper(sink.name), "_", seq);
  if (!target.is_insert && target.existing_sink != nullptr) {
    // CREATE OR REPLACE keeps the existing query id.
    auto writers = catalog.QueriesWriting(sink.name);
    if (!writers.empty()) id = writers.front();
  }
  plan.set_query_id(id);
  QueryInfo qi;
  qi.id = id;
  qi.sink = sink.name;
  qi.sources = std::move(sources);
  qi.plan = plan;
  qi.sql = std::string(text);
  r.query_id = id;
  r.plan = std::move(plan);
  catalog.AddTopic(sink.topic);
  if (!target.is_insert) catalog.PutSource(std::move(sink));
  catalog.PutQuery(std::move(qi));
  return r;
}

}  // namespace skein::compiler
