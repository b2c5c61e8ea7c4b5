// AVRO format over the Avro C library, Confluent wire format, schemas from a SchemaRegistry.

#include <avro.h>

#include <map>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "avro_validate.h"
#include "internal.h"
#include "skein/common/status.h"
#include "skein/serde/avro_schema.h"
#include "skein/serde/schema_registry.h"
#include "skein/types/cast.h"

namespace skein::serde::internal {
namespace {

using types::Int128;
using types::SqlType;
using types::TypeKind;

absl::Status AvroError(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("AVRO: ", Sv(what), ": ", avro_strerror()));
}

// Owns one parsed schema with a reusable generic value of it (Avro C objects are refcounted
// C structs; this releases them in the right order).
class AvroValueHolder {
 public:
  ~AvroValueHolder() {
    if (value_ready_) avro_value_decref(&value_);
    if (iface_ != nullptr) avro_value_iface_decref(iface_);
    if (schema_ != nullptr) avro_schema_decref(schema_);
  }

  absl::Status Init(std::string_view json) {
    if (avro_schema_from_json_length(json.data(), json.size(), &schema_) != 0) {
      schema_ = nullptr;
      return AvroError("invalid schema");
    }
    iface_ = avro_generic_class_from_schema(schema_);
    if (iface_ == nullptr) return AvroError("unsupported schema");
    if (avro_generic_value_new(iface_, &value_) != 0) return AvroError("cannot create value");
    value_ready_ = true;
    return absl::OkStatus();
  }

  avro_value_t* value() { return &value_; }
  avro_schema_t schema() const { return schema_; }

