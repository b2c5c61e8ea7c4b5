// CREATE STREAM/TABLE, DROP, SHOW, DESCRIBE, INSERT VALUES.

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "expr_analyzer.h"
#include "skein/common/status.h"
#include "skein/sql/printer.h"
#include "skein/types/avro_name.h"
#include "skein/types/cast.h"
#include "statements.h"
#include "window_properties.h"

namespace skein::compiler {

using types::SqlType;
using types::TypeKind;

absl::StatusOr<PropertyMap> CollectProperties(const std::vector<sql::Property>& props) {
  PropertyMap out;
  for (const auto& p : props) {
    std::string name = absl::AsciiStrToUpper(p.name);
    std::string value;
    switch (p.value->kind) {
      case sql::ExprKind::kStringLiteral:
        value = p.value->text;
        break;
      case sql::ExprKind::kBooleanLiteral:
        value = p.value->bool_value ? "true" : "false";
        break;
      default:
        value = sql::ExprToSql(*p.value);
    }
    out[name] = value;
  }
  return out;
}

namespace {

bool KnownFormat(const std::string& f) {
  for (const char* k :
       {"JSON", "JSON_SR", "AVRO", "PROTOBUF", "PROTOBUF_NOSR", "DELIMITED", "KAFKA", "NONE"}) {
    if (f == k) return true;
  }
  return false;
}

std::string Kind(bool is_table) { return is_table ? "table" : "stream"; }

absl::Status TypeSupported(const std::string& format, const SqlType& t) {
  if (format != "KAFKA" && format != "DELIMITED") return absl::OkStatus();
  if (t.kind() == TypeKind::kArray || t.kind() == TypeKind::kMap || t.kind() == TypeKind::kStruct) {
    return absl::InvalidArgumentError(
        absl::StrCat("The '", format, "' format does not support type '",
                     std::string(types::TypeKindName(t.kind())), "'"));
  }
  return absl::OkStatus();
}

// ksqlDB's validation of VALUE_DELIMITER / KEY_DELIMITER: one character, or TAB / SPACE.
absl::Status CheckDelimiter(const char* prop, const std::string& v) {
  const std::string upper = absl::AsciiStrToUpper(v);
  if (upper == "TAB" || upper == "SPACE") return absl::OkStatus();
  const std::string head =
      absl::StrCat("Failed to prepare statement: Configuration ", prop, " is invalid: ");
  if (v.empty() || v == " " || v == "\t") {
    return absl::InvalidArgumentError(absl::StrCat(
        head,
        "Delimiter cannot be empty, if you meant to have a tab or space for delimiter, "
        "please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'"));
  }
  if (v.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        head, "Invalid delimiter value: '", v,
        "'. Delimiter must be a single character or TAB,SPACE\nExample valid value: ';'"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ResolveFormats(const PropertyMap& props, const FormatInfo* inherit_key,
                            const FormatInfo* inherit_value, FormatInfo* key, FormatInfo* value) {
  const bool has_format = props.count("FORMAT") > 0;
  if (has_format && props.count("KEY_FORMAT")) {
    return absl::InvalidArgumentError(
        "Cannot supply both 'KEY_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets both key and "
        "value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.");
  }
  if (has_format && props.count("VALUE_FORMAT")) {
    return absl::InvalidArgumentError(
        "Cannot supply both 'VALUE_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets both key and "
        "value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.");
  }
  auto get = [&](const char* n) -> std::optional<std::string> {
    auto it = props.find(n);
    if (it == props.end()) return std::nullopt;
    return absl::AsciiStrToUpper(it->second);
  };
  std::optional<std::string> k = has_format ? get("FORMAT") : get("KEY_FORMAT");
  std::optional<std::string> v = has_format ? get("FORMAT") : get("VALUE_FORMAT");
  *key = inherit_key ? *inherit_key : FormatInfo{"KAFKA", {}};
  if (k) *key = FormatInfo{*k, {}};
  if (v) {
    *value = FormatInfo{*v, {}};
  } else if (inherit_value) {
    *value = *inherit_value;
    // A derived source wraps single values unless its own WITH clause says otherwise.
    value->properties.erase("WRAP_SINGLE_VALUE");
  } else {
    return absl::InvalidArgumentError(
        "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide "
        "one or set a default via the 'ksql.persistence.default.format.value' config.");
  }
  for (const FormatInfo* f : {key, value}) {
    if (!KnownFormat(f->name)) return absl::InvalidArgumentError("Unknown format: " + f->name);
  }
  if (auto w = props.find("WRAP_SINGLE_VALUE"); w != props.end()) {
    value->properties["WRAP_SINGLE_VALUE"] = absl::AsciiStrToLower(w->second);
    if ((value->name == "DELIMITED" || value->name == "KAFKA") &&
        absl::AsciiStrToLower(w->second) == "true") {
      return absl::InvalidArgumentError(absl::StrCat(
          "Format '", value->name, "' does not support 'WRAP_SINGLE_VALUE' set to 'true'."));
    }
  }
  for (const auto& [prop, format] :
       {std::pair<const char*, FormatInfo*>{"VALUE_DELIMITER", value}, {"KEY_DELIMITER", key}}) {
    auto d = props.find(prop);
    if (d == props.end()) continue;
    SKEIN_RETURN_IF_ERROR(CheckDelimiter(prop, d->second));
    if (format->name != "DELIMITED") {
      return absl::InvalidArgumentError(
          absl::StrCat(format->name, " does not support the following configs: [delimiter]"));
    }
    format->properties["DELIMITER"] = d->second;
  }
  for (const auto& [prop, format] :
       {std::pair<const char*, FormatInfo*>{"VALUE_AVRO_SCHEMA_FULL_NAME", value},
        {"KEY_AVRO_SCHEMA_FULL_NAME", key}}) {
    auto n = props.find(prop);
    if (n == props.end()) continue;
    if (format->name != "AVRO") {
      return absl::InvalidArgumentError(
          absl::StrCat(format->name, " does not support the following configs: [fullSchemaName]"));
    }
    const std::string name(absl::StripAsciiWhitespace(n->second));
    if (name.empty()) {
      return absl::InvalidArgumentError(
          "fullSchemaName cannot be empty. Format configuration: {fullSchemaName=}");
    }
    format->properties["FULL_SCHEMA_NAME"] = name;
  }
  return absl::OkStatus();
}

absl::Status CheckSchemaFormats(const types::Schema& schema, const FormatInfo& key,
                                const FormatInfo& value) {
  if (value.name == "AVRO") {
    for (const auto& c : schema.ValueColumns()) SKEIN_RETURN_IF_ERROR(types::CheckAvroName(c.name));
  }
  for (const auto& c : schema.KeyColumns()) {
    if (c.type.ContainsMap()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Map keys, including types that contain maps, are not supported as they may lead to "
          "unexpected behavior due to inconsistent serialization. Key column name: `",
          c.name, "`. Column type: ", c.type.ToString(),
          ". See https://github.com/confluentinc/ksql/issues/6621 for more."));
    }
  }
  const auto keys = schema.KeyColumns();
  auto persistence = [&] {
    std::vector<std::string> cols;
    for (const auto& c : keys)
      cols.push_back(absl::StrCat("`", c.name, "` ", c.type.ToString(), " KEY"));
    return absl::StrCat("[", absl::StrJoin(cols, ", "), "]");
  };
  for (const auto& c : keys) {
    absl::Status s = TypeSupported(key.name, c.type);
    if (key.name == "KAFKA" && c.type.kind() == TypeKind::kDecimal) {
      s = absl::InvalidArgumentError("The 'KAFKA' format does not support type 'DECIMAL'");
    }
    if (!s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Key format does not support schema.\nformat: ", key.name,
          "\nschema: Persistence{columns=", persistence(), ", features=[]}\nreason: ", s.message(),
          key.name == "DELIMITED" ? absl::StrCat(", column: `", c.name, "`") : ""));
    }
  }
  if (key.name == "KAFKA" && keys.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=",
        persistence(),
        ", features=[]}\nreason: The 'KAFKA' format only supports a single field. "
        "Got: ",
        persistence()));
  }
  if (value.name == "NONE" && schema.num_values() > 0) {
    std::vector<std::string> cols;
    for (const auto& c : schema.ValueColumns()) {
      cols.push_back(absl::StrCat("`", c.name, "` ", c.type.ToString()));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("The 'NONE' format can only be used when no columns are defined. Got: [",
                     absl::StrJoin(cols, ", "), "]"));
  }
  if (key.name == "NONE" && !keys.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "The 'NONE' format can only be used when no columns are defined. Got: ", persistence()));
  }
  for (const auto& c : schema.ValueColumns()) {
    SKEIN_RETURN_IF_ERROR(TypeSupported(value.name, c.type));
    if ((value.name == "JSON" || value.name == "JSON_SR") && c.type.kind() == TypeKind::kMap &&
        c.type.key().kind() != TypeKind::kString) {
      return absl::InvalidArgumentError("JSON only supports MAP types with STRING keys");
    }
    if (value.name == "AVRO" && c.type.kind() == TypeKind::kMap &&
        c.type.key().kind() != TypeKind::kString) {
      return absl::InvalidArgumentError("Avro only supports MAPs with STRING keys");
    }
  }
  if (value.name == "KAFKA" && schema.num_values() > 1) {
    return absl::InvalidArgumentError("The 'KAFKA' format only supports a single field. Got: " +
                                      schema.ToString());
  }
  return absl::OkStatus();
}

