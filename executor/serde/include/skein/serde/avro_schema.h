#pragma once

// Avro schemas generated from SQL columns the way ksqlDB names and shapes them.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/serde/format.h"

namespace skein::serde {

// ksqlDB's default full name of the top-level record (FULL_SCHEMA_NAME overrides it).
inline constexpr std::string_view kDefaultAvroSchemaName =
    "io.confluent.ksql.avro_schemas.KsqlDataSourceSchema";

// Builds the Avro schema (JSON text) for `columns`:
//  - wrapped: a record named `full_name` whose fields are the columns in order, each
//    ["null", T] with default null; unwrapped (a single key column, or WRAP_SINGLE_VALUE=false):
//    the column's ["null", T] itself;
//  - BOOLEAN boolean, INTEGER int, BIGINT long, DOUBLE double, STRING string, BYTES bytes,
//    DECIMAL bytes/decimal(precision, scale), TIMESTAMP long/timestamp-millis, DATE int/date,
//    TIME int/time-millis, ARRAY array of optional items, MAP map of optional values (STRING
//    keys only), STRUCT a record named `<parent name>_<FIELD>` as ksqlDB names nested records.
// INVALID_ARGUMENT for MAP keys other than STRING (Avro maps have string keys), and for a column
// or field name Avro does not allow ("Schema is not compatible with Avro: Illegal initial
// character: 1A", as ksqlDB says).
absl::StatusOr<std::string> AvroSchemaJson(const std::vector<Column>& columns, bool unwrapped,
                                           std::string_view full_name = kDefaultAvroSchemaName);

// The SQL columns of a registered Avro schema, as ksqlDB infers a source's columns when its
// CREATE statement lists none: a record's fields in order (names upper-cased), or, for any other
// schema, one column ROWKEY (`is_key`) or ROWVAL. ["null", T] unions read as T; int/long/float/
// double/string/bytes/boolean, the date/time-millis/timestamp-millis/decimal logical types,
// enums (STRING), fixed (BYTES), arrays, maps and nested records (STRUCT) are supported.
// *is_record (optional) tells whether the schema was a record (else the column is anonymous and
// the side unwrapped). INVALID_ARGUMENT for anything else (e.g. a union of two non-null types).
absl::StatusOr<std::vector<Column>> ColumnsFromAvroSchema(std::string_view schema_json, bool is_key,
                                                          bool* is_record = nullptr);

}  // namespace skein::serde
