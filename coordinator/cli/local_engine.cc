#include "local_engine.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "simdjson.h"
#include "skein/common/json_escape.h"
#include "skein/common/status.h"
#include "skein/serde/avro_schema.h"
#include "skein/serde/format.h"
#include "skein/sql/parser.h"

namespace skein::cli {
namespace {

using testrunner::TestRecord;
using types::Value;

absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string Upper(std::string_view s) { return absl::AsciiStrToUpper(AV(s)); }

// The content of a JSON string literal, or nullopt if `json` is not a string.
std::optional<std::string> JsonStringContent(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(json.data(), json.size()).get(e) != simdjson::SUCCESS) return std::nullopt;
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return std::string(s);
}

using ::skein::JsonQuote;

bool IsJsonFormat(const std::string& f) { return f == "JSON" || f == "JSON_SR"; }

serde::FormatOptions Options(const std::map<std::string, std::string>& props, bool is_key,
                             serde::SchemaRegistry* registry = nullptr, std::string subject = {}) {
  serde::FormatOptions o;
  o.is_key = is_key;
  o.properties = props;
  o.schema_registry = registry;
  o.subject = std::move(subject);
  return o;
}

std::string Subject(const std::string& topic, bool is_key) {
  return topic + (is_key ? "-key" : "-value");
}

// Whether an AVRO side holds its single column bare (not in a record).
bool AvroUnwrapped(const std::map<std::string, std::string>& props, size_t columns, bool is_key) {
  if (columns != 1) return false;
  if (is_key) return true;
  for (const auto& [k, v] : props) {
    if (absl::EqualsIgnoreCase(k, "WRAP_SINGLE_VALUE")) return absl::EqualsIgnoreCase(v, "false");
  }
  return false;
}

// Columns (and wrapping) of the schema with `id` in the registry, for an AVRO side read or
// written with that schema: sets WRAP_SINGLE_VALUE in *props by whether it is a record.
bool ColumnsFromRegistry(int32_t id, bool is_key, std::vector<types::Column>* columns,
                         std::map<std::string, std::string>* props) {
  serde::SchemaRegistry* registry = serde::DefaultSchemaRegistry();
  if (registry == nullptr) return false;
  absl::StatusOr<std::string> schema = registry->GetById(id);
  if (!schema.ok()) return false;
  bool is_record = false;
  auto cols = serde::ColumnsFromAvroSchema(*schema, is_key, &is_record);
  if (!cols.ok()) return false;
  *columns = *std::move(cols);
  if (is_key) return true;  // keys are never wrapped and take no WRAP_SINGLE_VALUE
  for (auto it = props->begin(); it != props->end();) {
    it = absl::EqualsIgnoreCase(it->first, "WRAP_SINGLE_VALUE") ? props->erase(it) : std::next(it);
  }
  (*props)["WRAP_SINGLE_VALUE"] = is_record ? "true" : "false";
  return true;
}

bool ColumnsFromSubject(const std::string& subject, bool is_key,
                        std::vector<types::Column>* columns,
                        std::map<std::string, std::string>* props) {
  serde::SchemaRegistry* registry = serde::DefaultSchemaRegistry();
  if (registry == nullptr) return false;
  absl::StatusOr<int32_t> id = registry->LatestId(subject);
  return id.ok() && ColumnsFromRegistry(*id, is_key, columns, props);
}

}  // namespace

