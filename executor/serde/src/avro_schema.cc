#include "skein/serde/avro_schema.h"

#include "absl/strings/str_cat.h"
#include "internal.h"
#include "skein/common/json_escape.h"
#include "skein/common/status.h"
#include "skein/types/avro_name.h"

namespace skein::serde {
namespace {

using types::SqlType;
using types::TypeKind;

void AppendQuoted(std::string_view s, std::string* out) { AppendJsonString(s, out); }

// Splits "a.b.Name" into namespace "a.b" and name "Name".
void SplitFullName(std::string_view full, std::string_view* ns, std::string_view* name) {
  size_t dot = full.rfind('.');
  if (dot == std::string_view::npos) {
    *ns = {};
    *name = full;
  } else {
    *ns = full.substr(0, dot);
    *name = full.substr(dot + 1);
  }
}

absl::Status AppendType(const SqlType& t, std::string_view record_name, std::string* out);

// ["null", T] with T the Avro form of `t`.
absl::Status AppendOptional(const SqlType& t, std::string_view record_name, std::string* out) {
  out->append("[\"null\",");
  SKEIN_RETURN_IF_ERROR(AppendType(t, record_name, out));
  out->push_back(']');
  return absl::OkStatus();
}

absl::Status AppendFields(const std::vector<std::pair<std::string, SqlType>>& fields,
                          std::string_view record_name, std::string* out) {
  out->append("\"fields\":[");
  for (size_t i = 0; i < fields.size(); ++i) {
    SKEIN_RETURN_IF_ERROR(types::CheckAvroName(fields[i].first));
    if (i > 0) out->push_back(',');
    out->append("{\"name\":");
    AppendQuoted(fields[i].first, out);
    out->append(",\"type\":");
    SKEIN_RETURN_IF_ERROR(AppendOptional(
        fields[i].second, absl::StrCat(internal::Sv(record_name), "_", fields[i].first), out));
    out->append(",\"default\":null}");
  }
  out->push_back(']');
  return absl::OkStatus();
}

absl::Status AppendType(const SqlType& t, std::string_view record_name, std::string* out) {
  switch (t.kind()) {
    case TypeKind::kBoolean:
      out->append("\"boolean\"");
      break;
    case TypeKind::kInteger:
      out->append("\"int\"");
      break;
    case TypeKind::kBigint:
      out->append("\"long\"");
      break;
    case TypeKind::kDouble:
      out->append("\"double\"");
      break;
    case TypeKind::kString:
      out->append("\"string\"");
      break;
    case TypeKind::kBytes:
      out->append("\"bytes\"");
      break;
    case TypeKind::kDecimal:
      absl::StrAppend(out, "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":",
                      t.precision(), ",\"scale\":", t.scale(), "}");
      break;
    case TypeKind::kTimestamp:
      out->append("{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}");
      break;
    case TypeKind::kDate:
      out->append("{\"type\":\"int\",\"logicalType\":\"date\"}");
      break;
    case TypeKind::kTime:
      out->append("{\"type\":\"int\",\"logicalType\":\"time-millis\"}");
      break;
    case TypeKind::kArray:
      out->append("{\"type\":\"array\",\"items\":");
      SKEIN_RETURN_IF_ERROR(AppendOptional(t.element(), record_name, out));
      out->push_back('}');
      break;
    case TypeKind::kMap:
      if (t.key().kind() != TypeKind::kString) {
        return absl::InvalidArgumentError("AVRO only supports MAP types with STRING keys");
      }
      out->append("{\"type\":\"map\",\"values\":");
      SKEIN_RETURN_IF_ERROR(AppendOptional(t.value(), record_name, out));
      out->push_back('}');
      break;
    case TypeKind::kStruct: {
      std::string_view ns, name;
      SplitFullName(record_name, &ns, &name);
      out->append("{\"type\":\"record\",\"name\":");
      AppendQuoted(name, out);
      if (!ns.empty()) {
        out->append(",\"namespace\":");
        AppendQuoted(ns, out);
      }
      out->push_back(',');
      std::vector<std::pair<std::string, SqlType>> fields;
      for (size_t i = 0; i < t.num_fields(); ++i) {
        fields.emplace_back(t.field_name(i), t.field_type(i));
      }
      SKEIN_RETURN_IF_ERROR(AppendFields(fields, record_name, out));
      out->push_back('}');
      break;
    }
    case TypeKind::kNull:
      return absl::InvalidArgumentError("AVRO: a column cannot have the NULL type");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> AvroSchemaJson(const std::vector<Column>& columns, bool unwrapped,
                                           std::string_view full_name) {
  std::string out;
  if (unwrapped && columns.size() == 1) {
    SKEIN_RETURN_IF_ERROR(AppendOptional(columns[0].type, full_name, &out));
    return out;
  }
  std::vector<std::pair<std::string, SqlType>> fields;
  for (const Column& c : columns) fields.emplace_back(c.name, c.type);
  std::string_view ns, name;
  SplitFullName(full_name, &ns, &name);
  out.append("{\"type\":\"record\",\"name\":");
  AppendQuoted(name, &out);
  if (!ns.empty()) {
    out.append(",\"namespace\":");
    AppendQuoted(ns, &out);
  }
  out.push_back(',');
  SKEIN_RETURN_IF_ERROR(AppendFields(fields, full_name, &out));
  out.push_back('}');
  return out;
}

}  // namespace skein::serde
