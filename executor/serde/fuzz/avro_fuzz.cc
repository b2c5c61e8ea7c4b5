// libFuzzer target for the AVRO format (harness and checks: fuzz_format.h). Every input is the
// payload of a Confluent wire-format value whose header names a fixed writer schema registered
// in an in-memory registry. The writer schema differs from the format's own (generated) one on
// purpose: fields in another order and case, an extra field, and Avro types that reach the
// columns only through coercion (float, enum, fixed, long timestamps, a union with a record),
// so decoding exercises the by-name matching and the conversions, and the round-trip check
// (re-encoding with the format's own schema, then decoding that) compares the two paths.

#include <cstdio>
#include <cstdlib>

#include "fuzz_format.h"
#include "skein/serde/schema_registry.h"

namespace skein::serde::fuzz {

using types::SqlType;

namespace {

constexpr char kWriterSchema[] = R"({
  "type": "record", "name": "Order", "namespace": "skein.fuzz",
  "fields": [
    {"name": "extra", "type": "string"},
    {"name": "id", "type": "long"},
    {"name": "NAME", "type": ["null", "string"]},
    {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10,
                               "scale": 2}},
    {"name": "rate", "type": "float"},
    {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["NEW", "OLD"]}},
    {"name": "tags", "type": {"type": "array", "items": ["null", "string"]}},
    {"name": "attrs", "type": {"type": "map", "values": "long"}},
    {"name": "inner", "type": ["null", {"type": "record", "name": "Inner", "fields": [
      {"name": "A", "type": "int"},
      {"name": "B", "type": "bytes"},
      {"name": "C", "type": "double"}]}]},
    {"name": "raw", "type": {"type": "fixed", "name": "Raw", "size": 4}},
    {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "ok", "type": "boolean"}
  ]
})";

}  // namespace

FuzzTarget MakeFuzzTarget() {
  // Outlives the format, as FormatOptions requires; one per process.
  static auto* registry = new InMemorySchemaRegistry();
  auto writer_id = registry->Register("fuzz-writer-value", kWriterSchema);
  if (!writer_id.ok()) {
    std::fprintf(stderr, "avro fuzz: %s\n", writer_id.status().ToString().c_str());
    std::abort();
  }
  FormatOptions options;
  options.schema_registry = registry;
  options.subject = "fuzz-value";
  FuzzTarget target;
  target.format =
      MakeFormat("AVRO",
                 ValueColumns({{"ID", SqlType::Bigint()},
                               {"NAME", SqlType::String()},
                               {"PRICE", SqlType::Decimal(10, 2)},
                               {"RATE", SqlType::Double()},
                               {"KIND", SqlType::String()},
                               {"TAGS", SqlType::Array(SqlType::String())},
                               {"ATTRS", SqlType::Map(SqlType::String(), SqlType::Integer())},
                               {"INNER", SqlType::Struct({{"A", SqlType::Integer()},
                                                          {"B", SqlType::Bytes()},
                                                          {"C", SqlType::Decimal(6, 3)}})},
                               {"RAW", SqlType::Bytes()},
                               {"TS", SqlType::Timestamp()},
                               {"OK", SqlType::Boolean()}}),
                 options)
          .value();
  AppendConfluentHeader(*writer_id, &target.prefix);
  return target;
}

}  // namespace skein::serde::fuzz