LocalEngine::LocalEngine(std::string tenant)
    : compiler_(std::move(tenant)), runner_(&topics_, &log_, &clock_) {
  compiler_.mutable_catalog().set_schema_inferer(
      [this](const std::string& topic, bool is_key,
             bool single_column) -> absl::StatusOr<compiler::InferredSchema> {
        SKEIN_ASSIGN_OR_RETURN(int32_t id, registry_.LatestId(Subject(topic, is_key)));
        SKEIN_ASSIGN_OR_RETURN(std::string schema, registry_.GetById(id));
        compiler::InferredSchema out;
        bool is_record = false;
        SKEIN_ASSIGN_OR_RETURN(out.columns,
                               serde::ColumnsFromAvroSchema(schema, is_key, &is_record));
        out.unwrapped = !is_record;
        if (is_record && single_column) {
          std::vector<std::pair<std::string, types::SqlType>> fields;
          for (const types::Column& c : out.columns) fields.emplace_back(c.name, c.type);
          types::Column c;
          c.name = is_key ? "ROWKEY" : "ROWVAL";
          c.type = types::SqlType::Struct(fields);
          c.ns = is_key ? types::ColumnNamespace::kKey : types::ColumnNamespace::kValue;
          out.columns = {std::move(c)};
          out.unwrapped = true;
        }
        return out;
      });
}

absl::Status LocalEngine::EnsureTopic(const std::string& name, int partitions) {
  if (topics_.HasTopic(name)) return absl::OkStatus();
  return topics_.CreateTopic(name, std::max(1, partitions));
}

absl::Status LocalEngine::Prepare(const testrunner::Case& test_case) {
  for (const auto& [k, v] : test_case.properties) {
    compiler_.mutable_catalog().SetProperty(k, v);
  }
  for (const testrunner::TopicSpec& t : test_case.topics) {
    SKEIN_RETURN_IF_ERROR(EnsureTopic(t.name, t.partitions.value_or(1)));
    compiler_.mutable_catalog().AddTopic(t.name);
    TopicFormats f;
    if (!t.key_format.format.empty()) f.key.format = Upper(t.key_format.format);
    if (!t.value_format.format.empty()) f.value.format = Upper(t.value_format.format);
    f.key.properties = t.key_format.properties;
    f.value.properties = t.value_format.properties;
    declared_[t.name] = std::move(f);
    if (t.key_schema) {
      SKEIN_RETURN_IF_ERROR(registry_.Register(Subject(t.name, true), *t.key_schema).status());
    }
    if (t.value_schema) {
      SKEIN_RETURN_IF_ERROR(registry_.Register(Subject(t.name, false), *t.value_schema).status());
    }
  }
  return absl::OkStatus();
}

absl::Status LocalEngine::ExecuteStatements(std::string_view sql_text) {
  serde::ScopedDefaultSchemaRegistry registry_scope(&registry_);
  SKEIN_ASSIGN_OR_RETURN(std::vector<sql::ParsedStatement> parsed, sql::ParseStatements(sql_text));
  for (const sql::ParsedStatement& p : parsed) {
    absl::StatusOr<compiler::StatementResult> r = compiler_.Execute(*p.statement, p.text);
    if (!r.ok()) return r.status();
    switch (r->kind) {
      case compiler::StatementResult::Kind::kSourceCreated: {
        const compiler::DataSource* s = compiler_.catalog().FindSource(r->source_name);
        if (s != nullptr) SKEIN_RETURN_IF_ERROR(EnsureTopic(s->topic, s->partitions));
        break;
      }
      case compiler::StatementResult::Kind::kQueryStarted:
        if (r->plan) SKEIN_RETURN_IF_ERROR(runner_.AddPlan(*r->plan));
        break;
      case compiler::StatementResult::Kind::kQueryTerminated:
        for (const std::string& id : r->terminated_queries) runner_.RemovePlan(id);
        break;
      case compiler::StatementResult::Kind::kRows:
        SKEIN_RETURN_IF_ERROR(InsertRows(*r));
        break;
      default:
        break;
    }
  }
  return absl::OkStatus();
}

