// Source (decode) and Sink (encode) operators.

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "expr_nodes.h"
#include "java_time_format.h"
#include "skein/common/status.h"
#include "skein/runtime/operators.h"
#include "skein/types/text.h"

namespace skein::runtime {

using types::SqlType;
using types::TypeKind;
using types::Value;

namespace {

// Whether `indexes` is first, first + 1, ... (a contiguous slice of the row).
bool IsRun(const std::vector<int>& indexes, int first) {
  for (size_t i = 0; i < indexes.size(); ++i) {
    if (indexes[i] != first + static_cast<int>(i)) return false;
  }
  return true;
}

serde::FormatOptions Options(const skein::v1::Format& format, bool is_key) {
  serde::FormatOptions options;
  options.is_key = is_key;
  for (const auto& [k, v] : format.properties()) options.properties[k] = v;
  return options;
}

absl::StatusOr<std::unique_ptr<serde::Format>> MakeSideFormat(
    const skein::v1::Format& format, const std::vector<types::Column>& columns, bool is_key) {
  std::string name = format.name().empty() ? (columns.empty() ? "NONE" : "JSON") : format.name();
  return serde::MakeFormat(name, columns, Options(format, is_key));
}

Value HeaderValue(const RowColumn& col, const std::vector<Header>* headers) {
  if (headers == nullptr) {
    return col.header_key.empty() ? Value::Array({}) : Value::Null();
  }
  if (!col.header_key.empty()) {
    // The last header with the key wins, as ksqlDB's HEADER('k') column.
    for (auto it = headers->rbegin(); it != headers->rend(); ++it) {
      if (it->first == col.header_key) {
        return it->second ? Value::Bytes(*it->second) : Value::Null();
      }
    }
    return Value::Null();
  }
  std::vector<Value> all;
  for (const Header& h : *headers) {
    all.push_back(Value::Struct(
        {Value::String(h.first), h.second ? Value::Bytes(*h.second) : Value::Null()}));
  }
  return Value::Array(std::move(all));
}

void AppendBigEndian(int64_t v, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((static_cast<uint64_t>(v) >> shift) & 0xff));
  }
}

int64_t ReadBigEndian(std::string_view in) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return static_cast<int64_t>(v);
}

}  // namespace

absl::Status SourceOperator::DecodeWindow(std::string_view* key) {
  const bool session = windowed_key_.kind() == skein::v1::WindowedKey::KIND_SESSION;
  const size_t suffix = session ? 16 : 8;
  if (key->size() < suffix) return absl::InvalidArgumentError("windowed key too short");
  std::string_view tail = key->substr(key->size() - suffix);
  key->remove_suffix(suffix);
  if (session) {
    window_end_ = ReadBigEndian(tail.substr(0, 8));
    window_start_ = ReadBigEndian(tail.substr(8));
  } else {
    window_start_ = ReadBigEndian(tail);
    window_end_ = window_start_ + windowed_key_.size_ms();
  }
  return absl::OkStatus();
}

void OperatorContext::Report(ProcessingLogEntry::Kind kind, std::string reason,
                             const std::string& topic, const RowRecord& row) {
  ProcessingLogEntry e;
  e.kind = kind;
  e.query_id = query_id;
  e.reason = std::move(reason);
  e.topic = topic;
  e.partition = row.partition;
  e.offset = row.offset;
  log->Write(e);
}

absl::StatusOr<std::unique_ptr<SourceOperator>> SourceOperator::Create(
    const skein::v1::SourceOp& op, OperatorContext* ctx) {
  std::unique_ptr<SourceOperator> s(new SourceOperator());
  s->ctx_ = ctx;
  s->topic_ = op.topic().name();
  s->is_table_ = op.is_table();
  SKEIN_ASSIGN_OR_RETURN(s->schema_, FromProto(op.schema()));
  s->key_index_ = s->schema_.IndexesOf(ColumnKind::kKey);
  s->value_index_ = s->schema_.IndexesOf(ColumnKind::kValue);
  SKEIN_ASSIGN_OR_RETURN(
      s->key_format_,
      MakeSideFormat(op.topic().key_format(), s->schema_.SerdeColumns(ColumnKind::kKey), true));
  SKEIN_ASSIGN_OR_RETURN(s->value_format_,
                         MakeSideFormat(op.topic().value_format(),
                                        s->schema_.SerdeColumns(ColumnKind::kValue), false));
  s->timestamp_column_ = op.timestamp_column();
  if (s->timestamp_column_ >= static_cast<int>(s->schema_.columns.size())) {
    return absl::InvalidArgumentError("plan: source timestamp column out of range");
  }
  if (!op.timestamp_format().empty()) {
    SKEIN_ASSIGN_OR_RETURN(internal::JavaTimeFormat f,
                           internal::JavaTimeFormat::Compile(op.timestamp_format()));
    s->timestamp_format_ = std::make_shared<internal::JavaTimeFormat>(std::move(f));
    SKEIN_ASSIGN_OR_RETURN(s->utc_, internal::TimeZone::Find("UTC"));
  }
  s->key_scratch_.resize(s->key_index_.size());
  s->value_scratch_.resize(s->value_index_.size());
  s->contiguous_ =
      IsRun(s->key_index_, 0) && IsRun(s->value_index_, static_cast<int>(s->key_index_.size()));
  s->windowed_key_ = op.windowed_key();
  return s;
}