namespace {

// AVRO sides declared without columns take them from the schema registry, as ksqlDB infers
// them. A missing value schema is the user's error; a missing key schema means no key.
absl::Status InferColumns(const Catalog& catalog, const std::string& topic, const FormatInfo& key,
                          FormatInfo* value, types::Schema::Builder* builder,
                          types::Schema* schema) {
  const bool infer_value = value->name == "AVRO" && schema->num_values() == 0;
  const bool infer_key = key.name == "AVRO" && schema->num_keys() == 0;
  if (!catalog.schema_inferer() || (!infer_value && !infer_key)) return absl::OkStatus();
  if (infer_key) {
    absl::StatusOr<InferredSchema> cols = catalog.schema_inferer()(topic, true, false);
    if (cols.ok()) {
      for (const types::Column& c : cols->columns) builder->Key(c.name, c.type);
    } else if (cols.status().code() != absl::StatusCode::kNotFound) {
      return cols.status();
    }
  }
  if (infer_value) {
    auto wrap = value->properties.find("WRAP_SINGLE_VALUE");
    const bool single =
        wrap != value->properties.end() && absl::AsciiStrToLower(wrap->second) == "false";
    absl::StatusOr<InferredSchema> cols = catalog.schema_inferer()(topic, false, single);
    if (!cols.ok()) {
      if (cols.status().code() != absl::StatusCode::kNotFound) return cols.status();
      return absl::InvalidArgumentError(
          absl::StrCat("Schema for message values on topic '", topic,
                       "' does not exist in the Schema Registry.Subject: ", topic, "-value"));
    }
    for (const types::Column& c : cols->columns) builder->Val(c.name, c.type);
    if (cols->unwrapped) value->properties["WRAP_SINGLE_VALUE"] = "false";
  }
  auto built = builder->Build();
  if (!built.ok()) return absl::InvalidArgumentError(std::string(built.status().message()));
  *schema = *std::move(built);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<StatementResult> CreateSource(Catalog& catalog, const sql::CreateSource& stmt,
                                             std::string_view text) {
  const std::string kind = Kind(stmt.is_table);
  if (stmt.or_replace && stmt.is_source) {
    return absl::InvalidArgumentError(
        absl::StrCat("Cannot add ", kind, " '", stmt.name,
                     "': CREATE OR REPLACE is not supported on source ", kind, "s."));
  }
  if (const DataSource* existing = catalog.FindSource(stmt.name)) {
    if (stmt.if_not_exists) {
      StatementResult r;
      r.kind = StatementResult::Kind::kText;
      r.text = absl::StrCat("A ", kind, " with the same name already exists");
      return r;
    }
    if (stmt.or_replace && (stmt.is_source || existing->is_read_only)) {
      return absl::InvalidArgumentError(
          absl::StrCat("Cannot add ", kind, " '", stmt.name,
                       "': CREATE OR REPLACE is not supported on source ", kind, "s."));
    }
    if (!stmt.or_replace) {
      return absl::InvalidArgumentError(absl::StrCat("Cannot add ", kind, " '", stmt.name, "': A ",
                                                     Kind(existing->is_table),
                                                     " with the same name already exists"));
    }
  }
  SKEIN_ASSIGN_OR_RETURN(PropertyMap props, CollectProperties(stmt.properties));
  types::Schema::Builder builder;
  DataSource src;
  bool has_key = false;
  for (const auto& col : stmt.columns) {
    SKEIN_ASSIGN_OR_RETURN(SqlType t, ResolveType(*col.type));
    switch (col.constraint) {
      case sql::ColumnConstraint::kKey:
        if (stmt.is_table) {
          return ErrorAt(col.pos, absl::StrCat("Column `", col.name,
                                               "` is a 'KEY' column: please use 'PRIMARY KEY' "
                                               "for tables.\nTables have PRIMARY KEYs, which are "
                                               "unique and NON NULL.\nStreams have KEYs, which "
                                               "have no uniqueness or NON NULL constraints."));
        }
        builder.Key(col.name, t);
        has_key = true;
        break;
      case sql::ColumnConstraint::kPrimaryKey:
        if (!stmt.is_table) {
          return ErrorAt(col.pos, absl::StrCat("Column `", col.name,
                                               "` is a 'PRIMARY KEY' column: please use 'KEY' "
                                               "for streams.\nTables have PRIMARY KEYs, which are "
                                               "unique and NON NULL.\nStreams have KEYs, which "
                                               "have no uniqueness or NON NULL constraints."));
        }
        builder.Key(col.name, t);
        has_key = true;
        break;
      case sql::ColumnConstraint::kHeaders:
      case sql::ColumnConstraint::kHeader:
        builder.Header(col.name, t);
        src.header_keys[col.name] = col.header_key;
        break;
      case sql::ColumnConstraint::kNone:
        builder.Val(col.name, t);
        break;
    }
  }
  if (stmt.is_table && !has_key && !stmt.columns.empty()) {
    return absl::InvalidArgumentError(
        "Tables require a PRIMARY KEY. Please define the PRIMARY KEY.\nUse a partial schema to "
        "define the primary key and still load the value columns from the Schema Registry, for "
        "example:\n   CREATE TABLE " +
        stmt.name + " (ID INT PRIMARY KEY) WITH (...);");
  }
  auto schema = builder.Build();
  if (!schema.ok()) return absl::InvalidArgumentError(std::string(schema.status().message()));
  auto topic = props.find("KAFKA_TOPIC");
  if (topic == props.end()) {
    return absl::InvalidArgumentError(
        "Missing required property \"KAFKA_TOPIC\" which has no default value.");
  }
  src.name = stmt.name;
  src.is_table = stmt.is_table;
  src.is_read_only = stmt.is_source;
  src.schema = *schema;
  src.topic = topic->second;
  if (auto p = props.find("PARTITIONS"); p != props.end()) src.partitions = std::stoi(p->second);
  // Formats missing from the WITH clause come from the session defaults, as in ksqlDB.
  PropertyMap format_props = props;
  if (!props.count("FORMAT")) {
    const auto& session = catalog.properties();
    for (const auto& [prop, config] :
         {std::pair<const char*, const char*>{"KEY_FORMAT", "ksql.persistence.default.format.key"},
          {"VALUE_FORMAT", "ksql.persistence.default.format.value"}}) {
      auto d = session.find(config);
      if (!props.count(prop) && d != session.end() && !d->second.empty()) {
        format_props[prop] = d->second;
      }
    }
  }
  SKEIN_RETURN_IF_ERROR(
      ResolveFormats(format_props, nullptr, nullptr, &src.key_format, &src.value_format));
  SKEIN_RETURN_IF_ERROR(
      InferColumns(catalog, src.topic, src.key_format, &src.value_format, &builder, &src.schema));
  SKEIN_RETURN_IF_ERROR(CheckSchemaFormats(src.schema, src.key_format, src.value_format));
  if (auto ts = props.find("TIMESTAMP"); ts != props.end()) {
    std::string col = absl::AsciiStrToUpper(ts->second);
    if (src.schema.IndexOf(col) < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "The TIMESTAMP column set in the WITH clause does not exist in the schema: '", col, "'"));
    }
    src.timestamp_column = col;
  }
  if (auto f = props.find("TIMESTAMP_FORMAT"); f != props.end()) src.timestamp_format = f->second;
  SKEIN_ASSIGN_OR_RETURN(src.window, WindowFromProperties(props));
  src.sql = std::string(text);
  StatementResult r;
  r.kind = StatementResult::Kind::kSourceCreated;
  r.source_name = src.name;
  r.schema_text = src.schema.ToString(/*quote_names=*/false);
  catalog.AddTopic(src.topic);
  catalog.PutSource(std::move(src));
  return r;
}

