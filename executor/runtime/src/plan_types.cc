#include "skein/runtime/plan_types.h"

#include "absl/strings/str_cat.h"
#include "skein/common/status.h"
#include "skein/types/decimal.h"

namespace skein::runtime {

using types::SqlType;
using types::TypeKind;
using types::Value;

int RowSchema::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<types::Column> RowSchema::SerdeColumns(ColumnKind kind) const {
  std::vector<types::Column> out;
  for (const RowColumn& c : columns) {
    if (c.kind != kind) continue;
    out.push_back(types::Column{
        c.name, c.type,
        kind == ColumnKind::kKey ? types::ColumnNamespace::kKey : types::ColumnNamespace::kValue});
  }
  return out;
}

std::vector<int> RowSchema::IndexesOf(ColumnKind kind) const {
  std::vector<int> out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].kind == kind) out.push_back(static_cast<int>(i));
  }
  return out;
}

absl::StatusOr<SqlType> FromProto(const skein::v1::SqlType& type) {
  switch (type.kind()) {
    case skein::v1::TYPE_KIND_BOOLEAN:
      return SqlType::Boolean();
    case skein::v1::TYPE_KIND_INTEGER:
      return SqlType::Integer();
    case skein::v1::TYPE_KIND_BIGINT:
      return SqlType::Bigint();
    case skein::v1::TYPE_KIND_DOUBLE:
      return SqlType::Double();
    case skein::v1::TYPE_KIND_DECIMAL:
      SKEIN_RETURN_IF_ERROR(types::ValidateDecimal(type.precision(), type.scale()));
      return SqlType::Decimal(type.precision(), type.scale());
    case skein::v1::TYPE_KIND_STRING:
      return SqlType::String();
    case skein::v1::TYPE_KIND_BYTES:
      return SqlType::Bytes();
    case skein::v1::TYPE_KIND_TIMESTAMP:
      return SqlType::Timestamp();
    case skein::v1::TYPE_KIND_DATE:
      return SqlType::Date();
    case skein::v1::TYPE_KIND_TIME:
      return SqlType::Time();
    case skein::v1::TYPE_KIND_ARRAY: {
      if (type.children_size() != 1) {
        return absl::InvalidArgumentError("plan: ARRAY type needs one child");
      }
      SKEIN_ASSIGN_OR_RETURN(SqlType element, FromProto(type.children(0)));
      return SqlType::Array(element);
    }
    case skein::v1::TYPE_KIND_MAP: {
      if (type.children_size() != 2) {
        return absl::InvalidArgumentError("plan: MAP type needs two children");
      }
      SKEIN_ASSIGN_OR_RETURN(SqlType key, FromProto(type.children(0)));
      SKEIN_ASSIGN_OR_RETURN(SqlType value, FromProto(type.children(1)));
      return SqlType::Map(key, value);
    }
    case skein::v1::TYPE_KIND_STRUCT: {
      std::vector<std::pair<std::string, SqlType>> fields;
      for (const auto& f : type.fields()) {
        SKEIN_ASSIGN_OR_RETURN(SqlType ft, FromProto(f.type()));
        fields.emplace_back(f.name(), std::move(ft));
      }
      return SqlType::Struct(fields);
    }
    default:
      // An untyped NULL literal: any type will do, the value is always NULL.
      return absl::InvalidArgumentError("plan: unspecified type");
  }
}