LocalEngine::TopicFormats LocalEngine::FormatsOf(const std::string& topic) const {
  TopicFormats f;
  if (auto it = declared_.find(topic); it != declared_.end()) f = it->second;
  // A catalog source over the topic knows the columns (and overrides declared formats).
  for (const compiler::DataSource* s : compiler_.catalog().Sources()) {
    if (s->topic != topic) continue;
    f.key.format = s->key_format.name;
    f.key.properties = s->key_format.properties;
    f.key.columns = s->schema.KeyColumns();
    f.key.known_columns = true;
    f.value.format = s->value_format.name;
    f.value.properties = s->value_format.properties;
    f.value.columns = s->schema.ValueColumns();
    f.value.known_columns = true;
    break;
  }
  return f;
}

namespace {

// JSON text of a test file -> record bytes for one side (nullopt = Kafka null).
std::optional<std::string> EncodeSide(const std::string& json,
                                      std::map<std::string, std::string> props,
                                      const std::string& format, std::vector<types::Column> columns,
                                      bool known, bool is_key, const std::string& topic) {
  if (json == "null" || format == "NONE") return std::nullopt;
  if (IsJsonFormat(format) || format.empty()) return json;
  std::optional<std::string> str = JsonStringContent(json);
  if (format == "DELIMITED" && str) return *str;
  if (format == "AVRO") {
    // Produce with the registered schema when there is one (the query's reader then coerces
    // it to the source's columns, as with ksqlDB); else with the source's columns.
    std::vector<types::Column> registered;
    std::map<std::string, std::string> registered_props = props;
    if (ColumnsFromSubject(Subject(topic, is_key), is_key, &registered, &registered_props)) {
      columns = std::move(registered);
      props = std::move(registered_props);
      known = true;
    }
  }
  if (known && !columns.empty()) {
    // Typed conversion: read the JSON with the JSON format (unwrapped), write the real one.
    const bool unwrapped =
        format == "AVRO" ? AvroUnwrapped(props, columns.size(), is_key) : columns.size() == 1;
    auto reader = serde::MakeFormat("JSON", columns, Options({}, unwrapped));
    auto writer = serde::MakeFormat(format, columns, Options(props, is_key));
    if (reader.ok() && writer.ok()) {
      std::vector<Value> values(columns.size());
      auto kind = (*reader)->Decode(std::string_view(json), values);
      std::string bytes;
      if (kind.ok() && (*writer)->Encode(values, &bytes).ok()) return bytes;
    }
  }
  // Not representable: produce the raw text so the query's deserializer sees a bad record.
  return str ? *str : json;
}

// Record bytes -> JSON text for the comparator.
std::string DecodeSide(const std::optional<std::string>& bytes,
                       std::map<std::string, std::string> props, const std::string& format,
                       std::vector<types::Column> columns, bool known, bool is_key) {
  if (!bytes) return "null";
  if (IsJsonFormat(format) || format.empty()) return *bytes;
  if (format == "AVRO" && !known) {
    // No source describes the topic: read with the writer's schema.
    int32_t id = 0;
    std::string_view payload;
    known = serde::ParseConfluentHeader(*bytes, &id, &payload).ok() &&
            ColumnsFromRegistry(id, is_key, &columns, &props);
  }
  if (format == "DELIMITED" || !known || columns.empty()) return JsonQuote(*bytes);
  auto reader = serde::MakeFormat(format, columns, Options(props, is_key));
  const bool unwrapped =
      format == "AVRO" ? AvroUnwrapped(props, columns.size(), is_key) : columns.size() == 1;
  auto writer = serde::MakeFormat("JSON", columns, Options({}, unwrapped));
  if (reader.ok() && writer.ok()) {
    std::vector<Value> values(columns.size());
    auto kind = (*reader)->Decode(std::string_view(*bytes), values);
    std::string json;
    if (kind.ok() && (*writer)->Encode(values, &json).ok() && !json.empty()) return json;
  }
  return JsonQuote(*bytes);
}

void AppendBigEndian(int64_t v, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((static_cast<uint64_t>(v) >> shift) & 0xff));
  }
}

int64_t ReadBigEndian(std::string_view in) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return static_cast<int64_t>(v);
}

