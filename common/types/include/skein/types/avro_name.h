#pragma once

// The naming rule of Avro records and fields, shared by the compiler (which rejects AVRO
// sources whose columns Avro cannot name) and the AVRO format (which builds the schemas).

#include <string_view>

#include "absl/status/status.h"

namespace skein::types {

// OK for a valid Avro name ([A-Za-z_][A-Za-z0-9_]*); otherwise INVALID_ARGUMENT in the words
// ksqlDB reports (Avro's own): "Schema is not compatible with Avro: Illegal initial character:
// NAME", "... Illegal character in: NAME", "... Empty name".
absl::Status CheckAvroName(std::string_view name);

}  // namespace skein::types