skein::v1::SqlType ToProto(const SqlType& type) {
  skein::v1::SqlType out;
  switch (type.kind()) {
    case TypeKind::kBoolean:
      out.set_kind(skein::v1::TYPE_KIND_BOOLEAN);
      break;
    case TypeKind::kInteger:
      out.set_kind(skein::v1::TYPE_KIND_INTEGER);
      break;
    case TypeKind::kBigint:
      out.set_kind(skein::v1::TYPE_KIND_BIGINT);
      break;
    case TypeKind::kDouble:
      out.set_kind(skein::v1::TYPE_KIND_DOUBLE);
      break;
    case TypeKind::kDecimal:
      out.set_kind(skein::v1::TYPE_KIND_DECIMAL);
      out.set_precision(type.precision());
      out.set_scale(type.scale());
      break;
    case TypeKind::kString:
      out.set_kind(skein::v1::TYPE_KIND_STRING);
      break;
    case TypeKind::kBytes:
      out.set_kind(skein::v1::TYPE_KIND_BYTES);
      break;
    case TypeKind::kTimestamp:
      out.set_kind(skein::v1::TYPE_KIND_TIMESTAMP);
      break;
    case TypeKind::kDate:
      out.set_kind(skein::v1::TYPE_KIND_DATE);
      break;
    case TypeKind::kTime:
      out.set_kind(skein::v1::TYPE_KIND_TIME);
      break;
    case TypeKind::kArray:
      out.set_kind(skein::v1::TYPE_KIND_ARRAY);
      *out.add_children() = ToProto(type.element());
      break;
    case TypeKind::kMap:
      out.set_kind(skein::v1::TYPE_KIND_MAP);
      *out.add_children() = ToProto(type.key());
      *out.add_children() = ToProto(type.value());
      break;
    case TypeKind::kStruct:
      out.set_kind(skein::v1::TYPE_KIND_STRUCT);
      for (size_t i = 0; i < type.num_fields(); ++i) {
        auto* f = out.add_fields();
        f->set_name(type.field_name(i));
        *f->mutable_type() = ToProto(type.field_type(i));
      }
      break;
    case TypeKind::kNull:
      break;
  }
  return out;
}

absl::StatusOr<RowSchema> FromProto(const skein::v1::Schema& schema) {
  RowSchema out;
  for (const auto& c : schema.columns()) {
    RowColumn col;
    col.name = c.name();
    SKEIN_ASSIGN_OR_RETURN(col.type, FromProto(c.type()));
    switch (c.namespace_()) {
      case skein::v1::COLUMN_NAMESPACE_KEY:
        col.kind = ColumnKind::kKey;
        break;
      case skein::v1::COLUMN_NAMESPACE_HEADER:
        col.kind = ColumnKind::kHeader;
        break;
      case skein::v1::COLUMN_NAMESPACE_PSEUDO:
        col.kind = ColumnKind::kPseudo;
        break;
      default:
        col.kind = ColumnKind::kValue;
        break;
    }
    col.header_key = c.header_key();
    out.columns.push_back(std::move(col));
  }
  return out;
}

absl::StatusOr<Value> LiteralValue(const skein::v1::Literal& literal, const SqlType& type) {
  using L = skein::v1::Literal;
  switch (literal.value_case()) {
    case L::kBoolValue:
      return Value::Boolean(literal.bool_value());
    case L::kIntValue:
      return Value::Integer(literal.int_value());
    case L::kBigintValue:
      return Value::Bigint(literal.bigint_value());
    case L::kDoubleValue:
      return Value::Double(literal.double_value());
    case L::kDecimalValue: {
      if (type.kind() != TypeKind::kDecimal) {
        return absl::InvalidArgumentError("plan: decimal literal without a DECIMAL type");
      }
      SKEIN_ASSIGN_OR_RETURN(types::Int128 unscaled,
                             types::ParseDecimal(literal.decimal_value(), type.precision(),
                                                 type.scale(), types::Rounding::kHalfUp));
      return Value::Decimal(unscaled, type.scale());
    }
    case L::kStringValue:
      return Value::String(literal.string_value());
    case L::kBytesValue:
      return Value::Bytes(literal.bytes_value());
    case L::kTimestampValue:
      return Value::Timestamp(literal.timestamp_value());
    case L::kDateValue:
      return Value::Date(literal.date_value());
    case L::kTimeValue:
      return Value::Time(literal.time_value());
    case L::kNullValue:
    case L::VALUE_NOT_SET:
      return Value::Null();
  }
  return Value::Null();
}

}  // namespace skein::runtime
