#pragma once

// Private: the WINDOW_TYPE / WINDOW_SIZE properties of CREATE STREAM/TABLE over a topic whose
// keys are windowed (the output of a windowed aggregation).

#include <optional>

#include "absl/status/statusor.h"
#include "skein/compiler/catalog.h"
#include "statements.h"

namespace skein::compiler {

// nullopt without WINDOW_TYPE. INVALID_ARGUMENT (ksqlDB's wording) for an unknown type, a
// WINDOW_SIZE on SESSION, a missing or malformed WINDOW_SIZE on TUMBLING/HOPPING.
absl::StatusOr<std::optional<WindowInfo>> WindowFromProperties(const PropertyMap& props);

}  // namespace skein::compiler