 private:
  avro_schema_t schema_ = nullptr;
  avro_value_iface_t* iface_ = nullptr;
  avro_value_t value_{};
  bool value_ready_ = false;
};

// Two's-complement big-endian bytes <-> unscaled decimal, as Avro's decimal logical type.
bool BytesToInt128(const uint8_t* b, size_t n, Int128* out) {
  if (n == 0) {
    *out = 0;
    return true;
  }
  if (n > 16) return false;
  auto v = static_cast<unsigned __int128>((b[0] & 0x80) ? ~static_cast<unsigned __int128>(0) : 0);
  for (size_t i = 0; i < n; ++i) v = (v << 8) | b[i];
  // -2^127 has no magnitude in Int128 (and is far beyond DECIMAL's 38 digits anyway).
  if (v == static_cast<unsigned __int128>(1) << 127) return false;
  *out = static_cast<Int128>(v);
  return true;
}

void Int128ToBytes(Int128 v, std::string* out) {
  out->clear();
  auto u = static_cast<unsigned __int128>(v);
  unsigned char buf[16];
  for (int i = 15; i >= 0; --i) {
    buf[i] = static_cast<unsigned char>(u & 0xff);
    u >>= 8;
  }
  // Drop redundant sign bytes, keeping the sign bit right.
  int start = 0;
  while (start < 15 && ((buf[start] == 0x00 && !(buf[start + 1] & 0x80)) ||
                        (buf[start] == 0xff && (buf[start + 1] & 0x80)))) {
    ++start;
  }
  out->assign(reinterpret_cast<const char*>(buf + start), static_cast<size_t>(16 - start));
}

absl::Status FromAvro(avro_value_t* v, const SqlType& type, std::string_view col, Value* out);

absl::Status Mismatch(avro_type_t got, const SqlType& type, std::string_view col) {
  return absl::InvalidArgumentError(absl::StrCat("AVRO: column ", Sv(col),
                                                 ": cannot read Avro type ", static_cast<int>(got),
                                                 " as ", type.ToString()));
}

absl::Status RecordToValues(avro_value_t* rec, size_t n, const std::vector<std::string>& names,
                            const std::vector<SqlType>& types, Value* out) {
  size_t count = 0;
  if (avro_value_get_size(rec, &count) != 0) return AvroError("bad record");
  for (size_t i = 0; i < count; ++i) {
    avro_value_t child;
    const char* name = nullptr;
    if (avro_value_get_by_index(rec, i, &child, &name) != 0) return AvroError("bad record");
    std::string_view field = name != nullptr ? std::string_view(name) : std::string_view();
    int match = -1;
    for (size_t c = 0; c < n && match < 0; ++c) {
      if (names[c] == field) match = static_cast<int>(c);
    }
    for (size_t c = 0; c < n && match < 0; ++c) {
      if (absl::EqualsIgnoreCase(Sv(names[c]), Sv(field))) match = static_cast<int>(c);
    }
    if (match < 0) continue;
    auto m = static_cast<size_t>(match);
    SKEIN_RETURN_IF_ERROR(FromAvro(&child, types[m], names[m], &out[m]));
  }
  return absl::OkStatus();
}

absl::Status FromAvro(avro_value_t* v, const SqlType& type, std::string_view col, Value* out) {
  avro_type_t at = avro_value_get_type(v);
  switch (at) {
    case AVRO_UNION: {
      avro_value_t branch;
      if (avro_value_get_current_branch(v, &branch) != 0) return AvroError("bad union");
      return FromAvro(&branch, type, col, out);
    }
    case AVRO_NULL:
      *out = Value::Null();
      return absl::OkStatus();
    case AVRO_BOOLEAN: {
      int b = 0;
      avro_value_get_boolean(v, &b);
      if (type.kind() != TypeKind::kBoolean) return Mismatch(at, type, col);
      *out = Value::Boolean(b != 0);
      return absl::OkStatus();
    }
    case AVRO_INT32:
    case AVRO_INT64: {
      int64_t l = 0;
      if (at == AVRO_INT32) {
        int32_t i = 0;
        avro_value_get_int(v, &i);
        l = i;
      } else {
        avro_value_get_long(v, &l);
      }
      switch (type.kind()) {
        case TypeKind::kDate:
          *out = Value::Date(static_cast<int32_t>(l));
          return absl::OkStatus();
        case TypeKind::kTime:
          *out = Value::Time(static_cast<int32_t>(l));
          return absl::OkStatus();
        case TypeKind::kTimestamp:
          *out = Value::Timestamp(l);
          return absl::OkStatus();
        default:
          break;
      }
      if (!type.IsNumeric() && type.kind() != TypeKind::kString) return Mismatch(at, type, col);
      auto r = types::CastValue(Value::Bigint(l), SqlType::Bigint(), type);
      if (!r.ok())
        return absl::InvalidArgumentError(
            absl::StrCat("AVRO: column ", Sv(col), ": ", r.status().message()));
      *out = *std::move(r);
      return absl::OkStatus();
    }
    case AVRO_FLOAT:
    case AVRO_DOUBLE: {
      double d = 0;
      if (at == AVRO_FLOAT) {
        float f = 0;
        avro_value_get_float(v, &f);
        d = f;
      } else {
        avro_value_get_double(v, &d);
      }
      if (!type.IsNumeric()) return Mismatch(at, type, col);
      auto r = types::CastValue(Value::Double(d), SqlType::Double(), type);
      if (!r.ok())
        return absl::InvalidArgumentError(
            absl::StrCat("AVRO: column ", Sv(col), ": ", r.status().message()));
      *out = *std::move(r);
      return absl::OkStatus();
    }
    case AVRO_STRING:
    case AVRO_ENUM: {
      std::string_view s;
      if (at == AVRO_STRING) {
        const char* str = nullptr;
        size_t size = 0;
        avro_value_get_string(v, &str, &size);
        s = std::string_view(str, size > 0 ? size - 1 : 0);  // Avro C counts the NUL
      } else {
        int sym = 0;
        avro_value_get_enum(v, &sym);
        const char* name = avro_schema_enum_get(avro_value_get_schema(v), sym);
        s = name != nullptr ? std::string_view(name) : std::string_view();
      }
      if (type.kind() != TypeKind::kString) return Mismatch(at, type, col);
      *out = Value::String(s);
      return absl::OkStatus();
    }
    case AVRO_BYTES:
    case AVRO_FIXED: {
      const void* buf = nullptr;
      size_t size = 0;
      if (at == AVRO_BYTES) {
        avro_value_get_bytes(v, &buf, &size);
      } else {
        avro_value_get_fixed(v, &buf, &size);
      }
      if (type.kind() == TypeKind::kBytes) {
        *out = Value::Bytes(std::string(static_cast<const char*>(buf), size));
        return absl::OkStatus();
      }
      if (type.kind() == TypeKind::kDecimal) {
        Int128 u = 0;
        if (!BytesToInt128(static_cast<const uint8_t*>(buf), size, &u) ||
            (u != 0 && types::DigitCount(u) > type.precision())) {
          return absl::InvalidArgumentError(
              absl::StrCat("AVRO: column ", Sv(col), ": decimal does not fit ", type.ToString()));
        }
        *out = Value::Decimal(u, type.scale());
        return absl::OkStatus();
      }
      return Mismatch(at, type, col);
    }
    case AVRO_ARRAY: {
      if (type.kind() != TypeKind::kArray) return Mismatch(at, type, col);
      size_t n = 0;
      avro_value_get_size(v, &n);
      std::vector<Value> items(n);
      for (size_t i = 0; i < n; ++i) {
        avro_value_t child;
        if (avro_value_get_by_index(v, i, &child, nullptr) != 0) return AvroError("bad array");
        SKEIN_RETURN_IF_ERROR(FromAvro(&child, type.element(), col, &items[i]));
      }
      *out = Value::Array(std::move(items));
      return absl::OkStatus();
    }
    case AVRO_MAP: {
      if (type.kind() != TypeKind::kMap) return Mismatch(at, type, col);
      size_t n = 0;
      avro_value_get_size(v, &n);
      std::vector<Value> items(2 * n);
      for (size_t i = 0; i < n; ++i) {
        avro_value_t child;
        const char* key = nullptr;
        if (avro_value_get_by_index(v, i, &child, &key) != 0) return AvroError("bad map");
        items[2 * i] = Value::String(key != nullptr ? std::string_view(key) : std::string_view());
        SKEIN_RETURN_IF_ERROR(FromAvro(&child, type.value(), col, &items[2 * i + 1]));
      }
      *out = Value::MapInterleaved(std::move(items));
      return absl::OkStatus();
    }
    case AVRO_RECORD: {
      if (type.kind() != TypeKind::kStruct) return Mismatch(at, type, col);
      std::vector<std::string> names;
      std::vector<SqlType> field_types;
      for (size_t i = 0; i < type.num_fields(); ++i) {
        names.push_back(type.field_name(i));
        field_types.push_back(type.field_type(i));
      }
      std::vector<Value> fields(type.num_fields());
      SKEIN_RETURN_IF_ERROR(RecordToValues(v, fields.size(), names, field_types, fields.data()));
      *out = Value::Struct(std::move(fields));
      return absl::OkStatus();
    }
    default:
      return Mismatch(at, type, col);
  }
}

absl::Status ToAvro(const Value& v, const SqlType& type, avro_value_t* out, std::string* scratch);

// Sets an optional (["null", T]) Avro value.
absl::Status ToAvroOptional(const Value& v, const SqlType& type, avro_value_t* u,
                            std::string* scratch) {
  avro_value_t branch;
  if (v.is_null()) {
    if (avro_value_set_branch(u, 0, &branch) != 0) return AvroError("set null branch");
    avro_value_set_null(&branch);
    return absl::OkStatus();
  }
  if (avro_value_set_branch(u, 1, &branch) != 0) return AvroError("set branch");
  return ToAvro(v, type, &branch, scratch);
}

absl::Status ToAvro(const Value& v, const SqlType& type, avro_value_t* out, std::string* scratch) {
  int rc = 0;
  switch (type.kind()) {
    case TypeKind::kBoolean:
      rc = avro_value_set_boolean(out, v.boolean() ? 1 : 0);
      break;
    case TypeKind::kInteger:
      rc = avro_value_set_int(out, v.integer());
      break;
    case TypeKind::kBigint:
      rc = avro_value_set_long(out, v.bigint());
      break;
    case TypeKind::kTimestamp:
      rc = avro_value_set_long(out, v.timestamp());
      break;
    case TypeKind::kDate:
      rc = avro_value_set_int(out, v.date());
      break;
    case TypeKind::kTime:
      rc = avro_value_set_int(out, v.time());
      break;
    case TypeKind::kDouble:
      rc = avro_value_set_double(out, v.dbl());
      break;
    case TypeKind::kString:
      rc = avro_value_set_string_len(out, v.str().c_str(), v.str().size() + 1);
      break;
    case TypeKind::kBytes:
      rc = avro_value_set_bytes(out, const_cast<char*>(v.str().data()), v.str().size());
      break;
    case TypeKind::kDecimal: {
      Int128 u = v.decimal_unscaled();
      if (v.decimal_scale() != type.scale()) {
        SKEIN_ASSIGN_OR_RETURN(u, types::RescaleDecimal(u, v.decimal_scale(), type.precision(),
                                                        type.scale(), types::Rounding::kHalfUp));
      }
      Int128ToBytes(u, scratch);
      rc = avro_value_set_bytes(out, scratch->data(), scratch->size());
      break;
    }
    case TypeKind::kArray:
      for (const Value& e : v.items()) {
        avro_value_t child;
        if (avro_value_append(out, &child, nullptr) != 0) return AvroError("array append");
        SKEIN_RETURN_IF_ERROR(ToAvroOptional(e, type.element(), &child, scratch));
      }
      break;
    case TypeKind::kMap:
      for (size_t i = 0; i < v.map_size(); ++i) {
        avro_value_t child;
        std::string key = types::CastToString(v.map_key(i), type.key());
        if (avro_value_add(out, key.c_str(), &child, nullptr, nullptr) != 0) {
          return AvroError("map add");
        }
        SKEIN_RETURN_IF_ERROR(ToAvroOptional(v.map_value(i), type.value(), &child, scratch));
      }
      break;
    case TypeKind::kStruct:
      for (size_t i = 0; i < type.num_fields(); ++i) {
        avro_value_t child;
        if (avro_value_get_by_index(out, i, &child, nullptr) != 0) return AvroError("field");
        Value field = i < v.items().size() ? v.items()[i] : Value();
        SKEIN_RETURN_IF_ERROR(ToAvroOptional(field, type.field_type(i), &child, scratch));
      }
      break;
    case TypeKind::kNull:
      break;
  }
  if (rc != 0) return AvroError("set value");
  return absl::OkStatus();
}

// AVRO bound to columns. Encoding writes our generated schema (registered once at creation)
// in the Confluent wire format. Decoding reads with the *writer's* schema fetched by id and
// cached, then matches record fields to columns by name (exact, then case-insensitive) and
// coerces numbers, so records from other producers with extra or reordered fields decode.
// Threading: one thread at a time (Avro C values and readers are reused).
class AvroFormat final : public Format {
 public:
  AvroFormat(std::vector<Column> columns, bool unwrapped, SchemaRegistry* registry)
      : Format(std::move(columns)), unwrapped_(unwrapped), registry_(registry) {
    for (const Column& c : columns_) {
      names_.push_back(c.name);
      types_.push_back(c.type);
    }
  }
  ~AvroFormat() override {
    if (reader_ != nullptr) avro_reader_free(reader_);
    if (writer_ != nullptr) avro_writer_free(writer_);
  }