// Splits a windowed key into its key bytes (left in *key) and its window.
std::optional<testrunner::WindowSpec> StripWindow(const compiler::WindowInfo& window,
                                                  std::string* key) {
  const bool session = window.kind == "SESSION";
  const size_t suffix = session ? 16 : 8;
  if (key->size() < suffix) return std::nullopt;
  std::string_view tail = std::string_view(*key).substr(key->size() - suffix);
  testrunner::WindowSpec w;
  if (session) {
    w.end = ReadBigEndian(tail.substr(0, 8));
    w.start = ReadBigEndian(tail.substr(8));
    w.type = "session";
  } else {
    w.start = ReadBigEndian(tail);
    w.end = w.start + window.size_millis;
    w.type = "time";
  }
  key->resize(key->size() - suffix);
  return w;
}

}  // namespace

std::optional<compiler::WindowInfo> LocalEngine::WindowOf(const std::string& topic) const {
  for (const compiler::DataSource* s : compiler_.catalog().Sources()) {
    if (s->topic == topic && s->window) return s->window;
  }
  return std::nullopt;
}

absl::Status LocalEngine::Produce(const TestRecord& record) {
  serde::ScopedDefaultSchemaRegistry registry_scope(&registry_);
  SKEIN_RETURN_IF_ERROR(EnsureTopic(record.topic, 1));
  TopicFormats f = FormatsOf(record.topic);
  runtime::Record r;
  r.topic = record.topic;
  r.timestamp = record.timestamp.value_or(0);
  r.key = EncodeSide(record.key, f.key.properties, f.key.format, f.key.columns, f.key.known_columns,
                     true, record.topic);
  if (const auto window = WindowOf(record.topic); window && record.window) {
    // Windowed topic: the key bytes, then the window as Kafka Streams' windowed serdes put it.
    if (!r.key) r.key.emplace();
    if (window->kind == "SESSION") AppendBigEndian(record.window->end, &*r.key);
    AppendBigEndian(record.window->start, &*r.key);
  }
  r.value = EncodeSide(record.value, f.value.properties, f.value.format, f.value.columns,
                       f.value.known_columns, false, record.topic);
  SKEIN_ASSIGN_OR_RETURN(int32_t partitions, topics_.Partitions(record.topic));
  r.partition = r.key ? runtime::KafkaPartition(*r.key, partitions) : 0;
  return topics_.Append(std::move(r)).status();
}

absl::Status LocalEngine::RunUntilQuiescent() {
  serde::ScopedDefaultSchemaRegistry registry_scope(&registry_);
  return runner_.RunUntilIdle();
}

absl::StatusOr<std::vector<TestRecord>> LocalEngine::Output(const std::string& topic) {
  serde::ScopedDefaultSchemaRegistry registry_scope(&registry_);
  if (!topics_.HasTopic(topic)) {
    return absl::NotFoundError(absl::StrCat("Topic not found: ", topic));
  }
  SKEIN_ASSIGN_OR_RETURN(std::vector<runtime::Record> records, topics_.ReadAll(topic));
  TopicFormats f = FormatsOf(topic);
  const std::optional<compiler::WindowInfo> window = WindowOf(topic);
  std::vector<TestRecord> out;
  for (const runtime::Record& r : records) {
    TestRecord t;
    t.topic = topic;
    t.timestamp = r.timestamp;
    std::optional<std::string> key = r.key;
    if (window && key) t.window = StripWindow(*window, &*key);
    t.key =
        DecodeSide(key, f.key.properties, f.key.format, f.key.columns, f.key.known_columns, true);
    t.value = DecodeSide(r.value, f.value.properties, f.value.format, f.value.columns,
                         f.value.known_columns, false);
    out.push_back(std::move(t));
  }
  return out;
}

