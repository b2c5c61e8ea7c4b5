// SQL columns from a registered Avro schema (ksqlDB's schema inference for AVRO sources).

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "internal.h"
#include "simdjson.h"
#include "skein/common/status.h"
#include "skein/serde/avro_schema.h"

namespace skein::serde {
namespace {

using types::SqlType;
using types::TypeKind;

// Named types seen so far (records, enums, fixed), so later references by name resolve.
using NamedTypes = std::map<std::string, SqlType, std::less<>>;

absl::Status Unsupported(std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("AVRO: cannot infer a SQL type from schema ", internal::Sv(what)));
}

std::string_view StringField(simdjson::dom::object o, std::string_view key) {
  std::string_view s;
  if (o[key].get_string().get(s) != simdjson::SUCCESS) return {};
  return s;
}

absl::StatusOr<SqlType> ToSql(simdjson::dom::element e, NamedTypes* named);

absl::StatusOr<SqlType> PrimitiveByName(std::string_view name, const NamedTypes& named) {
  if (name == "boolean") return SqlType::Boolean();
  if (name == "int") return SqlType::Integer();
  if (name == "long") return SqlType::Bigint();
  if (name == "float" || name == "double") return SqlType::Double();
  if (name == "string") return SqlType::String();
  if (name == "bytes") return SqlType::Bytes();
  auto it = named.find(name);
  if (it != named.end()) return it->second;
  // Match on short names: nested types inherit their parent's namespace, which this reader
  // does not track.
  auto short_name = [](std::string_view n) {
    size_t dot = n.rfind('.');
    return dot == std::string_view::npos ? n : n.substr(dot + 1);
  };
  for (const auto& [full, t] : named) {
    if (short_name(full) == short_name(name)) return t;
  }
  return Unsupported(name);
}

absl::StatusOr<SqlType> RecordToSql(simdjson::dom::object o, NamedTypes* named) {
  simdjson::dom::array fields;
  if (o["fields"].get_array().get(fields) != simdjson::SUCCESS) return Unsupported("record");
  std::vector<std::pair<std::string, SqlType>> out;
  for (simdjson::dom::element f : fields) {
    simdjson::dom::object fo;
    if (f.get_object().get(fo) != simdjson::SUCCESS) return Unsupported("record field");
    std::string_view name = StringField(fo, "name");
    simdjson::dom::element type;
    if (fo["type"].get(type) != simdjson::SUCCESS) return Unsupported("record field");
    SKEIN_ASSIGN_OR_RETURN(SqlType t, ToSql(type, named));
    out.emplace_back(absl::AsciiStrToUpper(internal::Sv(name)), std::move(t));
  }
  SqlType t = SqlType::Struct(out);
  std::string_view name = StringField(o, "name");
  std::string_view ns = StringField(o, "namespace");
  if (!name.empty()) {
    (*named)[ns.empty() || name.find('.') != std::string_view::npos
                 ? std::string(name)
                 : absl::StrCat(internal::Sv(ns), ".", internal::Sv(name))] = t;
  }
  return t;
}

absl::StatusOr<SqlType> ToSql(simdjson::dom::element e, NamedTypes* named) {
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) return PrimitiveByName(s, *named);
  simdjson::dom::array union_branches;
  if (e.get_array().get(union_branches) == simdjson::SUCCESS) {
    // ["null", T] is an optional T; every SQL type is nullable.
    std::vector<simdjson::dom::element> non_null;
    for (simdjson::dom::element b : union_branches) {
      std::string_view bs;
      if (b.get_string().get(bs) == simdjson::SUCCESS && bs == "null") continue;
      non_null.push_back(b);
    }
    if (non_null.size() != 1) return Unsupported("union");
    return ToSql(non_null[0], named);
  }
  simdjson::dom::object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) return Unsupported("element");
  std::string_view type = StringField(o, "type");
  std::string_view logical = StringField(o, "logicalType");
  if (type == "record") return RecordToSql(o, named);
  if (type == "enum") {
    std::string_view name = StringField(o, "name");
    if (!name.empty()) (*named)[std::string(name)] = SqlType::String();
    return SqlType::String();
  }
  if (type == "fixed") {
    std::string_view name = StringField(o, "name");
    if (!name.empty()) (*named)[std::string(name)] = SqlType::Bytes();
  }
  if (logical == "decimal" && (type == "bytes" || type == "fixed")) {
    int64_t precision = 0, scale = 0;
    if (o["precision"].get_int64().get(precision) != simdjson::SUCCESS) {
      return Unsupported("decimal without precision");
    }
    if (o["scale"].get_int64().get(scale) != simdjson::SUCCESS) scale = 0;
    SKEIN_RETURN_IF_ERROR(
        types::ValidateDecimal(static_cast<int>(precision), static_cast<int>(scale)));
    return SqlType::Decimal(static_cast<int>(precision), static_cast<int>(scale));
  }
  if (type == "fixed") return SqlType::Bytes();
  if (type == "int" && logical == "date") return SqlType::Date();
  if (type == "int" && logical == "time-millis") return SqlType::Time();
  if (type == "long" && logical == "timestamp-millis") return SqlType::Timestamp();
  if (type == "array") {
    simdjson::dom::element items;
    if (o["items"].get(items) != simdjson::SUCCESS) return Unsupported("array");
    SKEIN_ASSIGN_OR_RETURN(SqlType t, ToSql(items, named));
    return SqlType::Array(t);
  }
  if (type == "map") {
    simdjson::dom::element values;
    if (o["values"].get(values) != simdjson::SUCCESS) return Unsupported("map");
    SKEIN_ASSIGN_OR_RETURN(SqlType t, ToSql(values, named));
    return SqlType::Map(SqlType::String(), t);
  }
  if (!type.empty()) return PrimitiveByName(type, *named);
  simdjson::dom::element nested;
  if (o["type"].get(nested) == simdjson::SUCCESS) return ToSql(nested, named);
  return Unsupported("object");
}

}  // namespace

absl::StatusOr<std::vector<Column>> ColumnsFromAvroSchema(std::string_view schema_json, bool is_key,
                                                          bool* is_record) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(schema_json.data(), schema_json.size()).get(root) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("AVRO: the registered schema is not valid JSON");
  }
  NamedTypes named;
  SKEIN_ASSIGN_OR_RETURN(SqlType t, ToSql(root, &named));
  std::vector<Column> out;
  // A top-level ["null", record] is still a record.
  if (is_record != nullptr) *is_record = t.kind() == TypeKind::kStruct;
  if (t.kind() == TypeKind::kStruct) {
    for (size_t i = 0; i < t.num_fields(); ++i) {
      Column c;
      c.name = t.field_name(i);
      c.type = t.field_type(i);
      if (is_key) c.ns = types::ColumnNamespace::kKey;
      out.push_back(std::move(c));
    }
    return out;
  }
  Column c;
  c.name = is_key ? "ROWKEY" : "ROWVAL";
  c.type = t;
  if (is_key) c.ns = types::ColumnNamespace::kKey;
  out.push_back(std::move(c));
  return out;
}

}  // namespace skein::serde
