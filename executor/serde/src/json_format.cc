#include "json_format.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "skein/common/status.h"
#include "skein/types/cast.h"
#include "skein/types/text.h"

namespace skein::serde::internal {
namespace {

using simdjson::ondemand::json_type;
using simdjson::ondemand::number_type;
using types::SqlType;
using types::TypeKind;

std::string_view JsonTypeName(json_type t) {
  switch (t) {
    case json_type::array:
      return "an array";
    case json_type::object:
      return "an object";
    case json_type::number:
      return "a number";
    case json_type::string:
      return "a string";
    case json_type::boolean:
      return "a boolean";
    case json_type::null:
      return "null";
  }
  return "an unknown value";
}

absl::Status Malformed(simdjson::error_code e) {
  return absl::InvalidArgumentError(
      absl::StrCat("JSON: malformed input: ", simdjson::error_message(e)));
}

absl::Status Mismatch(std::string_view expected, json_type got, std::string_view col,
                      const SqlType& type) {
  return absl::InvalidArgumentError(absl::StrCat("JSON: expected ", Sv(expected), " for ",
                                                 type.ToString(), " column ", Sv(col), " but got ",
                                                 Sv(JsonTypeName(got))));
}

absl::Status Annotated(const absl::Status& s, std::string_view col) {
  return absl::InvalidArgumentError(absl::StrCat("JSON: column ", Sv(col), ": ", s.message()));
}

std::string_view TrimToken(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t' ||
          s.back() == ',' || s.back() == '}' || s.back() == ']')) {
    s.remove_suffix(1);
  }
  return s;
}

// Finds the column/field for a JSON key: exact name first, then ASCII case-insensitively.
// `hint` is tried first because producers usually write fields in schema order.
template <typename NameAt>
int MatchName(std::string_view key, size_t n, NameAt name_at, size_t hint) {
  if (hint < n && name_at(hint) == key) return static_cast<int>(hint);
  for (size_t i = 0; i < n; ++i) {
    if (name_at(i) == key) return static_cast<int>(i);
  }
  for (size_t i = 0; i < n; ++i) {
    if (absl::EqualsIgnoreCase(Sv(name_at(i)), Sv(key))) return static_cast<int>(i);
  }
  return -1;
}

// A JSON number as int64 the way Java's Number.longValue() would see it; doubles truncate.
template <typename J>
absl::Status ReadLong(J& j, int64_t* out) {
  number_type nt;
  if (auto e = j.get_number_type().get(nt)) return Malformed(e);
  if (nt == number_type::signed_integer) {
    if (auto e = j.get_int64().get(*out)) return Malformed(e);
  } else if (nt == number_type::unsigned_integer) {
    uint64_t u;
    if (auto e = j.get_uint64().get(u)) return Malformed(e);
    *out = static_cast<int64_t>(u);
  } else {
    double d;
    if (auto e = j.get_double().get(d)) return Malformed(e);
    SKEIN_ASSIGN_OR_RETURN(
        Value v, types::CastValue(Value::Double(d), SqlType::Double(), SqlType::Bigint()));
    *out = v.bigint();
  }
  return absl::OkStatus();
}

template <typename J>
absl::Status Convert(J& j, const SqlType& type, std::string_view col, Value* out);

template <typename J>
absl::Status ConvertFromText(J& j, const SqlType& type, std::string_view col, Value* out) {
  std::string_view s;
  if (auto e = j.get_string().get(s)) return Malformed(e);
  if (type.kind() == TypeKind::kString) {
    *out = Value::String(s);
    return absl::OkStatus();
  }
  if (type.kind() == TypeKind::kBytes) {
    std::string bytes;
    if (!DecodeBase64(s, &bytes)) {
      return absl::InvalidArgumentError(
          absl::StrCat("JSON: column ", Sv(col), ": invalid base64 for BYTES"));
    }
    *out = Value::Bytes(std::move(bytes));
    return absl::OkStatus();
  }
  if (type.kind() == TypeKind::kTimestamp) {
    // Either epoch milliseconds as text or an ISO timestamp.
    auto ms = types::ParseBigint(s);
    if (ms.ok()) {
      *out = Value::Timestamp(*ms);
      return absl::OkStatus();
    }
  }
  auto v = types::CastValue(Value::String(s), SqlType::String(), type);
  if (!v.ok()) return Annotated(v.status(), col);
  *out = *std::move(v);
  return absl::OkStatus();
}

template <typename J>
absl::Status ConvertStruct(J& j, const SqlType& type, Value* out) {
  simdjson::ondemand::object obj;
  if (auto e = j.get_object().get(obj)) return Malformed(e);
  std::vector<Value> fields(type.num_fields());
  size_t hint = 0;
  auto name_at = [&](size_t i) -> std::string_view { return type.field_name(i); };
  for (auto field_result : obj) {
    simdjson::ondemand::field field;
    if (auto e = std::move(field_result).get(field)) return Malformed(e);
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return Malformed(e);
    int idx = MatchName(key, type.num_fields(), name_at, hint);
    if (idx < 0) continue;
    auto i = static_cast<size_t>(idx);
    hint = i + 1;
    simdjson::ondemand::value v = field.value();
    SKEIN_RETURN_IF_ERROR(Convert(v, type.field_type(i), type.field_name(i), &fields[i]));
  }
  *out = Value::Struct(std::move(fields));
  return absl::OkStatus();
}