bool SourceOperator::DecodeOne(const Record& record, RowRecord* row) {
  row->values.resize(schema_.columns.size());
  row->timestamp = record.timestamp;
  row->key_null = !record.key.has_value();
  row->partition = record.partition;
  row->offset = record.offset;
  row->headers = &record.headers;
  if (is_table_ && !record.key.has_value() && !key_index_.empty()) {
    // A table is keyed: a record without a key cannot be an upsert, so it is skipped as
    // Kafka Streams' table source does (counted, not an error).
    ctx_->metrics.null_key_dropped++;
    return false;
  }
  std::optional<std::string_view> key, value;
  if (record.key) key = *record.key;
  if (record.value) value = *record.value;
  if (windowed_key_.kind() != skein::v1::WindowedKey::KIND_NONE && key) {
    // Windowed key: the key bytes, then the window (see skein.v1.WindowedKey).
    absl::Status bad = DecodeWindow(&*key);
    if (!bad.ok()) {
      ctx_->metrics.deserialization_errors++;
      ctx_->Report(ProcessingLogEntry::Kind::kDeserialization,
                   absl::StrCat("Failed to deserialize key: ", bad.message()), topic_, *row);
      return false;
    }
  }

  const size_t nk = key_index_.size(), nv = value_index_.size();
  std::span<Value> key_out =
      contiguous_ ? std::span<Value>(row->values.data(), nk) : std::span<Value>(key_scratch_);
  std::span<Value> value_out = contiguous_ ? std::span<Value>(row->values.data() + nk, nv)
                                           : std::span<Value>(value_scratch_);
  absl::StatusOr<serde::RecordKind> k = key_format_->Decode(key, key_out);
  if (!k.ok()) {
    ctx_->metrics.deserialization_errors++;
    ctx_->Report(ProcessingLogEntry::Kind::kDeserialization,
                 absl::StrCat("Failed to deserialize key: ", k.status().message()), topic_, *row);
    return false;
  }
  absl::StatusOr<serde::RecordKind> v = value_format_->Decode(value, value_out);
  if (!v.ok()) {
    ctx_->metrics.deserialization_errors++;
    ctx_->Report(ProcessingLogEntry::Kind::kDeserialization,
                 absl::StrCat("Failed to deserialize value: ", v.status().message()), topic_, *row);
    return false;
  }
  if (!contiguous_) {
    for (size_t i = 0; i < nk; ++i) row->values[key_index_[i]] = std::move(key_scratch_[i]);
    for (size_t i = 0; i < nv; ++i) row->values[value_index_[i]] = std::move(value_scratch_[i]);
  }
  // A Kafka null value is a tombstone for tables and a null row for streams; a format with no
  // value columns (NONE) always decodes as null but the record is still a present row.
  row->value_null =
      !record.value.has_value() || (!value_index_.empty() && *v == serde::RecordKind::kNull);

  if (timestamp_column_ >= 0) {
    const Value& t = row->values[timestamp_column_];
    int64_t ts = -1;
    if (t.kind() == TypeKind::kTimestamp) {
      ts = t.timestamp();
    } else if (t.kind() == TypeKind::kBigint || t.kind() == TypeKind::kInteger) {
      ts = t.kind() == TypeKind::kBigint ? t.bigint() : t.integer();
    } else if (t.kind() == TypeKind::kString) {
      absl::StatusOr<int64_t> parsed = timestamp_format_
                                           ? timestamp_format_->Parse(t.str(), *utc_, false)
                                           : types::ParseTimestamp(t.str());
      if (!parsed.ok()) {
        if (ctx_->throw_on_invalid_timestamp) {
          ctx_->fatal = absl::FailedPreconditionError(absl::StrCat(
              "Fatal user code error in TimestampExtractor callback for record at ", topic_, "-",
              record.partition, "@", record.offset, ": ", parsed.status().message()));
          return false;
        }
        ctx_->metrics.deserialization_errors++;
        ctx_->Report(ProcessingLogEntry::Kind::kDeserialization,
                     absl::StrCat("Failed to extract timestamp: ", parsed.status().message()),
                     topic_, *row);
        return false;
      }
      ts = *parsed;
    }
    if (ts < 0) {
      // Kafka Streams cannot process a record without a valid timestamp: log and skip it.
      if (row->value_null) {
        ts = record.timestamp;
      } else if (ctx_->throw_on_invalid_timestamp) {
        ctx_->fatal = absl::FailedPreconditionError(absl::StrCat(
            "Fatal user code error in TimestampExtractor callback for record at ", topic_, "-",
            record.partition, "@", record.offset, ": null or negative timestamp"));
        return false;
      } else {
        ctx_->metrics.deserialization_errors++;
        ctx_->Report(ProcessingLogEntry::Kind::kDeserialization,
                     "Invalid (null or negative) timestamp column value", topic_, *row);
        return false;
      }
    }
    row->timestamp = ts;
  }

  for (size_t i = 0; i < schema_.columns.size(); ++i) {
    const RowColumn& c = schema_.columns[i];
    if (c.kind == ColumnKind::kPseudo) {
      if (c.name == "ROWTIME") {
        row->values[i] = c.type.kind() == TypeKind::kTimestamp ? Value::Timestamp(row->timestamp)
                                                               : Value::Bigint(row->timestamp);
      } else if (c.name == "ROWPARTITION") {
        row->values[i] = Value::Integer(record.partition);
      } else if (c.name == "ROWOFFSET") {
        row->values[i] = Value::Bigint(record.offset);
      } else if (c.name == "WINDOWSTART") {
        row->values[i] = Value::Bigint(window_start_);
      } else if (c.name == "WINDOWEND") {
        row->values[i] = Value::Bigint(window_end_);
      }
    } else if (c.kind == ColumnKind::kHeader) {
      row->values[i] = HeaderValue(c, &record.headers);
    }
  }
  return true;
}

