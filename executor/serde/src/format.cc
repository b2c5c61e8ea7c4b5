#include "skein/serde/format.h"

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "internal.h"
#include "skein/common/status.h"

namespace skein::serde {
namespace internal {

using types::SqlType;
using types::TypeKind;

std::string ColumnsToString(const std::vector<Column>& columns) {
  std::string out = "[";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ", ";
    absl::StrAppend(&out, "`", columns[i].name, "` ", columns[i].type.ToString());
    if (columns[i].ns == types::ColumnNamespace::kKey) out += " KEY";
  }
  return out + "]";
}

absl::StatusOr<ParsedOptions> ParseOptions(std::string_view format, const FormatOptions& options,
                                           const std::vector<std::string_view>& allowed) {
  ParsedOptions parsed;
  parsed.is_key = options.is_key;
  std::vector<std::string> unsupported;
  for (const auto& [raw_name, value] : options.properties) {
    std::string name = absl::AsciiStrToUpper(raw_name);
    bool ok = false;
    for (std::string_view a : allowed) ok |= a == name;
    if (!ok) {
      unsupported.push_back(absl::AsciiStrToLower(name));
      continue;
    }
    if (name == "WRAP_SINGLE_VALUE") {
      std::string v = absl::AsciiStrToLower(value);
      if (v != "true" && v != "false") {
        return absl::InvalidArgumentError(
            absl::StrCat("WRAP_SINGLE_VALUE must be true or false, got '", value, "'"));
      }
      parsed.wrap_single_value = v == "true";
      parsed.wrap_explicitly_set = true;
    } else if (name == "FULL_SCHEMA_NAME") {
      if (value.empty()) {
        return absl::InvalidArgumentError("FULL_SCHEMA_NAME cannot be empty");
      }
      parsed.full_schema_name = value;
    } else if (name == "DELIMITER" || name == "KEY_DELIMITER" || name == "VALUE_DELIMITER") {
      std::string upper = absl::AsciiStrToUpper(value);
      if (upper == "TAB") {
        parsed.delimiter = '\t';
      } else if (upper == "SPACE") {
        parsed.delimiter = ' ';
      } else if (value.empty() || value == " " || value == "\t") {
        return absl::InvalidArgumentError(absl::StrCat(
            "Configuration ", name,
            " is invalid: Delimiter cannot be empty, if you meant to "
            "have a tab or space for delimiter, please use the special values 'TAB' or "
            "'SPACE'"));
      } else if (value.size() != 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("Configuration ", name, " is invalid: Invalid delimiter value: '", value,
                         "'. Delimiter must be a single character or TAB,SPACE"));
      } else {
        parsed.delimiter = value[0];
      }
    }
  }
  if (!unsupported.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(Sv(format),
                                                   " does not support the following configs: [",
                                                   absl::StrJoin(unsupported, ", "), "]"));
  }
  return parsed;
}

void AppendBase64(std::string_view bytes, std::string* out) {
  out->append(absl::Base64Escape(Sv(bytes)));
}

bool DecodeBase64(std::string_view text, std::string* out) {
  return absl::Base64Unescape(Sv(text), out);
}

namespace {

// KAFKA: Kafka's own primitive serializers. INTEGER is 4 bytes big-endian, BIGINT 8, DOUBLE the
// 8 IEEE-754 bytes big-endian, STRING raw UTF-8, BYTES raw. At most one column.
class KafkaFormat final : public Format {
 public:
  explicit KafkaFormat(std::vector<Column> columns) : Format(std::move(columns)) {}

  std::string_view name() const override { return "KAFKA"; }