  absl::Status Init(std::string_view schema_json, int32_t schema_id) {
    schema_id_ = schema_id;
    SKEIN_RETURN_IF_ERROR(own_.Init(schema_json));
    reader_ = avro_reader_memory(nullptr, 0);
    writer_ = avro_writer_memory(nullptr, 0);
    if (reader_ == nullptr || writer_ == nullptr) return AvroError("cannot create reader");
    return absl::OkStatus();
  }

  std::string_view name() const override { return "AVRO"; }

  absl::StatusOr<RecordKind> Decode(std::optional<std::string_view> bytes,
                                    std::span<Value> out) override {
    for (size_t i = 0; i < columns_.size(); ++i) out[i] = Value::Null();
    if (!bytes) return RecordKind::kNull;
    if (columns_.empty()) return RecordKind::kPresent;
    int32_t id = 0;
    std::string_view payload;
    SKEIN_RETURN_IF_ERROR(ParseConfluentHeader(*bytes, &id, &payload));
    SKEIN_ASSIGN_OR_RETURN(AvroValueHolder * writer, WriterSchema(id));
    avro_value_t* v = writer->value();
    // Avro C trusts length prefixes (allocating before reading): check them first.
    SKEIN_RETURN_IF_ERROR(ValidateAvroBinary(writer->schema(), payload));
    avro_value_reset(v);
    avro_reader_memory_set_source(reader_, payload.data(), static_cast<int64_t>(payload.size()));
    if (avro_value_read(reader_, v) != 0) return AvroError("malformed record");
    if (unwrapped_) {
      SKEIN_RETURN_IF_ERROR(FromAvro(v, types_[0], names_[0], &out[0]));
      return RecordKind::kPresent;
    }
    avro_value_t rec = *v;
    if (avro_value_get_type(&rec) == AVRO_UNION) {
      if (avro_value_get_current_branch(v, &rec) != 0) return AvroError("bad union");
    }
    if (avro_value_get_type(&rec) == AVRO_NULL) return RecordKind::kNull;
    if (avro_value_get_type(&rec) != AVRO_RECORD) {
      return absl::InvalidArgumentError("AVRO: expected a record for a wrapped schema");
    }
    SKEIN_RETURN_IF_ERROR(RecordToValues(&rec, columns_.size(), names_, types_, out.data()));
    return RecordKind::kPresent;
  }

