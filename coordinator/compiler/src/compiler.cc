#include "skein/compiler/compiler.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "expr_analyzer.h"
#include "skein/common/status.h"
#include "skein/sql/printer.h"
#include "skein/types/cast.h"
#include "statements.h"

namespace skein::compiler {

using types::SqlType;

namespace {

absl::Status WithStatement(const absl::Status& s, std::string_view text) {
  if (s.ok() || s.code() != absl::StatusCode::kInvalidArgument) return s;
  return absl::InvalidArgumentError(absl::StrCat(s.message(), "\nStatement: ", std::string(text)));
}

StatementResult TextResult(std::string text) {
  StatementResult r;
  r.kind = StatementResult::Kind::kText;
  r.text = std::move(text);
  return r;
}

std::string DescribeSource(const DataSource& s) {
  std::string out = absl::StrCat("Name                 : ", s.name,
                                 "\nType                 : ", s.is_table ? "TABLE" : "STREAM",
                                 "\nKafka topic          : ", s.topic,
                                 "\nKey format           : ", s.key_format.name,
                                 "\nValue format         : ", s.value_format.name, "\n\n");
  absl::StrAppend(&out, " Field | Type\n");
  for (const auto& c : s.schema.columns()) {
    absl::StrAppend(&out, " ", c.name, " | ", c.type.ToString(),
                    c.ns == types::ColumnNamespace::kKey
                        ? (s.is_table ? " (primary key)" : " (key)")
                        : (c.ns == types::ColumnNamespace::kHeader ? " (headers)" : ""),
                    "\n");
  }
  return out;
}

}  // namespace

absl::StatusOr<StatementResult> ShowOrDescribe(Catalog& catalog, const sql::Statement& stmt) {
  if (stmt.kind == sql::StatementKind::kDescribe) {
    const auto& d = stmt.As<sql::Describe>();
    const DataSource* s = catalog.FindSource(d.name);
    if (s == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("Could not find STREAM/TABLE '", d.name, "' in the Metastore"));
    }
    return TextResult(DescribeSource(*s));
  }
  const auto& show = stmt.As<sql::Show>();
  std::string out;
  switch (show.target) {
    case sql::ShowTarget::kStreams:
    case sql::ShowTarget::kTables:
      for (const DataSource* s : catalog.Sources()) {
        if (s->is_table != (show.target == sql::ShowTarget::kTables)) continue;
        absl::StrAppend(&out, s->name, " | ", s->topic, " | ", s->key_format.name, " | ",
                        s->value_format.name, "\n");
      }
      break;
    case sql::ShowTarget::kQueries:
      for (const QueryInfo* q : catalog.Queries()) {
        absl::StrAppend(&out, q->id, " | ",
                        q->state == QueryState::kRunning ? "RUNNING" : "TERMINATED", " | ", q->sink,
                        " | ", q->sql, "\n");
      }
      break;
    case sql::ShowTarget::kTopics:
      for (const auto& t : catalog.topics()) absl::StrAppend(&out, t, "\n");
      break;
    case sql::ShowTarget::kProperties:
      for (const auto& [k, v] : catalog.properties()) absl::StrAppend(&out, k, " = ", v, "\n");
      break;
    default:
      return absl::UnimplementedError("this SHOW target is not supported yet");
  }
  return TextResult(out);
}