absl::StatusOr<std::vector<testrunner::SourceInfo>> LocalEngine::Sources() {
  std::vector<testrunner::SourceInfo> out;
  for (const compiler::DataSource* s : compiler_.catalog().Sources()) {
    testrunner::SourceInfo i;
    i.name = s->name;
    i.type = s->is_table ? "table" : "stream";
    i.schema = s->schema.ToString(true);
    i.key_format = s->key_format.name;
    i.value_format = s->value_format.name;
    i.topic = s->topic;
    // A query's single key column is written unwrapped by formats that could wrap it
    // (ksqlDB sets UNWRAP_SINGLES implicitly on such sinks).
    const std::string& kf = s->key_format.name;
    if (s->schema.num_keys() == 1 && !compiler_.catalog().QueriesWriting(s->name).empty() &&
        (kf == "JSON" || kf == "AVRO" || kf == "PROTOBUF" || kf == "JSON_SR")) {
      i.key_features = {"UNWRAP_SINGLES"};
    }
    out.push_back(std::move(i));
  }
  return out;
}

absl::StatusOr<std::vector<testrunner::TopicInfo>> LocalEngine::Topics() {
  std::vector<testrunner::TopicInfo> out;
  for (const std::string& name : topics_.TopicNames()) {
    testrunner::TopicInfo t;
    t.name = name;
    SKEIN_ASSIGN_OR_RETURN(t.partitions, topics_.Partitions(name));
    TopicFormats f = FormatsOf(name);
    t.key_format = f.key.format;
    t.value_format = f.value.format;
    out.push_back(std::move(t));
  }
  return out;
}

absl::Status LocalEngine::InsertRows(const compiler::StatementResult& result) {
  const std::string& topic =
      result.topic_info.name().empty() ? result.topic : result.topic_info.name();
  SKEIN_RETURN_IF_ERROR(EnsureTopic(topic, static_cast<int>(result.topic_info.partitions())));
  std::vector<types::Column> keys = result.row_schema.KeyColumns();
  std::vector<types::Column> values = result.row_schema.ValueColumns();
  auto props = [](const v1::Format& f) {
    std::map<std::string, std::string> m(f.properties().begin(), f.properties().end());
    return m;
  };
  const std::string kf = result.topic_info.key_format().name().empty()
                             ? "KAFKA"
                             : result.topic_info.key_format().name();
  const std::string vf = result.topic_info.value_format().name().empty()
                             ? "JSON"
                             : result.topic_info.value_format().name();
  SKEIN_ASSIGN_OR_RETURN(
      auto key_format,
      serde::MakeFormat(kf, keys, Options(props(result.topic_info.key_format()), true)));
  SKEIN_ASSIGN_OR_RETURN(
      auto value_format,
      serde::MakeFormat(vf, values, Options(props(result.topic_info.value_format()), false)));
  SKEIN_ASSIGN_OR_RETURN(int32_t partitions, topics_.Partitions(topic));
  for (const compiler::InsertRow& row : result.rows) {
    std::span<const Value> all(row.values.data(), row.values.size());
    runtime::Record r;
    r.topic = topic;
    r.timestamp = row.rowtime.value_or(absl::ToUnixMillis(clock_.Now()));
    std::string bytes;
    SKEIN_ASSIGN_OR_RETURN(serde::RecordKind k,
                           key_format->Encode(all.subspan(0, keys.size()), &bytes));
    if (k == serde::RecordKind::kPresent) r.key = bytes;
    SKEIN_ASSIGN_OR_RETURN(serde::RecordKind v,
                           value_format->Encode(all.subspan(keys.size(), values.size()), &bytes));
    if (v == serde::RecordKind::kPresent) r.value = bytes;
    r.partition = r.key ? runtime::KafkaPartition(*r.key, partitions) : 0;
    SKEIN_RETURN_IF_ERROR(topics_.Append(std::move(r)).status());
  }
  return absl::OkStatus();
}

std::unique_ptr<testrunner::CaseEngine> MakeLocalEngine() {
  return std::make_unique<LocalEngine>();
}

}  // namespace skein::cli
