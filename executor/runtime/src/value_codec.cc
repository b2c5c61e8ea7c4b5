#include "value_codec.h"

#include <cstring>
#include <vector>

namespace skein::runtime::internal {

using types::TypeKind;
using types::Value;

namespace {

void PutU64(uint64_t v, std::string* out) {
  char b[8];
  for (int i = 7; i >= 0; --i) {
    b[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(b, 8);
}

bool GetU64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  uint64_t r = 0;
  for (int i = 0; i < 8; ++i) r = (r << 8) | static_cast<unsigned char>((*in)[i]);
  in->remove_prefix(8);
  *v = r;
  return true;
}

void PutLen(size_t n, std::string* out) {
  // Varint: most lengths fit in one byte.
  while (n >= 0x80) {
    out->push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out->push_back(static_cast<char>(n));
}

bool GetLen(std::string_view* in, size_t* n) {
  size_t r = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in->empty()) return false;
    const auto b = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    r |= static_cast<size_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *n = r;
      return true;
    }
  }
  return false;
}

}  // namespace

void EncodeValue(const Value& v, std::string* out) {
  out->push_back(static_cast<char>(v.kind()));
  switch (v.kind()) {
    case TypeKind::kNull:
      return;
    case TypeKind::kBoolean:
      out->push_back(v.boolean() ? 1 : 0);
      return;
    case TypeKind::kInteger:
      PutU64(static_cast<uint64_t>(static_cast<int64_t>(v.integer())), out);
      return;
    case TypeKind::kBigint:
      PutU64(static_cast<uint64_t>(v.bigint()), out);
      return;
    case TypeKind::kTimestamp:
      PutU64(static_cast<uint64_t>(v.timestamp()), out);
      return;
    case TypeKind::kDate:
      PutU64(static_cast<uint64_t>(static_cast<int64_t>(v.date())), out);
      return;
    case TypeKind::kTime:
      PutU64(static_cast<uint64_t>(static_cast<int64_t>(v.time())), out);
      return;
    case TypeKind::kDouble: {
      uint64_t bits = 0;
      const double d = v.dbl();
      std::memcpy(&bits, &d, sizeof bits);
      PutU64(bits, out);
      return;
    }
    case TypeKind::kDecimal: {
      const auto u = static_cast<unsigned __int128>(v.decimal_unscaled());
      out->push_back(static_cast<char>(v.decimal_scale()));
      PutU64(static_cast<uint64_t>(u >> 64), out);
      PutU64(static_cast<uint64_t>(u), out);
      return;
    }
    case TypeKind::kString:
    case TypeKind::kBytes:
      PutLen(v.str().size(), out);
      out->append(v.str());
      return;
    case TypeKind::kArray:
    case TypeKind::kMap:
    case TypeKind::kStruct: {
      auto items = v.items();
      PutLen(items.size(), out);
      for (const Value& i : items) EncodeValue(i, out);
      return;
    }
  }
}

std::string EncodeValue(const Value& v) {
  std::string out;
  EncodeValue(v, &out);
  return out;
}

bool DecodeValue(std::string_view* in, Value* out) {
  if (in->empty()) return false;
  const auto kind = static_cast<TypeKind>(static_cast<unsigned char>(in->front()));
  in->remove_prefix(1);
  uint64_t u = 0;
  switch (kind) {
    case TypeKind::kNull:
      *out = Value::Null();
      return true;
    case TypeKind::kBoolean:
      if (in->empty()) return false;
      *out = Value::Boolean(in->front() != 0);
      in->remove_prefix(1);
      return true;
    case TypeKind::kInteger:
      if (!GetU64(in, &u)) return false;
      *out = Value::Integer(static_cast<int32_t>(static_cast<int64_t>(u)));
      return true;
    case TypeKind::kBigint:
      if (!GetU64(in, &u)) return false;
      *out = Value::Bigint(static_cast<int64_t>(u));
      return true;
    case TypeKind::kTimestamp:
      if (!GetU64(in, &u)) return false;
      *out = Value::Timestamp(static_cast<int64_t>(u));
      return true;
    case TypeKind::kDate:
      if (!GetU64(in, &u)) return false;
      *out = Value::Date(static_cast<int32_t>(static_cast<int64_t>(u)));
      return true;
    case TypeKind::kTime:
      if (!GetU64(in, &u)) return false;
      *out = Value::Time(static_cast<int32_t>(static_cast<int64_t>(u)));
      return true;
    case TypeKind::kDouble: {
      if (!GetU64(in, &u)) return false;
      double d = 0;
      std::memcpy(&d, &u, sizeof d);
      *out = Value::Double(d);
      return true;
    }
    case TypeKind::kDecimal: {
      if (in->empty()) return false;
      const int scale = static_cast<unsigned char>(in->front());
      in->remove_prefix(1);
      uint64_t hi = 0, lo = 0;
      if (scale > 38 || !GetU64(in, &hi) || !GetU64(in, &lo)) return false;
      const auto x = (static_cast<unsigned __int128>(hi) << 64) | lo;
      *out = Value::Decimal(static_cast<types::Int128>(x), scale);
      return true;
    }
    case TypeKind::kString:
    case TypeKind::kBytes: {
      size_t n = 0;
      if (!GetLen(in, &n) || in->size() < n) return false;
      std::string s(in->substr(0, n));
      in->remove_prefix(n);
      *out = kind == TypeKind::kString ? Value::String(std::move(s)) : Value::Bytes(std::move(s));
      return true;
    }
    case TypeKind::kArray:
    case TypeKind::kMap:
    case TypeKind::kStruct: {
      size_t n = 0;
      if (!GetLen(in, &n) || n > in->size()) return false;  // every item takes >= 1 byte
      if (kind == TypeKind::kMap && n % 2 != 0) return false;
      std::vector<Value> items(n);
      for (auto& i : items) {
        if (!DecodeValue(in, &i)) return false;
      }
      if (kind == TypeKind::kArray) {
        *out = Value::Array(std::move(items));
      } else if (kind == TypeKind::kMap) {
        *out = Value::MapInterleaved(std::move(items));
      } else {
        *out = Value::Struct(std::move(items));
      }
      return true;
    }
  }
  return false;
}

}  // namespace skein::runtime::internal
