#include "row_codec.h"

#include <cstring>

#include "value_codec.h"

namespace skein::runtime::internal {

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

bool GetByte(std::string_view* in, uint8_t* b) {
  if (in->empty()) return false;
  *b = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  return true;
}

}  // namespace

// Values use the aggregate state's self-describing encoding (value_codec.h): one value codec
// for every store.
void AppendValue(std::string* out, const Value& v) { EncodeValue(v, out); }

bool ConsumeValue(std::string_view* in, Value* v) { return DecodeValue(in, v); }

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