void SourceOperator::Decode(std::span<const Record> records, RowBatch* out) {
  for (const Record& r : records) {
    ctx_->metrics.records_in++;
    ctx_->metrics.bytes_in += r.PayloadBytes();
    out->emplace_back();
    if (!DecodeOne(r, &out->back())) out->pop_back();
  }
}

absl::StatusOr<std::unique_ptr<SinkOperator>> SinkOperator::Create(const skein::v1::SinkOp& op,
                                                                   OperatorContext* ctx) {
  std::unique_ptr<SinkOperator> s(new SinkOperator());
  s->ctx_ = ctx;
  s->topic_ = op.topic().name();
  s->is_table_ = op.is_table();
  SKEIN_ASSIGN_OR_RETURN(RowSchema schema, FromProto(op.schema()));
  s->key_index_ = schema.IndexesOf(ColumnKind::kKey);
  s->value_index_ = schema.IndexesOf(ColumnKind::kValue);
  SKEIN_ASSIGN_OR_RETURN(
      s->key_format_,
      MakeSideFormat(op.topic().key_format(), schema.SerdeColumns(ColumnKind::kKey), true));
  SKEIN_ASSIGN_OR_RETURN(
      s->value_format_,
      MakeSideFormat(op.topic().value_format(), schema.SerdeColumns(ColumnKind::kValue), false));
  s->timestamp_column_ = op.timestamp_column();
  s->windowed_key_ = op.windowed_key();
  s->window_start_index_ = schema.IndexOf("WINDOWSTART");
  s->window_end_index_ = schema.IndexOf("WINDOWEND");
  s->key_scratch_.resize(s->key_index_.size());
  s->value_scratch_.resize(s->value_index_.size());
  s->contiguous_ = IsRun(s->key_index_, s->key_index_.empty() ? 0 : s->key_index_[0]) &&
                   IsRun(s->value_index_, s->value_index_.empty() ? 0 : s->value_index_[0]);
  return s;
}

