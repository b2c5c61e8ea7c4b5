#pragma once

// The SQL type system shared by the compiler (coordinator) and the data plane (executor).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace skein::types {

// Kind of a SQL type or of a run-time Value. kNull exists only for Value (an untyped SQL NULL);
// a SqlType never has kind kNull.
enum class TypeKind : uint8_t {
  kNull = 0,
  kBoolean,
  kInteger,  // 32-bit signed
  kBigint,   // 64-bit signed
  kDouble,
  kDecimal,  // DECIMAL(precision, scale), precision <= 38
  kString,
  kBytes,
  kTimestamp,  // milliseconds since the Unix epoch, UTC
  kDate,       // days since the Unix epoch
  kTime,       // milliseconds of the day
  kArray,
  kMap,
  kStruct,
};

// ksqlDB's name for a kind as printed in types and error messages ("INTEGER", "ARRAY", ...).
std::string_view TypeKindName(TypeKind kind);

class SqlType;

// One field of a STRUCT type. Names are case-sensitive (the parser upper-cases unquoted names).
struct StructField {
  std::string name;
  std::shared_ptr<const struct TypeNode> type;
};

// Immutable node behind a SqlType. Internal representation; use SqlType's accessors.
struct TypeNode {
  TypeKind kind = TypeKind::kBoolean;
  int precision = 0;  // DECIMAL only
  int scale = 0;      // DECIMAL only
  // ARRAY: children[0] = element. MAP: children[0] = key, children[1] = value.
  std::vector<std::shared_ptr<const TypeNode>> children;
  std::vector<StructField> fields;  // STRUCT only, in declaration order
};

// A SQL type: a cheap handle (one shared_ptr copy) to an immutable tree of nodes, so plans,
// schemas and operators can share types freely across threads without copying.
// Primitive types are process-wide singletons. A default-constructed SqlType is BOOLEAN; use
// the factories.
// Threading: immutable, safe to share between threads.
class SqlType {
 public:
  SqlType();

  static SqlType Boolean();
  static SqlType Integer();
  static SqlType Bigint();
  static SqlType Double();
  static SqlType String();
  static SqlType Bytes();
  static SqlType Timestamp();
  static SqlType Date();
  static SqlType Time();
  // Precision 1..38, 0 <= scale <= precision; the caller validates user input with
  // ValidateDecimal() first (SKEIN_CHECKed here).
  static SqlType Decimal(int precision, int scale);
  static SqlType Array(const SqlType& element);
  static SqlType Map(const SqlType& key, const SqlType& value);
  static SqlType Struct(const std::vector<std::pair<std::string, SqlType>>& fields);
  // Primitive types from kind (not DECIMAL/ARRAY/MAP/STRUCT/NULL): SKEIN_CHECK on misuse.
  static SqlType Primitive(TypeKind kind);

  TypeKind kind() const { return node_->kind; }
  bool IsNumeric() const;    // INTEGER, BIGINT, DECIMAL, DOUBLE
  bool IsPrimitive() const;  // not ARRAY/MAP/STRUCT
  int precision() const { return node_->precision; }
  int scale() const { return node_->scale; }
  // ARRAY element, MAP key/value. Only valid for the matching kind.
  SqlType element() const { return SqlType(node_->children[0]); }
  SqlType key() const { return SqlType(node_->children[0]); }
  SqlType value() const { return SqlType(node_->children[1]); }
  // STRUCT fields.
  size_t num_fields() const { return node_->fields.size(); }
  const std::string& field_name(size_t i) const { return node_->fields[i].name; }
  SqlType field_type(size_t i) const { return SqlType(node_->fields[i].type); }
  // Index of a STRUCT field by exact name, or -1.
  int FieldIndex(std::string_view name) const;

  // True if this type, or any type nested in it, is a MAP.
  bool ContainsMap() const;

  // ksqlDB's canonical text: INTEGER, DECIMAL(4, 2), ARRAY<STRING>, MAP<STRING, INTEGER>,
  // STRUCT<`A` INTEGER, `B` STRING> (struct field names always back-quoted, as ksqlDB prints
  // them in DESCRIBE and error messages; an empty struct prints as "STRUCT< >" so it re-parses).
  std::string ToString() const;

  friend bool operator==(const SqlType& a, const SqlType& b);
  friend bool operator!=(const SqlType& a, const SqlType& b) { return !(a == b); }

  const TypeNode& node() const { return *node_; }
  explicit SqlType(std::shared_ptr<const TypeNode> node) : node_(std::move(node)) {}

 private:
  std::shared_ptr<const TypeNode> node_;
};

// Checks DECIMAL(precision, scale) bounds; INVALID_ARGUMENT with ksqlDB-like wording.
absl::Status ValidateDecimal(int precision, int scale);

// Largest DECIMAL precision (digits that fit an __int128 unscaled value).
inline constexpr int kMaxDecimalPrecision = 38;

}  // namespace skein::types
