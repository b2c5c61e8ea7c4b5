#include "avro_validate.h"

#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace skein::serde::internal {
namespace {

absl::Status Malformed(std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("AVRO: malformed record: ", absl::string_view(why.data(), why.size())));
}

// Cursor over the payload; every read checks the remaining length first.
class Walker {
 public:
  explicit Walker(std::string_view data) : data_(data) {}

  absl::Status Datum(avro_schema_t schema, int depth) {
    if (depth > kMaxAvroDepth) return Malformed("nested too deeply");
    while (is_avro_link(schema)) schema = avro_schema_link_target(schema);
    if (schema == nullptr) return Malformed("unresolved schema reference");
    switch (avro_typeof(schema)) {
      case AVRO_NULL:
        return absl::OkStatus();
      case AVRO_BOOLEAN:
        return Skip(1);
      case AVRO_INT32:
      case AVRO_INT64: {
        int64_t unused = 0;
        return Long(&unused);
      }
      case AVRO_FLOAT:
        return Skip(4);
      case AVRO_DOUBLE:
        return Skip(8);
      case AVRO_STRING:
      case AVRO_BYTES: {
        int64_t len = 0;
        if (absl::Status s = Long(&len); !s.ok()) return s;
        if (len < 0) return Malformed("negative length");
        return Skip(len);
      }
      case AVRO_FIXED:
        return Skip(avro_schema_fixed_size(schema));
      case AVRO_ENUM: {
        int64_t symbol = 0;
        if (absl::Status s = Long(&symbol); !s.ok()) return s;
        if (symbol < 0 || symbol >= avro_schema_enum_number_of_symbols(schema)) {
          return Malformed("enum symbol out of range");
        }
        return absl::OkStatus();
      }
      case AVRO_UNION: {
        int64_t branch = 0;
        if (absl::Status s = Long(&branch); !s.ok()) return s;
        if (branch < 0 || static_cast<uint64_t>(branch) >= avro_schema_union_size(schema)) {
          return Malformed("union branch out of range");
        }
        return Datum(avro_schema_union_branch(schema, static_cast<int>(branch)), depth + 1);
      }
      case AVRO_RECORD: {
        size_t n = avro_schema_record_size(schema);
        for (size_t i = 0; i < n; ++i) {
          avro_schema_t field = avro_schema_record_field_get_by_index(schema, static_cast<int>(i));
          if (absl::Status s = Datum(field, depth + 1); !s.ok()) return s;
        }
        return absl::OkStatus();
      }
      case AVRO_ARRAY:
        return Blocks(avro_schema_array_items(schema), /*map=*/false, depth);
      case AVRO_MAP:
        return Blocks(avro_schema_map_values(schema), /*map=*/true, depth);
      default:
        return Malformed("unsupported schema type");
    }
  }

 private:
  // Arrays and maps: blocks of `count` items (a negative count is followed by the block's byte
  // size), ended by a zero count. Map items are a string key and a value.
  absl::Status Blocks(avro_schema_t items, bool map, int depth) {
    while (true) {
      int64_t count = 0;
      if (absl::Status s = Long(&count); !s.ok()) return s;
      if (count == 0) return absl::OkStatus();
      if (count < 0) {
        if (count == INT64_MIN) return Malformed("bad block count");
        count = -count;
        int64_t block_bytes = 0;
        if (absl::Status s = Long(&block_bytes); !s.ok()) return s;
        if (block_bytes < 0 || static_cast<uint64_t>(block_bytes) > data_.size()) {
          return Malformed("block size exceeds the record");
        }
      }
      if (count > kMaxAvroItems - items_) return Malformed("too many array or map items");
      items_ += count;
      for (int64_t i = 0; i < count; ++i) {
        if (map) {
          int64_t len = 0;
          if (absl::Status s = Long(&len); !s.ok()) return s;
          if (len < 0) return Malformed("negative length");
          if (absl::Status s = Skip(len); !s.ok()) return s;
        }
        if (absl::Status s = Datum(items, depth + 1); !s.ok()) return s;
      }
    }
  }

  // A zig-zag varint of at most 10 bytes.
  absl::Status Long(int64_t* out) {
    uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (data_.empty()) return Malformed("truncated");
      auto byte = static_cast<uint8_t>(data_.front());
      data_.remove_prefix(1);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        *out = static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
        return absl::OkStatus();
      }
    }
    return Malformed("varint longer than 10 bytes");
  }

  absl::Status Skip(int64_t n) {
    if (n < 0 || static_cast<uint64_t>(n) > data_.size()) return Malformed("truncated");
    data_.remove_prefix(static_cast<size_t>(n));
    return absl::OkStatus();
  }

  std::string_view data_;
  int64_t items_ = 0;
};

}  // namespace

absl::Status ValidateAvroBinary(avro_schema_t schema, std::string_view payload) {
  return Walker(payload).Datum(schema, 0);
}

}  // namespace skein::serde::internal
