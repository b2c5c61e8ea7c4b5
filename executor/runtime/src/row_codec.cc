#include "row_codec.h"

#include <cstring>

namespace skein::runtime::internal {

using types::TypeKind;
using types::Value;

namespace {

void PutU64(std::string* out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out->append(b, 8);
}

bool GetU64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  uint64_t r = 0;
  for (int i = 0; i < 8; ++i) r |= static_cast<uint64_t>(static_cast<uint8_t>((*in)[i])) << (8 * i);
  in->remove_prefix(8);
  *v = r;
  return true;
}

void PutBytes(std::string* out, std::string_view s) {
  PutU64(out, s.size());
  out->append(s);
}

bool GetBytes(std::string_view* in, std::string* s) {
  uint64_t n = 0;
  if (!GetU64(in, &n) || in->size() < n) return false;
  s->assign(in->data(), n);
  in->remove_prefix(n);
  return true;
}

bool GetByte(std::string_view* in, uint8_t* b) {
  if (in->empty()) return false;
  *b = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  return true;
}

}  // namespace

void AppendValue(std::string* out, const Value& v) {
  out->push_back(static_cast<char>(v.kind()));
  switch (v.kind()) {
    case TypeKind::kNull:
      return;
    case TypeKind::kBoolean:
      out->push_back(v.boolean() ? 1 : 0);
      return;
    case TypeKind::kInteger:
      PutU64(out, static_cast<uint64_t>(static_cast<int64_t>(v.integer())));
      return;
    case TypeKind::kBigint:
      PutU64(out, static_cast<uint64_t>(v.bigint()));
      return;
    case TypeKind::kTimestamp:
      PutU64(out, static_cast<uint64_t>(v.timestamp()));
      return;
    case TypeKind::kDate:
      PutU64(out, static_cast<uint64_t>(static_cast<int64_t>(v.date())));
      return;
    case TypeKind::kTime:
      PutU64(out, static_cast<uint64_t>(static_cast<int64_t>(v.time())));
      return;
    case TypeKind::kDouble: {
      uint64_t bits = 0;
      const double d = v.dbl();
      std::memcpy(&bits, &d, sizeof bits);
      PutU64(out, bits);
      return;
    }
    case TypeKind::kDecimal: {
      const auto u = static_cast<unsigned __int128>(v.decimal_unscaled());
      out->push_back(static_cast<char>(v.decimal_scale()));
      PutU64(out, static_cast<uint64_t>(u));
      PutU64(out, static_cast<uint64_t>(u >> 64));
      return;
    }
    case TypeKind::kString:
    case TypeKind::kBytes:
      PutBytes(out, v.str());
      return;
    case TypeKind::kArray:
    case TypeKind::kMap:
    case TypeKind::kStruct: {
      auto items = v.items();
      PutU64(out, items.size());
      for (const Value& item : items) AppendValue(out, item);
      return;
    }
  }
}

