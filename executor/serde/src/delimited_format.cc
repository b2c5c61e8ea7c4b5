#include "absl/strings/str_cat.h"
#include "internal.h"
#include "skein/common/status.h"
#include "skein/types/cast.h"
#include "skein/types/text.h"

namespace skein::serde::internal {
namespace {

using types::SqlType;
using types::TypeKind;

// One field of a delimited record: a view into the input when unquoted, or into the format's
// scratch buffer when quoted (doubled quotes had to be collapsed).
struct Field {
  std::string_view text;
  bool quoted = false;
};

// DELIMITED: RFC 4180-style CSV with a configurable single-character delimiter, '"' quoting
// and "" as an escaped quote inside quotes. An empty unquoted field is NULL. The number of
// fields must equal the number of columns. Only primitive column types (MakeFormat checks).
// Threading: one thread at a time (scratch buffers).
class DelimitedFormat final : public Format {
 public:
  DelimitedFormat(std::vector<Column> columns, char delimiter)
      : Format(std::move(columns)), delimiter_(delimiter) {}

  std::string_view name() const override { return "DELIMITED"; }

  absl::StatusOr<RecordKind> Decode(std::optional<std::string_view> bytes,
                                    std::span<Value> out) override {
    for (size_t i = 0; i < columns_.size(); ++i) out[i] = Value::Null();
    if (!bytes) return RecordKind::kNull;
    if (columns_.empty()) return RecordKind::kPresent;
    SKEIN_RETURN_IF_ERROR(Split(*bytes));
    if (fields_.size() != columns_.size()) {
      return absl::InvalidArgumentError(absl::StrCat("DELIMITED: column count mismatch: expected ",
                                                     columns_.size(), " columns but got ",
                                                     fields_.size()));
    }
    for (size_t i = 0; i < columns_.size(); ++i) {
      SKEIN_RETURN_IF_ERROR(ParseField(fields_[i], columns_[i], &out[i]));
    }
    return RecordKind::kPresent;
  }

  absl::StatusOr<RecordKind> Encode(std::span<const Value> values, std::string* out) override {
    out->clear();
    if (columns_.empty()) return RecordKind::kNull;
    if (columns_.size() == 1 && values[0].is_null()) return RecordKind::kNull;
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) out->push_back(delimiter_);
      const Value& v = values[i];
      if (v.is_null()) continue;
      scratch_.clear();
      switch (columns_[i].type.kind()) {
        case TypeKind::kBytes:
          AppendBase64(v.str(), &scratch_);
          break;
        case TypeKind::kTimestamp:
          absl::StrAppend(&scratch_, v.timestamp());
          break;
        case TypeKind::kDate:
          absl::StrAppend(&scratch_, v.date());
          break;
        case TypeKind::kTime:
          absl::StrAppend(&scratch_, v.time());
          break;
        default:
          types::AppendCastString(v, columns_[i].type, &scratch_);
      }
      AppendQuotedIfNeeded(scratch_, i == 0, out);
    }
    return RecordKind::kPresent;
  }

 private:
  // Splits `in` into fields_. INVALID_ARGUMENT on an unterminated quote or text after a
  // closing quote.
  absl::Status Split(std::string_view in) {
    fields_.clear();
    unquoted_.clear();
    // Reserve so views into unquoted_ stay valid while we append.
    unquoted_.reserve(in.size());
    size_t pos = 0;
    while (true) {
      if (pos < in.size() && in[pos] == '"') {
        size_t start = unquoted_.size();
        ++pos;
        bool closed = false;
        while (pos < in.size()) {
          if (in[pos] == '"') {
            if (pos + 1 < in.size() && in[pos + 1] == '"') {
              unquoted_.push_back('"');
              pos += 2;
              continue;
            }
            closed = true;
            ++pos;
            break;
          }
          unquoted_.push_back(in[pos++]);
        }
        if (!closed) {
          return absl::InvalidArgumentError(
              absl::StrCat("DELIMITED: unterminated quoted field ", fields_.size() + 1));
        }
        fields_.push_back({std::string_view(unquoted_).substr(start), true});
        if (pos < in.size() && in[pos] != delimiter_) {
          return absl::InvalidArgumentError(
              absl::StrCat("DELIMITED: unexpected character after closing quote at offset ", pos));
        }
      } else {
        size_t end = in.find(delimiter_, pos);
        if (end == std::string_view::npos) end = in.size();
        fields_.push_back({in.substr(pos, end - pos), false});
        pos = end;
      }
      if (pos >= in.size()) break;
      ++pos;  // skip the delimiter; a trailing delimiter yields a final empty field
      if (pos == in.size()) {
        fields_.push_back({std::string_view(), false});
        break;
      }
    }
    return absl::OkStatus();
  }