void SinkOperator::Encode(const RowBatch& rows, int32_t partitions, std::vector<Record>* out) {
  const size_t nk = key_index_.size(), nv = value_index_.size();
  for (const RowRecord& row : rows) {
    std::span<const Value> keys(key_scratch_), values(value_scratch_);
    if (contiguous_) {
      keys = std::span<const Value>(row.values.data() + (nk ? key_index_[0] : 0), nk);
      values = std::span<const Value>(row.values.data() + (nv ? value_index_[0] : 0), nv);
    } else {
      for (size_t i = 0; i < nk; ++i) key_scratch_[i] = row.values[key_index_[i]];
      for (size_t i = 0; i < nv; ++i) value_scratch_[i] = row.values[value_index_[i]];
    }
    Record rec;
    rec.topic = topic_;
    rec.timestamp = row.timestamp;
    if (timestamp_column_ >= 0 && static_cast<size_t>(timestamp_column_) < row.values.size()) {
      // The sink's TIMESTAMP column sets the record time; a null or negative one cannot be
      // written to Kafka, so the row is logged and dropped (ksqlDB's behaviour).
      const Value& t = row.values[timestamp_column_];
      int64_t ts = -1;
      if (t.kind() == TypeKind::kTimestamp) ts = t.timestamp();
      if (t.kind() == TypeKind::kBigint) ts = t.bigint();
      if (t.kind() == TypeKind::kInteger) ts = t.integer();
      if (ts < 0) {
        ctx_->metrics.serialization_errors++;
        ctx_->Report(ProcessingLogEntry::Kind::kSerialization,
                     "Invalid (null or negative) value for the sink's TIMESTAMP column", topic_,
                     row);
        continue;
      }
      rec.timestamp = ts;
    }
    std::string bytes;
    absl::StatusOr<serde::RecordKind> k = key_format_->Encode(keys, &bytes);
    if (!k.ok()) {
      ctx_->metrics.serialization_errors++;
      ctx_->Report(ProcessingLogEntry::Kind::kSerialization,
                   absl::StrCat("Failed to serialize key: ", k.status().message()), topic_, row);
      continue;
    }
    // A null input key whose columns are still all NULL stays a Kafka null key (ksqlDB keeps
    // the null key struct), whatever the format would make of its fields.
    bool all_null = row.key_null && std::all_of(keys.begin(), keys.end(),
                                                [](const Value& v) { return v.is_null(); });
    if (*k == serde::RecordKind::kPresent && !all_null) rec.key = std::move(bytes);
    if (windowed_key_.kind() != skein::v1::WindowedKey::KIND_NONE && window_start_index_ >= 0 &&
        window_end_index_ >= 0) {
      const Value& start = row.values[window_start_index_];
      const Value& end = row.values[window_end_index_];
      if (!rec.key) rec.key.emplace();
      if (windowed_key_.kind() == skein::v1::WindowedKey::KIND_SESSION) {
        AppendBigEndian(end.kind() == TypeKind::kBigint ? end.bigint() : 0, &*rec.key);
      }
      AppendBigEndian(start.kind() == TypeKind::kBigint ? start.bigint() : 0, &*rec.key);
    }
    if (!row.value_null) {
      std::string value_bytes;
      absl::StatusOr<serde::RecordKind> v = value_format_->Encode(values, &value_bytes);
      if (!v.ok()) {
        ctx_->metrics.serialization_errors++;
        ctx_->Report(ProcessingLogEntry::Kind::kSerialization,
                     absl::StrCat("Failed to serialize value: ", v.status().message()), topic_,
                     row);
        continue;
      }
      if (*v == serde::RecordKind::kPresent) rec.value = std::move(value_bytes);
    }
    rec.partition = rec.key ? KafkaPartition(*rec.key, partitions)
                            : std::min(row.partition, std::max(partitions, 1) - 1);
    ctx_->metrics.records_out++;
    ctx_->metrics.bytes_out += rec.PayloadBytes();
    out->push_back(std::move(rec));
  }
}

int32_t KafkaPartition(std::string_view key, int32_t partitions) {
  if (partitions <= 1) return 0;
  // Murmur2, exactly as org.apache.kafka.common.utils.Utils.murmur2.
  const uint32_t seed = 0x9747b28c, m = 0x5bd1e995;
  const int r = 24;
  const size_t length = key.size();
  uint32_t h = seed ^ static_cast<uint32_t>(length);
  const size_t length4 = length / 4;
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  for (size_t i = 0; i < length4; ++i) {
    size_t i4 = i * 4;
    uint32_t k = static_cast<uint32_t>(data[i4]) | (static_cast<uint32_t>(data[i4 + 1]) << 8) |
                 (static_cast<uint32_t>(data[i4 + 2]) << 16) |
                 (static_cast<uint32_t>(data[i4 + 3]) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  size_t tail = length & ~size_t{3};
  switch (length % 4) {
    case 3:
      h ^= static_cast<uint32_t>(data[tail + 2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= static_cast<uint32_t>(data[tail + 1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= static_cast<uint32_t>(data[tail]);
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>((h & 0x7fffffff) % static_cast<uint32_t>(partitions));
}

}  // namespace skein::runtime