  absl::StatusOr<RecordKind> Encode(std::span<const Value> values, std::string* out) override {
    out->clear();
    if (columns_.empty()) return RecordKind::kNull;
    avro_value_t* v = own_.value();
    avro_value_reset(v);
    if (unwrapped_) {
      if (values[0].is_null()) return RecordKind::kNull;
      SKEIN_RETURN_IF_ERROR(ToAvroOptional(values[0], types_[0], v, &scratch_));
    } else {
      for (size_t i = 0; i < columns_.size(); ++i) {
        avro_value_t field;
        if (avro_value_get_by_index(v, i, &field, nullptr) != 0) return AvroError("field");
        SKEIN_RETURN_IF_ERROR(ToAvroOptional(values[i], types_[i], &field, &scratch_));
      }
    }
    size_t size = 0;
    if (avro_value_sizeof(v, &size) != 0) return AvroError("sizeof");
    AppendConfluentHeader(schema_id_, out);
    out->resize(5 + size);
    avro_writer_memory_set_dest(writer_, out->data() + 5, static_cast<int64_t>(size));
    if (avro_value_write(writer_, v) != 0) return AvroError("write");
    return RecordKind::kPresent;
  }

 private:
  absl::StatusOr<AvroValueHolder*> WriterSchema(int32_t id) {
    auto it = writers_.find(id);
    if (it != writers_.end()) return it->second.get();
    auto text = registry_->GetById(id);
    if (!text.ok()) {
      // An unknown id is the record's fault; an unreachable registry is not.
      if (text.status().code() == absl::StatusCode::kNotFound) {
        return absl::InvalidArgumentError(absl::StrCat("AVRO: ", text.status().message()));
      }
      return text.status();
    }
    auto holder = std::make_unique<AvroValueHolder>();
    SKEIN_RETURN_IF_ERROR(holder->Init(*text));
    AvroValueHolder* raw = holder.get();
    writers_.emplace(id, std::move(holder));
    return raw;
  }