template <typename J>
absl::Status Convert(J& j, const SqlType& type, std::string_view col, Value* out) {
  json_type jt;
  if (auto e = j.type().get(jt)) return Malformed(e);
  if (jt == json_type::null) {
    bool is_null;
    if (auto e = j.is_null().get(is_null)) return Malformed(e);
    *out = Value::Null();
    return absl::OkStatus();
  }
  switch (type.kind()) {
    case TypeKind::kBoolean:
      if (jt == json_type::boolean) {
        bool b;
        if (auto e = j.get_bool().get(b)) return Malformed(e);
        *out = Value::Boolean(b);
        return absl::OkStatus();
      }
      if (jt == json_type::string) return ConvertFromText(j, type, col, out);
      return Mismatch("a boolean", jt, col, type);
    case TypeKind::kInteger:
    case TypeKind::kBigint:
    case TypeKind::kTimestamp:
    case TypeKind::kDate:
    case TypeKind::kTime: {
      if (jt == json_type::string) return ConvertFromText(j, type, col, out);
      if (jt != json_type::number) return Mismatch("a number", jt, col, type);
      int64_t l = 0;
      SKEIN_RETURN_IF_ERROR(ReadLong(j, &l));
      switch (type.kind()) {
        case TypeKind::kInteger:
          *out = Value::Integer(static_cast<int32_t>(static_cast<uint32_t>(l)));
          break;
        case TypeKind::kBigint:
          *out = Value::Bigint(l);
          break;
        case TypeKind::kTimestamp:
          *out = Value::Timestamp(l);
          break;
        case TypeKind::kDate:
          *out = Value::Date(static_cast<int32_t>(l));
          break;
        default:
          *out = Value::Time(static_cast<int32_t>(l));
          break;
      }
      return absl::OkStatus();
    }
    case TypeKind::kDouble: {
      if (jt == json_type::string) return ConvertFromText(j, type, col, out);
      if (jt != json_type::number) return Mismatch("a number", jt, col, type);
      double d;
      if (auto e = j.get_double().get(d)) return Malformed(e);
      *out = Value::Double(d);
      return absl::OkStatus();
    }
    case TypeKind::kDecimal: {
      if (jt == json_type::string) return ConvertFromText(j, type, col, out);
      if (jt != json_type::number) return Mismatch("a number", jt, col, type);
      // The raw token keeps every digit; going through double would not.
      std::string_view raw = TrimToken(j.raw_json_token());
      double check;
      if (auto e = j.get_double().get(check)) return Malformed(e);
      auto u =
          types::ParseDecimal(raw, type.precision(), type.scale(), types::Rounding::kUnnecessary);
      if (!u.ok()) return Annotated(u.status(), col);
      *out = Value::Decimal(*u, type.scale());
      return absl::OkStatus();
    }
    case TypeKind::kString: {
      if (jt == json_type::string) return ConvertFromText(j, type, col, out);
      std::string_view raw;
      if (jt == json_type::array) {
        simdjson::ondemand::array a;
        if (auto e = j.get_array().get(a)) return Malformed(e);
        if (auto e = a.raw_json().get(raw)) return Malformed(e);
      } else if (jt == json_type::object) {
        simdjson::ondemand::object o;
        if (auto e = j.get_object().get(o)) return Malformed(e);
        if (auto e = o.raw_json().get(raw)) return Malformed(e);
      } else {
        // Numbers and booleans keep their JSON text ("1", "true"), as ksqlDB coerces them.
        raw = TrimToken(j.raw_json_token());
        if (jt == json_type::number) {
          double d;
          if (auto e = j.get_double().get(d)) return Malformed(e);
        } else {
          bool b;
          if (auto e = j.get_bool().get(b)) return Malformed(e);
        }
      }
      *out = Value::String(raw);
      return absl::OkStatus();
    }
    case TypeKind::kBytes:
      if (jt == json_type::string) return ConvertFromText(j, type, col, out);
      return Mismatch("a base64 string", jt, col, type);
    case TypeKind::kArray: {
      if (jt != json_type::array) return Mismatch("an array", jt, col, type);
      simdjson::ondemand::array arr;
      if (auto e = j.get_array().get(arr)) return Malformed(e);
      std::vector<Value> items;
      SqlType element = type.element();
      for (auto elem_result : arr) {
        simdjson::ondemand::value elem;
        if (auto e = elem_result.get(elem)) return Malformed(e);
        items.emplace_back();
        SKEIN_RETURN_IF_ERROR(Convert(elem, element, col, &items.back()));
      }
      *out = Value::Array(std::move(items));
      return absl::OkStatus();
    }
    case TypeKind::kMap: {
      if (jt != json_type::object) return Mismatch("an object", jt, col, type);
      simdjson::ondemand::object obj;
      if (auto e = j.get_object().get(obj)) return Malformed(e);
      std::vector<Value> items;
      SqlType value_type = type.value();
      for (auto field_result : obj) {
        simdjson::ondemand::field field;
        if (auto e = std::move(field_result).get(field)) return Malformed(e);
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return Malformed(e);
        items.push_back(Value::String(key));  // MakeFormat allows STRING map keys only
        items.emplace_back();
        simdjson::ondemand::value v = field.value();
        SKEIN_RETURN_IF_ERROR(Convert(v, value_type, col, &items.back()));
      }
      *out = Value::MapInterleaved(std::move(items));
      return absl::OkStatus();
    }
    case TypeKind::kStruct:
      if (jt != json_type::object) return Mismatch("an object", jt, col, type);
      return ConvertStruct(j, type, out);
    case TypeKind::kNull:
      break;
  }
  return Mismatch("a value", jt, col, type);
}

