#pragma once

// One named spdlog logger per module ("coordinator", "executor", "state", ...), all writing
// to stderr in one `time level [logger] message` format. Levels can change at run time.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "spdlog/spdlog.h"

namespace skein {

// Returns the logger for `module`, creating it on first use. Thread-safe.
std::shared_ptr<spdlog::logger> Logger(absl::string_view module);

// Sets the level of every logger ("trace", "debug", "info", "warn", "error", "off").
// INVALID_ARGUMENT for an unknown level name.
absl::Status SetLogLevel(absl::string_view level);

}  // namespace skein