  absl::StatusOr<RecordKind> Decode(std::optional<std::string_view> bytes,
                                    std::span<Value> out) override {
    if (columns_.empty()) return RecordKind::kPresent;
    if (!bytes) {
      out[0] = Value::Null();
      return RecordKind::kNull;
    }
    std::string_view b = *bytes;
    switch (columns_[0].type.kind()) {
      case TypeKind::kInteger: {
        if (b.size() != 4) return SizeError(4, b.size());
        out[0] = Value::Integer(static_cast<int32_t>(static_cast<uint32_t>(ReadBe(b))));
        break;
      }
      case TypeKind::kBigint: {
        if (b.size() != 8) return SizeError(8, b.size());
        out[0] = Value::Bigint(static_cast<int64_t>(ReadBe(b)));
        break;
      }
      case TypeKind::kDouble: {
        if (b.size() != 8) return SizeError(8, b.size());
        uint64_t bits = ReadBe(b);
        double d;
        std::memcpy(&d, &bits, sizeof(d));
        out[0] = Value::Double(d);
        break;
      }
      case TypeKind::kString:
        out[0] = Value::String(b);
        break;
      default:  // kBytes; other types are rejected by MakeFormat
        out[0] = Value::Bytes(std::string(b));
        break;
    }
    return RecordKind::kPresent;
  }

  absl::StatusOr<RecordKind> Encode(std::span<const Value> values, std::string* out) override {
    out->clear();
    if (columns_.empty() || values[0].is_null()) return RecordKind::kNull;
    const Value& v = values[0];
    switch (columns_[0].type.kind()) {
      case TypeKind::kInteger:
        WriteBe(static_cast<uint32_t>(v.integer()), 4, out);
        break;
      case TypeKind::kBigint:
        WriteBe(static_cast<uint64_t>(v.bigint()), 8, out);
        break;
      case TypeKind::kDouble: {
        uint64_t bits;
        double d = v.dbl();
        std::memcpy(&bits, &d, sizeof(bits));
        WriteBe(bits, 8, out);
        break;
      }
      default:
        out->append(v.str());
        break;
    }
    return RecordKind::kPresent;
  }

 private:
  static uint64_t ReadBe(std::string_view b) {
    uint64_t v = 0;
    for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
    return v;
  }
  static void WriteBe(uint64_t v, int n, std::string* out) {
    for (int i = n - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  absl::Status SizeError(size_t want, size_t got) const {
    return absl::InvalidArgumentError(absl::StrCat("KAFKA: expected ", want, " bytes for ",
                                                   columns_[0].type.ToString(), " column ",
                                                   columns_[0].name, " but got ", got));
  }
};

// NONE: the record part carries no columns; whatever bytes it has are ignored.
class NoneFormat final : public Format {
 public:
  NoneFormat() : Format({}) {}
  std::string_view name() const override { return "NONE"; }
  absl::StatusOr<RecordKind> Decode(std::optional<std::string_view>, std::span<Value>) override {
    return RecordKind::kPresent;
  }
  absl::StatusOr<RecordKind> Encode(std::span<const Value>, std::string* out) override {
    out->clear();
    return RecordKind::kNull;
  }
};

absl::Status UnsupportedType(std::string_view format, const SqlType& type) {
  return absl::InvalidArgumentError(absl::StrCat("The '", Sv(format),
                                                 "' format does not support type '",
                                                 Sv(types::TypeKindName(type.kind())), "'"));
}

bool HasNonStringMapKey(const SqlType& t) {
  switch (t.kind()) {
    case TypeKind::kMap:
      return t.key().kind() != TypeKind::kString || HasNonStringMapKey(t.value());
    case TypeKind::kArray:
      return HasNonStringMapKey(t.element());
    case TypeKind::kStruct:
      for (size_t i = 0; i < t.num_fields(); ++i) {
        if (HasNonStringMapKey(t.field_type(i))) return true;
      }
      return false;
    default:
      return false;
  }
}

absl::Status RejectTrueWrap(std::string_view format, const ParsedOptions& o) {
  if (o.wrap_explicitly_set && o.wrap_single_value) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Format '", Sv(format), "' does not support 'WRAP_SINGLE_VALUE' set to 'true'."));
  }
  return absl::OkStatus();
}

}  // namespace

std::unique_ptr<Format> MakeKafkaFormat(std::vector<Column> columns) {
  return std::make_unique<KafkaFormat>(std::move(columns));
}

std::unique_ptr<Format> MakeNoneFormat() { return std::make_unique<NoneFormat>(); }

}  // namespace internal

