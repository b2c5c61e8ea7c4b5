#pragma once

// Run-time SQL values for the data path.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "skein/types/decimal.h"
#include "skein/types/sql_type.h"

namespace skein::types {

class Value;

// Children of an ARRAY, MAP or STRUCT value. ARRAY: the elements. STRUCT: one value per field
// of the struct type, in field order. MAP: keys and values interleaved (k0, v0, k1, v1, ...)
// in insertion order, which is the order ksqlDB writes maps back out in.
struct CompoundValue {
  std::vector<Value> items;
};

// One SQL value, or NULL. 40 bytes, no heap allocation for BOOLEAN/INTEGER/BIGINT/DOUBLE/
// DECIMAL/TIMESTAMP/DATE/TIME nor for STRING/BYTES up to 15 bytes (std::string's inline
// buffer). Compound values share an immutable CompoundValue, so copying a row is cheap.
// A Value does not carry its full SqlType (decimal scale excepted): the schema does.
// Threading: a Value is a plain value type; compound children are immutable and may be shared.
class Value {
 public:
  Value() = default;  // NULL

  static Value Null() { return Value(); }
  static Value Boolean(bool b) { return Value(TypeKind::kBoolean, b); }
  static Value Integer(int32_t i) { return Value(TypeKind::kInteger, i); }
  static Value Bigint(int64_t l) { return Value(TypeKind::kBigint, l); }
  static Value Double(double d) { return Value(TypeKind::kDouble, d); }
  // An unscaled value with its scale (0..38); the precision lives in the SqlType.
  static Value Decimal(Int128 unscaled, int scale);
  static Value String(std::string s) { return Value(TypeKind::kString, std::move(s)); }
  static Value String(std::string_view s) { return Value(TypeKind::kString, std::string(s)); }
  static Value String(const char* s) { return String(std::string_view(s)); }
  static Value Bytes(std::string b) { return Value(TypeKind::kBytes, std::move(b)); }
  static Value Timestamp(int64_t ms) { return Value(TypeKind::kTimestamp, ms); }
  static Value Date(int32_t days) { return Value(TypeKind::kDate, static_cast<int64_t>(days)); }
  static Value Time(int32_t ms_of_day) {
    return Value(TypeKind::kTime, static_cast<int64_t>(ms_of_day));
  }
  static Value Array(std::vector<Value> elements);
  static Value Struct(std::vector<Value> fields_in_type_order);
  // Keys and values interleaved: k0, v0, k1, v1, ... (SKEIN_CHECK: even size).
  static Value MapInterleaved(std::vector<Value> keys_and_values);
  static Value Map(std::vector<std::pair<Value, Value>> entries);

  TypeKind kind() const { return kind_; }
  bool is_null() const { return kind_ == TypeKind::kNull; }

  // Accessors: the caller knows the kind from the schema; calling the wrong one is a bug.
  bool boolean() const { return std::get<bool>(data_); }
  int32_t integer() const { return std::get<int32_t>(data_); }
  int64_t bigint() const { return std::get<int64_t>(data_); }
  double dbl() const { return std::get<double>(data_); }
  Int128 decimal_unscaled() const;
  int decimal_scale() const { return scale_; }
  const std::string& str() const { return std::get<std::string>(data_); }  // STRING or BYTES
  int64_t timestamp() const { return std::get<int64_t>(data_); }
  int32_t date() const { return static_cast<int32_t>(std::get<int64_t>(data_)); }
  int32_t time() const { return static_cast<int32_t>(std::get<int64_t>(data_)); }
  // ARRAY elements, STRUCT fields, or MAP interleaved keys/values.
  std::span<const Value> items() const;
  size_t map_size() const { return items().size() / 2; }
  const Value& map_key(size_t i) const { return items()[2 * i]; }
  const Value& map_value(size_t i) const { return items()[2 * i + 1]; }

  // Numeric value widened to double (INTEGER, BIGINT, DOUBLE, DECIMAL); 0 otherwise.
  double AsDouble() const;

  // Total order used for GROUP BY keys, MIN/MAX and sorted state: NULL first, then by kind,
  // then by value (DOUBLE: -0.0 == 0.0, NaN greatest; DECIMAL: numerically across scales;
  // STRING/BYTES: bytewise; compound: lexicographic).
  static int Compare(const Value& a, const Value& b);
  friend bool operator==(const Value& a, const Value& b) { return Compare(a, b) == 0; }
  friend bool operator!=(const Value& a, const Value& b) { return Compare(a, b) != 0; }
  friend bool operator<(const Value& a, const Value& b) { return Compare(a, b) < 0; }

  // Consistent with operator== (decimals hash by numeric value, so 1.0 and 1.00 collide).
  size_t Hash() const;
  template <typename H>
  friend H AbslHashValue(H h, const Value& v) {
    return H::combine(std::move(h), v.Hash());
  }

  // Debug text, not a SQL format: NULL, true, 12, 1.5, 1.50 (decimal), 'text', b64'...',
  // TIMESTAMP(ms), DATE(days), TIME(ms), [..], {k=v, ..}, Struct{..}.
  std::string ToDebugString() const;

 private:
  struct Int128Parts {
    uint64_t lo;
    int64_t hi;
  };
  using Compound = std::shared_ptr<const CompoundValue>;
  using Data = std::variant<std::monostate, bool, int32_t, int64_t, double, Int128Parts,
                            std::string, Compound>;

  template <typename T>
  Value(TypeKind kind, T&& v) : data_(std::forward<T>(v)), kind_(kind) {}

  Data data_;
  TypeKind kind_ = TypeKind::kNull;
  uint8_t scale_ = 0;  // DECIMAL only
};

// Hash functor for containers keyed by Value (or use absl::Hash<Value>).
struct ValueHash {
  size_t operator()(const Value& v) const { return v.Hash(); }
};

}  // namespace skein::types
