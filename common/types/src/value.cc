#include "skein/types/value.h"

#include <cmath>
#include <cstring>

#include "absl/hash/hash.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "skein/common/status.h"
#include "skein/types/text.h"

namespace skein::types {
namespace {

int CompareDouble(double a, double b) {
  // Total order: NaN greatest (equal to itself), -0.0 == 0.0.
  bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

template <typename T>
int Cmp(const T& a, const T& b) {
  if (a < b) return -1;
  if (b < a) return 1;
  return 0;
}

}  // namespace

Value Value::Decimal(Int128 unscaled, int scale) {
  SKEIN_CHECK(scale >= 0 && scale <= kMaxDecimalPrecision);
  auto u = static_cast<unsigned __int128>(unscaled);
  Value v(TypeKind::kDecimal, Int128Parts{static_cast<uint64_t>(u), static_cast<int64_t>(u >> 64)});
  v.scale_ = static_cast<uint8_t>(scale);
  return v;
}

Value Value::Array(std::vector<Value> elements) {
  return Value(TypeKind::kArray,
               Compound(std::make_shared<const CompoundValue>(CompoundValue{std::move(elements)})));
}

Value Value::Struct(std::vector<Value> fields) {
  return Value(TypeKind::kStruct,
               Compound(std::make_shared<const CompoundValue>(CompoundValue{std::move(fields)})));
}

Value Value::MapInterleaved(std::vector<Value> keys_and_values) {
  SKEIN_CHECK(keys_and_values.size() % 2 == 0);
  return Value(
      TypeKind::kMap,
      Compound(std::make_shared<const CompoundValue>(CompoundValue{std::move(keys_and_values)})));
}

Value Value::Map(std::vector<std::pair<Value, Value>> entries) {
  std::vector<Value> items;
  items.reserve(entries.size() * 2);
  for (auto& [k, v] : entries) {
    items.push_back(std::move(k));
    items.push_back(std::move(v));
  }
  return MapInterleaved(std::move(items));
}

Int128 Value::decimal_unscaled() const {
  const auto& p = std::get<Int128Parts>(data_);
  auto u = (static_cast<unsigned __int128>(static_cast<uint64_t>(p.hi)) << 64) | p.lo;
  return static_cast<Int128>(u);
}

std::span<const Value> Value::items() const {
  const auto& c = std::get<Compound>(data_);
  return std::span<const Value>(c->items.data(), c->items.size());
}

double Value::AsDouble() const {
  switch (kind_) {
    case TypeKind::kInteger:
      return integer();
    case TypeKind::kBigint:
      return static_cast<double>(bigint());
    case TypeKind::kDouble:
      return dbl();
    case TypeKind::kDecimal:
      return DecimalToDouble(decimal_unscaled(), scale_);
    default:
      return 0;
  }
}

int Value::Compare(const Value& a, const Value& b) {
  if (a.kind_ != b.kind_) return Cmp(static_cast<int>(a.kind_), static_cast<int>(b.kind_));
  switch (a.kind_) {
    case TypeKind::kNull:
      return 0;
    case TypeKind::kBoolean:
      return Cmp(a.boolean(), b.boolean());
    case TypeKind::kInteger:
      return Cmp(a.integer(), b.integer());
    case TypeKind::kBigint:
    case TypeKind::kTimestamp:
    case TypeKind::kDate:
    case TypeKind::kTime:
      return Cmp(std::get<int64_t>(a.data_), std::get<int64_t>(b.data_));
    case TypeKind::kDouble:
      return CompareDouble(a.dbl(), b.dbl());
    case TypeKind::kDecimal:
      return CompareDecimal(a.decimal_unscaled(), a.scale_, b.decimal_unscaled(), b.scale_);
    case TypeKind::kString:
    case TypeKind::kBytes: {
      int c = a.str().compare(b.str());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case TypeKind::kArray:
    case TypeKind::kMap:
    case TypeKind::kStruct: {
      auto ai = a.items(), bi = b.items();
      size_t n = std::min(ai.size(), bi.size());
      for (size_t i = 0; i < n; ++i) {
        int c = Compare(ai[i], bi[i]);
        if (c != 0) return c;
      }
      return Cmp(ai.size(), bi.size());
    }
  }
  return 0;
}

size_t Value::Hash() const {
  size_t kind_hash = static_cast<size_t>(kind_) * 0x9E3779B97F4A7C15ULL;
  switch (kind_) {
    case TypeKind::kNull:
      return kind_hash;
    case TypeKind::kBoolean:
      return absl::HashOf(kind_hash, boolean());
    case TypeKind::kInteger:
      return absl::HashOf(kind_hash, integer());
    case TypeKind::kBigint:
    case TypeKind::kTimestamp:
    case TypeKind::kDate:
    case TypeKind::kTime:
      return absl::HashOf(kind_hash, std::get<int64_t>(data_));
    case TypeKind::kDouble: {
      double d = dbl();
      if (d == 0) d = 0;  // -0.0 and 0.0 are equal
      if (std::isnan(d)) return absl::HashOf(kind_hash, 1);
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof(bits));
      return absl::HashOf(kind_hash, bits);
    }
    case TypeKind::kDecimal: {
      // Strip trailing zeros so numerically equal decimals of different scales collide.
      Int128 u = decimal_unscaled();
      int s = scale_;
      while (s > 0 && u % 10 == 0) {
        u /= 10;
        --s;
      }
      auto bits = static_cast<unsigned __int128>(u);
      return absl::HashOf(kind_hash, static_cast<uint64_t>(bits), static_cast<uint64_t>(bits >> 64),
                          s);
    }
    case TypeKind::kString:
    case TypeKind::kBytes:
      return absl::HashOf(kind_hash, str());
    case TypeKind::kArray:
    case TypeKind::kMap:
    case TypeKind::kStruct: {
      size_t h = kind_hash;
      for (const Value& v : items()) h = absl::HashOf(h, v.Hash());
      return h;
    }
  }
  return kind_hash;
}

std::string Value::ToDebugString() const {
  switch (kind_) {
    case TypeKind::kNull:
      return "NULL";
    case TypeKind::kBoolean:
      return boolean() ? "true" : "false";
    case TypeKind::kInteger:
      return absl::StrCat(integer());
    case TypeKind::kBigint:
      return absl::StrCat(bigint());
    case TypeKind::kDouble:
      return FormatDoubleJava(dbl());
    case TypeKind::kDecimal:
      return FormatDecimal(decimal_unscaled(), scale_);
    case TypeKind::kString:
      return absl::StrCat("'", str(), "'");
    case TypeKind::kBytes:
      return absl::StrCat("b64'", absl::Base64Escape(str()), "'");
    case TypeKind::kTimestamp:
      return absl::StrCat("TIMESTAMP(", FormatTimestamp(timestamp()), ")");
    case TypeKind::kDate:
      return absl::StrCat("DATE(", FormatDate(date()), ")");
    case TypeKind::kTime:
      return absl::StrCat("TIME(", FormatTime(time()), ")");
    case TypeKind::kArray: {
      std::string out = "[";
      bool first = true;
      for (const Value& v : items()) {
        if (!first) out += ", ";
        first = false;
        out += v.ToDebugString();
      }
      return out + "]";
    }
    case TypeKind::kMap: {
      std::string out = "{";
      for (size_t i = 0; i < map_size(); ++i) {
        if (i > 0) out += ", ";
        absl::StrAppend(&out, map_key(i).ToDebugString(), "=", map_value(i).ToDebugString());
      }
      return out + "}";
    }
    case TypeKind::kStruct: {
      std::string out = "Struct{";
      bool first = true;
      for (const Value& v : items()) {
        if (!first) out += ", ";
        first = false;
        out += v.ToDebugString();
      }
      return out + "}";
    }
  }
  return "?";
}

}  // namespace skein::types