absl::StatusOr<StatementResult> DropSource(Catalog& catalog, const sql::DropSource& stmt) {
  const DataSource* src = catalog.FindSource(stmt.name);
  if (src == nullptr) {
    if (stmt.if_exists) {
      StatementResult r;
      r.text = "Source " + stmt.name + " does not exist.";
      return r;
    }
    return absl::InvalidArgumentError(absl::StrCat("Source ", stmt.name, " does not exist."));
  }
  if (src->is_table != stmt.is_table) {
    return absl::InvalidArgumentError(
        absl::StrCat("Incompatible data source type is ", src->is_table ? "TABLE" : "STREAM",
                     ", but statement was DROP ", stmt.is_table ? "TABLE" : "STREAM"));
  }
  if (stmt.delete_topic && src->is_read_only) {
    return absl::InvalidArgumentError("Cannot delete topic for read-only source: " + stmt.name);
  }
  auto readers = catalog.QueriesReading(stmt.name);
  auto writers = catalog.QueriesWriting(stmt.name);
  if (!readers.empty() || !writers.empty()) {
    std::vector<std::string> all = writers;
    all.insert(all.end(), readers.begin(), readers.end());
    return absl::InvalidArgumentError(absl::StrCat(
        "Cannot drop ", stmt.name, ".\nThe following queries read from this source: [",
        absl::StrJoin(readers, ", "), "].\nThe following queries write into this source: [",
        absl::StrJoin(writers, ", "), "].\nYou need to terminate them before dropping ", stmt.name,
        ".\nHint: TERMINATE ", all.front(), ";"));
  }
  StatementResult r;
  r.kind = StatementResult::Kind::kSourceDropped;
  r.source_name = stmt.name;
  r.delete_topic = stmt.delete_topic;
  r.topic = src->topic;
  catalog.RemoveSource(stmt.name);
  return r;
}

}  // namespace skein::compiler