  absl::Status ParseField(const Field& f, const Column& col, Value* out) const {
    const SqlType& type = col.type;
    if (f.text.empty() && (!f.quoted || type.kind() != TypeKind::kString)) {
      *out = Value::Null();
      return absl::OkStatus();
    }
    absl::StatusOr<Value> v;
    switch (type.kind()) {
      case TypeKind::kString:
        *out = Value::String(f.text);
        return absl::OkStatus();
      case TypeKind::kBytes: {
        std::string bytes;
        if (!DecodeBase64(f.text, &bytes)) {
          return absl::InvalidArgumentError(
              absl::StrCat("DELIMITED: invalid base64 for BYTES column ", col.name));
        }
        *out = Value::Bytes(std::move(bytes));
        return absl::OkStatus();
      }
      case TypeKind::kTimestamp: {
        auto ms = types::ParseBigint(f.text);
        if (!ms.ok()) return Bad(ms.status(), col);
        *out = Value::Timestamp(*ms);
        return absl::OkStatus();
      }
      case TypeKind::kDate: {
        auto d = types::ParseInteger(f.text);
        if (!d.ok()) return Bad(d.status(), col);
        *out = Value::Date(*d);
        return absl::OkStatus();
      }
      case TypeKind::kTime: {
        auto t = types::ParseInteger(f.text);
        if (!t.ok()) return Bad(t.status(), col);
        *out = Value::Time(*t);
        return absl::OkStatus();
      }
      case TypeKind::kDecimal: {
        auto u = types::ParseDecimal(f.text, type.precision(), type.scale(),
                                     types::Rounding::kUnnecessary);
        if (!u.ok()) return Bad(u.status(), col);
        *out = Value::Decimal(*u, type.scale());
        return absl::OkStatus();
      }
      default:
        v = types::CastValue(Value::String(f.text), SqlType::String(), type);
    }
    if (!v.ok()) return Bad(v.status(), col);
    *out = *std::move(v);
    return absl::OkStatus();
  }

  static absl::Status Bad(const absl::Status& s, const Column& col) {
    return absl::InvalidArgumentError(
        absl::StrCat("DELIMITED: column ", col.name, ": ", s.message()));
  }

  // Commons CSV's MINIMAL quoting, which ksqlDB uses: quote when the text holds the delimiter,
  // a quote or a line break, starts or ends with a blank, starts with '#', or is empty in the
  // first position (so an empty string is not read back as NULL there).
  void AppendQuotedIfNeeded(std::string_view s, bool first, std::string* out) const {
    bool quote = s.empty() ? first : false;
    if (!s.empty()) {
      auto front = static_cast<unsigned char>(s.front());
      auto back = static_cast<unsigned char>(s.back());
      quote = front <= ' ' || front == '#' || back <= ' ';
      for (char c : s) {
        if (c == delimiter_ || c == '"' || c == '\n' || c == '\r') {
          quote = true;
          break;
        }
      }
    }
    if (!quote) {
      out->append(s);
      return;
    }
    out->push_back('"');
    for (char c : s) {
      if (c == '"') out->push_back('"');
      out->push_back(c);
    }
    out->push_back('"');
  }

  char delimiter_;
  std::vector<Field> fields_;
  std::string unquoted_;
  std::string scratch_;
};

}  // namespace

std::unique_ptr<Format> MakeDelimitedFormat(std::vector<Column> columns,
                                            const ParsedOptions& opts) {
  return std::make_unique<DelimitedFormat>(std::move(columns), opts.delimiter);
}

}  // namespace skein::serde::internal