absl::StatusOr<StatementResult> InsertValues(Catalog& catalog, const sql::InsertValues& stmt) {
  const DataSource* s = catalog.FindSource(stmt.name);
  if (s == nullptr) {
    std::string msg =
        absl::StrCat("Cannot insert values into an unknown stream/table: `", stmt.name, "`");
    if (const DataSource* alt = catalog.FindSourceIgnoreCase(stmt.name)) {
      // ksqlDB suggests the case-sensitive spelling, with a hint about quoting.
      if (alt->name == absl::AsciiStrToUpper(alt->name)) {
        absl::StrAppend(&msg, "\nDid you mean ", sql::FormatIdentifier(alt->name),
                        "? Hint: try removing double quotes from the source name.");
      } else {
        absl::StrAppend(&msg, "\nDid you mean \"", alt->name,
                        "\"? Hint: wrap the source name in double quotes to make it "
                        "case-sensitive.");
      }
    }
    return absl::InvalidArgumentError(msg);
  }
  if (s->is_read_only) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Cannot insert values into read-only ", s->is_table ? "table" : "stream", ": ", s->name));
  }
  std::vector<std::string> names = stmt.columns;
  if (names.empty()) {
    for (const auto& c : s->schema.columns()) {
      if (c.ns != types::ColumnNamespace::kHeader) names.push_back(c.name);
    }
  }
  if (names.size() != stmt.values.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Failed to prepare statement: Expected a value for each column. Expected Columns: [",
        absl::StrJoin(names, ", "), "]. Got ", stmt.values.size(), " values."));
  }
  InsertRow row;
  row.values.resize(s->schema.num_keys() + s->schema.num_values());
  std::vector<ScopeColumn> empty_scope;
  for (size_t i = 0; i < names.size(); ++i) {
    ExprAnalyzer a(&empty_scope, "VALUES");
    SKEIN_ASSIGN_OR_RETURN(TypedExpr e, a.Analyze(*stmt.values[i]));
    if (!e.expr.has_literal() && !(e.expr.has_cast() && e.expr.cast().operand().has_literal())) {
      return absl::UnimplementedError("INSERT VALUES supports literal values only");
    }
    const bool rowtime = names[i] == "ROWTIME";
    const int idx = s->schema.IndexOf(names[i]);
    if (idx < 0 && !rowtime) {
      return absl::InvalidArgumentError(
          absl::StrCat("Column name `", names[i], "` does not exist."));
    }
    const SqlType target = rowtime ? SqlType::Bigint() : s->schema.column(idx).type;
    types::Value v;
    if (e.type) {
      const auto& lit = e.expr.literal();
      switch (lit.value_case()) {
        case v1::Literal::kBoolValue:
          v = types::Value::Boolean(lit.bool_value());
          break;
        case v1::Literal::kIntValue:
          v = types::Value::Integer(lit.int_value());
          break;
        case v1::Literal::kBigintValue:
          v = types::Value::Bigint(lit.bigint_value());
          break;
        case v1::Literal::kDoubleValue:
          v = types::Value::Double(lit.double_value());
          break;
        case v1::Literal::kStringValue:
          v = types::Value::String(lit.string_value());
          break;
        case v1::Literal::kDecimalValue: {
          auto u = types::ParseDecimal(lit.decimal_value(), e.type->precision(), e.type->scale(),
                                       types::Rounding::kHalfUp);
          if (!u.ok()) return u.status();
          v = types::Value::Decimal(*u, e.type->scale());
          break;
        }
        default:
          break;
      }
      if (*e.type != target) {
        absl::Status ok = types::CheckCast(*e.type, target);
        if (!ok.ok()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "Expected type ", target.ToString(), " for field ", names[i], " but got ",
              sql::ExprToSql(*stmt.values[i]), "(", e.type->ToString(), ")"));
        }
        auto cast = types::CastValue(v, *e.type, target);
        if (!cast.ok()) return absl::InvalidArgumentError(std::string(cast.status().message()));
        v = *cast;
      }
    }
    if (rowtime) {
      if (!v.is_null()) row.rowtime = v.bigint();
      continue;
    }
    row.values[static_cast<size_t>(idx)] = v;
  }
  StatementResult r;
  r.kind = StatementResult::Kind::kRows;
  r.source_name = s->name;
  r.topic = s->topic;
  r.topic_info.set_name(s->topic);
  r.topic_info.set_partitions(static_cast<uint32_t>(s->partitions));
  r.topic_info.mutable_key_format()->set_name(s->key_format.name);
  for (const auto& [k, v] : s->key_format.properties) {
    (*r.topic_info.mutable_key_format()->mutable_properties())[k] = v;
  }
  r.topic_info.mutable_value_format()->set_name(s->value_format.name);
  for (const auto& [k, v] : s->value_format.properties) {
    (*r.topic_info.mutable_value_format()->mutable_properties())[k] = v;
  }
  types::Schema::Builder b;
  for (const auto& c : s->schema.KeyColumns()) b.Key(c.name, c.type);
  for (const auto& c : s->schema.ValueColumns()) b.Val(c.name, c.type);
  r.row_schema = *b.Build();
  r.rows.push_back(std::move(row));
  return r;
}