absl::StatusOr<std::unique_ptr<Format>> MakeFormat(std::string_view name,
                                                   const std::vector<Column>& columns,
                                                   const FormatOptions& options) {
  using internal::ParseOptions;
  std::string upper = absl::AsciiStrToUpper(internal::Sv(name));
  if (upper == "JSON") {
    SKEIN_ASSIGN_OR_RETURN(auto opts, ParseOptions("JSON", options, {"WRAP_SINGLE_VALUE"}));
    if (opts.is_key && opts.wrap_explicitly_set) {
      return absl::InvalidArgumentError(
          "WRAP_SINGLE_VALUE applies to values only: a single key column is never wrapped");
    }
    if (!opts.is_key && !opts.wrap_single_value && columns.size() != 1) {
      return absl::InvalidArgumentError(
          "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas");
    }
    for (const Column& c : columns) {
      if (internal::HasNonStringMapKey(c.type)) {
        return absl::InvalidArgumentError("JSON only supports MAP types with STRING keys");
      }
    }
    return internal::MakeJsonFormat(columns, opts);
  }
  if (upper == "DELIMITED") {
    SKEIN_ASSIGN_OR_RETURN(auto opts, ParseOptions("DELIMITED", options,
                                                   {"WRAP_SINGLE_VALUE", "DELIMITER",
                                                    "KEY_DELIMITER", "VALUE_DELIMITER"}));
    SKEIN_RETURN_IF_ERROR(internal::RejectTrueWrap("DELIMITED", opts));
    for (const Column& c : columns) {
      if (!c.type.IsPrimitive()) return internal::UnsupportedType("DELIMITED", c.type);
    }
    return internal::MakeDelimitedFormat(columns, opts);
  }
  if (upper == "KAFKA") {
    SKEIN_ASSIGN_OR_RETURN(auto opts, ParseOptions("KAFKA", options, {"WRAP_SINGLE_VALUE"}));
    SKEIN_RETURN_IF_ERROR(internal::RejectTrueWrap("KAFKA", opts));
    for (const Column& c : columns) {
      switch (c.type.kind()) {
        case types::TypeKind::kInteger:
        case types::TypeKind::kBigint:
        case types::TypeKind::kDouble:
        case types::TypeKind::kString:
        case types::TypeKind::kBytes:
          break;
        default:
          return internal::UnsupportedType("KAFKA", c.type);
      }
    }
    if (columns.size() > 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("The 'KAFKA' format only supports a single field. Got: ",
                       internal::ColumnsToString(columns)));
    }
    return internal::MakeKafkaFormat(columns);
  }
  if (upper == "AVRO") {
    SKEIN_ASSIGN_OR_RETURN(
        auto opts, ParseOptions("AVRO", options, {"WRAP_SINGLE_VALUE", "FULL_SCHEMA_NAME"}));
    if (opts.is_key && opts.wrap_explicitly_set) {
      return absl::InvalidArgumentError(
          "WRAP_SINGLE_VALUE applies to values only: a single key column is never wrapped");
    }
    if (!opts.is_key && !opts.wrap_single_value && columns.size() != 1) {
      return absl::InvalidArgumentError(
          "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas");
    }
    return internal::MakeAvroFormat(columns, opts, options);
  }
  if (upper == "NONE") {
    SKEIN_RETURN_IF_ERROR(ParseOptions("NONE", options, {}).status());
    if (!columns.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("The 'NONE' format can only be used when no columns are defined. Got: ",
                       internal::ColumnsToString(columns)));
    }
    return internal::MakeNoneFormat();
  }
  return absl::InvalidArgumentError(absl::StrCat("Unknown format: ", upper));
}

}  // namespace skein::serde