bool ConsumeValue(std::string_view* in, Value* v) {
  uint8_t kind = 0;
  if (!GetByte(in, &kind)) return false;
  uint64_t u = 0;
  switch (static_cast<TypeKind>(kind)) {
    case TypeKind::kNull:
      *v = Value::Null();
      return true;
    case TypeKind::kBoolean: {
      uint8_t b = 0;
      if (!GetByte(in, &b)) return false;
      *v = Value::Boolean(b != 0);
      return true;
    }
    case TypeKind::kInteger:
      if (!GetU64(in, &u)) return false;
      *v = Value::Integer(static_cast<int32_t>(static_cast<int64_t>(u)));
      return true;
    case TypeKind::kBigint:
      if (!GetU64(in, &u)) return false;
      *v = Value::Bigint(static_cast<int64_t>(u));
      return true;
    case TypeKind::kTimestamp:
      if (!GetU64(in, &u)) return false;
      *v = Value::Timestamp(static_cast<int64_t>(u));
      return true;
    case TypeKind::kDate:
      if (!GetU64(in, &u)) return false;
      *v = Value::Date(static_cast<int32_t>(static_cast<int64_t>(u)));
      return true;
    case TypeKind::kTime:
      if (!GetU64(in, &u)) return false;
      *v = Value::Time(static_cast<int32_t>(static_cast<int64_t>(u)));
      return true;
    case TypeKind::kDouble: {
      if (!GetU64(in, &u)) return false;
      double d = 0;
      std::memcpy(&d, &u, sizeof d);
      *v = Value::Double(d);
      return true;
    }
    case TypeKind::kDecimal: {
      uint8_t scale = 0;
      uint64_t lo = 0, hi = 0;
      if (!GetByte(in, &scale) || !GetU64(in, &lo) || !GetU64(in, &hi)) return false;
      const auto un = (static_cast<unsigned __int128>(hi) << 64) | lo;
      *v = Value::Decimal(static_cast<types::Int128>(un), scale);
      return true;
    }
    case TypeKind::kString:
    case TypeKind::kBytes: {
      std::string s;
      if (!GetBytes(in, &s)) return false;
      *v = static_cast<TypeKind>(kind) == TypeKind::kString ? Value::String(std::move(s))
                                                            : Value::Bytes(std::move(s));
      return true;
    }
    case TypeKind::kArray:
    case TypeKind::kMap:
    case TypeKind::kStruct: {
      if (!GetU64(in, &u) || u > in->size()) return false;
      std::vector<Value> items(u);
      for (Value& item : items) {
        if (!ConsumeValue(in, &item)) return false;
      }
      const auto k = static_cast<TypeKind>(kind);
      if (k == TypeKind::kMap) {
        if (items.size() % 2 != 0) return false;
        *v = Value::MapInterleaved(std::move(items));
      } else if (k == TypeKind::kArray) {
        *v = Value::Array(std::move(items));
      } else {
        *v = Value::Struct(std::move(items));
      }
      return true;
    }
  }
  return false;
}

std::string EncodeKey(const Value& key) {
  std::string out;
  AppendValue(&out, key);
  return out;
}

void AppendRow(std::string* out, const RowRecord& row) {
  out->push_back(row.value_null ? 1 : 0);
  PutU64(out, static_cast<uint64_t>(row.timestamp));
  PutU64(out, static_cast<uint64_t>(static_cast<int64_t>(row.partition)));
  PutU64(out, static_cast<uint64_t>(row.offset));
  PutU64(out, row.values.size());
  for (const Value& v : row.values) AppendValue(out, v);
}

bool ConsumeRow(std::string_view* in, RowRecord* row) {
  uint8_t null_flag = 0;
  uint64_t ts = 0, partition = 0, offset = 0, n = 0;
  if (!GetByte(in, &null_flag) || !GetU64(in, &ts) || !GetU64(in, &partition) ||
      !GetU64(in, &offset) || !GetU64(in, &n) || n > in->size()) {
    return false;
  }
  row->value_null = null_flag != 0;
  row->timestamp = static_cast<int64_t>(ts);
  row->partition = static_cast<int32_t>(static_cast<int64_t>(partition));
  row->offset = static_cast<int64_t>(offset);
  row->values.assign(n, Value::Null());
  for (Value& v : row->values) {
    if (!ConsumeValue(in, &v)) return false;
  }
  return true;
}

std::string EncodeRows(const std::vector<RowRecord>& rows) {
  std::string out;
  PutU64(&out, rows.size());
  for (const RowRecord& r : rows) AppendRow(&out, r);
  return out;
}

bool DecodeRows(std::string_view in, std::vector<RowRecord>* rows) {
  uint64_t n = 0;
  if (!GetU64(&in, &n) || n > in.size()) return false;
  rows->clear();
  rows->resize(n);
  for (RowRecord& r : *rows) {
    if (!ConsumeRow(&in, &r)) return false;
  }
  return in.empty();
}

}  // namespace skein::runtime::internal