absl::StatusOr<StatementResult> Compiler::Execute(const sql::Statement& statement,
                                                  std::string_view text) {
  absl::StatusOr<StatementResult> result = absl::UnimplementedError("statement not supported");
  switch (statement.kind) {
    case sql::StatementKind::kCreateSource:
      result = CreateSource(catalog_, statement.As<sql::CreateSource>(), text);
      break;
    case sql::StatementKind::kCreateAsSelect:
    case sql::StatementKind::kInsertInto:
      result = PlanPersistentQuery(catalog_, statement, text, /*apply=*/true);
      break;
    case sql::StatementKind::kInsertValues:
      result = InsertValues(catalog_, statement.As<sql::InsertValues>());
      break;
    case sql::StatementKind::kDropSource:
      result = DropSource(catalog_, statement.As<sql::DropSource>());
      break;
    case sql::StatementKind::kShow:
    case sql::StatementKind::kDescribe:
      result = ShowOrDescribe(catalog_, statement);
      break;
    case sql::StatementKind::kExplain: {
      const auto& ex = statement.As<sql::Explain>();
      if (!ex.query_id.empty()) {
        const QueryInfo* q = catalog_.FindQuery(ex.query_id);
        if (q == nullptr) {
          result = absl::InvalidArgumentError("Query with id:" + ex.query_id + " does not exist");
        } else {
          result = TextResult(PlanToText(q->plan));
        }
      } else if (ex.statement && (ex.statement->kind == sql::StatementKind::kCreateAsSelect ||
                                  ex.statement->kind == sql::StatementKind::kInsertInto)) {
        auto planned = PlanPersistentQuery(catalog_, *ex.statement, text, /*apply=*/false);
        if (planned.ok()) {
          result = TextResult(PlanToText(*planned->plan));
        } else {
          result = planned.status();
        }
      }
      break;
    }
    case sql::StatementKind::kTerminate: {
      const auto& t = statement.As<sql::Terminate>();
      StatementResult r;
      r.kind = StatementResult::Kind::kQueryTerminated;
      for (const QueryInfo* q : catalog_.Queries()) {
        if (q->state == QueryState::kRunning && (t.all || q->id == t.query_id)) {
          r.terminated_queries.push_back(q->id);
        }
      }
      if (!t.all && r.terminated_queries.empty()) {
        result = absl::InvalidArgumentError("Unknown queryId: " + t.query_id);
        break;
      }
      for (const auto& id : r.terminated_queries) catalog_.RemoveQuery(id);
      result = std::move(r);
      break;
    }
    case sql::StatementKind::kSetProperty: {
      const auto& s = statement.As<sql::SetProperty>();
      catalog_.SetProperty(s.name, s.value);
      StatementResult r;
      r.kind = StatementResult::Kind::kProperty;
      result = std::move(r);
      break;
    }
    case sql::StatementKind::kUnsetProperty: {
      catalog_.UnsetProperty(statement.As<sql::UnsetProperty>().name);
      StatementResult r;
      r.kind = StatementResult::Kind::kProperty;
      result = std::move(r);
      break;
    }
    default:
      break;
  }
  if (!result.ok()) return WithStatement(result.status(), text);
  return result;
}

}  // namespace skein::compiler
