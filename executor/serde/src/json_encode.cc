#include <cmath>

#include "absl/strings/str_cat.h"
#include "json_format.h"
#include "skein/types/cast.h"
#include "skein/types/text.h"

namespace skein::serde::internal {

using types::SqlType;
using types::TypeKind;

void AppendJsonValue(const Value& v, const SqlType& type, std::string* out) {
  if (v.is_null()) {
    out->append("null");
    return;
  }
  switch (type.kind()) {
    case TypeKind::kBoolean:
      out->append(v.boolean() ? "true" : "false");
      return;
    case TypeKind::kInteger:
      absl::StrAppend(out, v.integer());
      return;
    case TypeKind::kBigint:
    case TypeKind::kTimestamp:
      absl::StrAppend(out, v.bigint());
      return;
    case TypeKind::kDate:
      absl::StrAppend(out, v.date());
      return;
    case TypeKind::kTime:
      absl::StrAppend(out, v.time());
      return;
    case TypeKind::kDouble: {
      double d = v.dbl();
      // Jackson quotes non-finite numbers by default (QUOTE_NON_NUMERIC_NUMBERS).
      if (!std::isfinite(d)) {
        out->push_back('"');
        types::AppendDoubleJava(d, out);
        out->push_back('"');
      } else {
        types::AppendDoubleJava(d, out);
      }
      return;
    }
    case TypeKind::kDecimal:
      types::AppendDecimal(v.decimal_unscaled(), v.decimal_scale(), out);
      return;
    case TypeKind::kString:
      AppendJsonString(v.str(), out);
      return;
    case TypeKind::kBytes:
      out->push_back('"');
      AppendBase64(v.str(), out);
      out->push_back('"');
      return;
    case TypeKind::kArray: {
      out->push_back('[');
      SqlType element = type.element();
      bool first = true;
      for (const Value& e : v.items()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonValue(e, element, out);
      }
      out->push_back(']');
      return;
    }
    case TypeKind::kMap: {
      out->push_back('{');
      SqlType key_type = type.key(), value_type = type.value();
      for (size_t i = 0; i < v.map_size(); ++i) {
        if (i > 0) out->push_back(',');
        const Value& k = v.map_key(i);
        if (k.kind() == TypeKind::kString) {
          AppendJsonString(k.str(), out);
        } else {
          AppendJsonString(types::CastToString(k, key_type), out);
        }
        out->push_back(':');
        AppendJsonValue(v.map_value(i), value_type, out);
      }
      out->push_back('}');
      return;
    }
    case TypeKind::kStruct: {
      out->push_back('{');
      auto items = v.items();
      for (size_t i = 0; i < type.num_fields(); ++i) {
        if (i > 0) out->push_back(',');
        AppendJsonString(type.field_name(i), out);
        out->push_back(':');
        if (i < items.size()) {
          AppendJsonValue(items[i], type.field_type(i), out);
        } else {
          out->append("null");
        }
      }
      out->push_back('}');
      return;
    }
    case TypeKind::kNull:
      out->append("null");
      return;
  }
}

}  // namespace skein::serde::internal