  bool unwrapped_;
  SchemaRegistry* registry_;
  int32_t schema_id_ = 0;
  std::vector<std::string> names_;
  std::vector<SqlType> types_;
  AvroValueHolder own_;
  std::map<int32_t, std::unique_ptr<AvroValueHolder>> writers_;
  avro_reader_t reader_ = nullptr;
  avro_writer_t writer_ = nullptr;
  std::string scratch_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Format>> MakeAvroFormat(std::vector<Column> columns,
                                                       const ParsedOptions& opts,
                                                       const FormatOptions& options) {
  SchemaRegistry* registry =
      options.schema_registry != nullptr ? options.schema_registry : DefaultSchemaRegistry();
  if (registry == nullptr) {
    return absl::InvalidArgumentError("AVRO needs a schema registry: configure its URL");
  }
  bool unwrapped = columns.size() == 1 && (opts.is_key || !opts.wrap_single_value);
  std::string full_name =
      opts.full_schema_name.empty() ? std::string(kDefaultAvroSchemaName) : opts.full_schema_name;
  SKEIN_ASSIGN_OR_RETURN(std::string schema, AvroSchemaJson(columns, unwrapped, full_name));
  SKEIN_ASSIGN_OR_RETURN(int32_t id, registry->Register(options.subject, schema));
  auto format = std::make_unique<AvroFormat>(std::move(columns), unwrapped, registry);
  SKEIN_RETURN_IF_ERROR(format->Init(schema, id));
  return std::unique_ptr<Format>(std::move(format));
}

}  // namespace skein::serde::internal
