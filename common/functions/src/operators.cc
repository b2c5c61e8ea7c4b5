#include "skein/functions/operators.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "skein/types/cast.h"

namespace skein::functions {

using types::SqlType;
using types::TypeKind;

std::string_view ArithmeticOpName(ArithmeticOp op) {
  switch (op) {
    case ArithmeticOp::kAdd:
      return "ADD";
    case ArithmeticOp::kSubtract:
      return "SUBTRACT";
    case ArithmeticOp::kMultiply:
      return "MULTIPLY";
    case ArithmeticOp::kDivide:
      return "DIVIDE";
    case ArithmeticOp::kModulus:
      return "MODULUS";
  }
  return "?";
}

SqlType DecimalArithmeticType(ArithmeticOp op, const SqlType& a, const SqlType& b) {
  const int p1 = a.precision(), s1 = a.scale(), p2 = b.precision(), s2 = b.scale();
  int precision = 0, scale = 0;
  switch (op) {
    case ArithmeticOp::kAdd:
    case ArithmeticOp::kSubtract:
      scale = std::max(s1, s2);
      precision = std::max(p1 - s1, p2 - s2) + scale + 1;
      break;
    case ArithmeticOp::kMultiply:
      precision = p1 + p2 + 1;
      scale = s1 + s2;
      break;
    case ArithmeticOp::kDivide:
      scale = std::max(6, s1 + p2 + 1);
      precision = p1 - s1 + s2 + scale;
      break;
    case ArithmeticOp::kModulus:
      scale = std::max(s1, s2);
      precision = std::min(p1 - s1, p2 - s2) + scale;
      break;
  }
  // Past 38 digits ksqlDB keeps the integer digits and gives up fractional ones.
  if (precision > types::kMaxDecimalPrecision) {
    const int integer_digits = precision - scale;
    precision = types::kMaxDecimalPrecision;
    scale = std::max(0, precision - integer_digits);
  }
  precision = std::max(precision, 1);
  scale = std::min(scale, precision);
  return SqlType::Decimal(precision, scale);
}

absl::StatusOr<SqlType> ArithmeticResultType(ArithmeticOp op, const std::optional<SqlType>& a,
                                             const std::optional<SqlType>& b) {
  if (!a && !b) return SqlType::Integer();  // NULL + NULL: ksqlDB types it as INTEGER
  const SqlType left = a ? *a : *b;
  const SqlType right = b ? *b : *a;
  if (op == ArithmeticOp::kAdd && left.kind() == TypeKind::kString &&
      right.kind() == TypeKind::kString) {
    return SqlType::String();
  }
  if (!left.IsNumeric() || !right.IsNumeric()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Unsupported arithmetic types. ", std::string(types::TypeKindName(left.kind())), " ",
        std::string(types::TypeKindName(right.kind()))));
  }
  if (left.kind() == TypeKind::kDouble || right.kind() == TypeKind::kDouble) {
    return SqlType::Double();
  }
  if (left.kind() == TypeKind::kDecimal || right.kind() == TypeKind::kDecimal) {
    return DecimalArithmeticType(op, *types::AsDecimalType(left), *types::AsDecimalType(right));
  }
  if (left.kind() == TypeKind::kBigint || right.kind() == TypeKind::kBigint) {
    return SqlType::Bigint();
  }
  return SqlType::Integer();
}

std::string_view ComparisonOpName(ComparisonOp op) {
  switch (op) {
    case ComparisonOp::kEqual:
      return "EQUAL";
    case ComparisonOp::kNotEqual:
      return "NOT_EQUAL";
    case ComparisonOp::kLess:
      return "LESS_THAN";
    case ComparisonOp::kLessOrEqual:
      return "LESS_THAN_OR_EQUAL";
    case ComparisonOp::kGreater:
      return "GREATER_THAN";
    case ComparisonOp::kGreaterOrEqual:
      return "GREATER_THAN_OR_EQUAL";
    case ComparisonOp::kIsDistinct:
      return "IS_DISTINCT_FROM";
  }
  return "?";
}

namespace {
bool IsTemporal(TypeKind k) {
  return k == TypeKind::kTimestamp || k == TypeKind::kDate || k == TypeKind::kTime;
}
bool IsEquality(ComparisonOp op) {
  return op == ComparisonOp::kEqual || op == ComparisonOp::kNotEqual ||
         op == ComparisonOp::kIsDistinct;
}
}  // namespace

std::optional<SqlType> ComparisonType(ComparisonOp op, const SqlType& a, const SqlType& b) {
  if (a.IsNumeric() && b.IsNumeric()) return types::WiderNumericType(a, b);
  const TypeKind ka = a.kind(), kb = b.kind();
  if (ka == TypeKind::kString && kb == TypeKind::kString) return a;
  if (ka == TypeKind::kBytes && kb == TypeKind::kBytes) return a;
  if (ka == TypeKind::kBoolean && kb == TypeKind::kBoolean) return a;
  if (IsTemporal(ka) && kb == TypeKind::kString) return a;
  if (ka == TypeKind::kString && IsTemporal(kb)) return b;
  if (IsTemporal(ka) && IsTemporal(kb)) {
    if (ka == kb) return a;
    // DATE and TIMESTAMP compare as TIMESTAMP; TIME only with TIME.
    if (ka != TypeKind::kTime && kb != TypeKind::kTime) return SqlType::Timestamp();
    return std::nullopt;
  }
  if (!a.IsPrimitive() || !b.IsPrimitive()) {
    if (IsEquality(op) && a == b) return a;
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<SqlType> CommonSuperType(const SqlType& a, const SqlType& b) {
  if (a == b) return a;
  if (a.IsNumeric() && b.IsNumeric()) return types::WiderNumericType(a, b);
  if (a.kind() == TypeKind::kArray && b.kind() == TypeKind::kArray) {
    auto e = CommonSuperType(a.element(), b.element());
    if (!e) return std::nullopt;
    return SqlType::Array(*e);
  }
  if (a.kind() == TypeKind::kMap && b.kind() == TypeKind::kMap) {
    auto k = CommonSuperType(a.key(), b.key());
    auto v = CommonSuperType(a.value(), b.value());
    if (!k || !v) return std::nullopt;
    return SqlType::Map(*k, *v);
  }
  if (a.kind() == TypeKind::kStruct && b.kind() == TypeKind::kStruct &&
      a.num_fields() == b.num_fields()) {
    // Field-wise, for structs with the same field names in the same order.
    std::vector<std::pair<std::string, SqlType>> fields;
    for (size_t i = 0; i < a.num_fields(); ++i) {
      if (a.field_name(i) != b.field_name(i)) return std::nullopt;
      auto f = CommonSuperType(a.field_type(i), b.field_type(i));
      if (!f) return std::nullopt;
      fields.emplace_back(a.field_name(i), *f);
    }
    return SqlType::Struct(fields);
  }
  return std::nullopt;
}

}  // namespace skein::functions