// simdjson 3.0 documents have no at_end(): a location still in bounds after the value was
// consumed means more tokens follow.
bool HasTrailingContent(simdjson::ondemand::document& doc) {
  const char* loc = nullptr;
  return !doc.current_location().get(loc);
}

}  // namespace

JsonFormat::JsonFormat(std::vector<Column> columns, const ParsedOptions& opts)
    : Format(std::move(columns)),
      unwrapped_(columns_.size() == 1 && (opts.is_key || !opts.wrap_single_value)) {}

absl::StatusOr<RecordKind> JsonFormat::Decode(std::optional<std::string_view> bytes,
                                              std::span<Value> out) {
  for (size_t i = 0; i < columns_.size(); ++i) out[i] = Value::Null();
  if (!bytes) return RecordKind::kNull;
  if (columns_.empty()) return RecordKind::kPresent;  // nothing to read (keyless)
  std::string_view in = *bytes;
  size_t needed = in.size() + simdjson::SIMDJSON_PADDING;
  if (buffer_.size() < needed) buffer_.resize(needed);
  std::memcpy(buffer_.data(), in.data(), in.size());
  std::memset(buffer_.data() + in.size(), 0, simdjson::SIMDJSON_PADDING);

  simdjson::ondemand::document doc;
  if (auto e = parser_.iterate(buffer_.data(), in.size(), buffer_.size()).get(doc)) {
    return Malformed(e);
  }
  json_type jt;
  if (auto e = doc.type().get(jt)) return Malformed(e);
  if (jt == json_type::null) {
    bool is_null;
    if (auto e = doc.is_null().get(is_null)) return Malformed(e);
    if (HasTrailingContent(doc)) return Malformed(simdjson::TRAILING_CONTENT);
    return RecordKind::kNull;
  }
  if (unwrapped_) {
    SKEIN_RETURN_IF_ERROR(Convert(doc, columns_[0].type, columns_[0].name, &out[0]));
  } else {
    if (jt != json_type::object) {
      return absl::InvalidArgumentError(absl::StrCat(
          "JSON: expected an object holding the ", columns_.size() == 1 ? "column " : "columns ",
          ColumnsToString(columns_), " but got ", Sv(JsonTypeName(jt))));
    }
    simdjson::ondemand::object obj;
    if (auto e = doc.get_object().get(obj)) return Malformed(e);
    size_t hint = 0;
    auto name_at = [&](size_t i) -> std::string_view { return columns_[i].name; };
    for (auto field_result : obj) {
      simdjson::ondemand::field field;
      if (auto e = std::move(field_result).get(field)) return Malformed(e);
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return Malformed(e);
      int idx = MatchName(key, columns_.size(), name_at, hint);
      if (idx < 0) continue;
      auto i = static_cast<size_t>(idx);
      hint = i + 1;
      simdjson::ondemand::value v = field.value();
      SKEIN_RETURN_IF_ERROR(Convert(v, columns_[i].type, columns_[i].name, &out[i]));
    }
  }
  if (HasTrailingContent(doc)) return Malformed(simdjson::TRAILING_CONTENT);
  return RecordKind::kPresent;
}

absl::StatusOr<RecordKind> JsonFormat::Encode(std::span<const Value> values, std::string* out) {
  out->clear();
  if (columns_.empty()) return RecordKind::kNull;
  if (unwrapped_) {
    if (values[0].is_null()) return RecordKind::kNull;
    AppendJsonValue(values[0], columns_[0].type, out);
    return RecordKind::kPresent;
  }
  out->push_back('{');
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(columns_[i].name, out);
    out->push_back(':');
    AppendJsonValue(values[i], columns_[i].type, out);
  }
  out->push_back('}');
  return RecordKind::kPresent;
}

std::unique_ptr<Format> MakeJsonFormat(std::vector<Column> columns, const ParsedOptions& opts) {
  return std::make_unique<JsonFormat>(std::move(columns), opts);
}

}  // namespace skein::serde::internal
