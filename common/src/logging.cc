#include "skein/common/logging.h"

#include <mutex>

#include "absl/strings/str_cat.h"
#include "spdlog/sinks/stdout_color_sinks.h"

namespace skein {
namespace {

std::mutex& LoggerMutex() {
  static std::mutex* mu = new std::mutex();
  return *mu;
}

spdlog::level::level_enum& CurrentLevel() {
  static spdlog::level::level_enum level = spdlog::level::info;
  return level;
}

}  // namespace

std::shared_ptr<spdlog::logger> Logger(absl::string_view module) {
  std::lock_guard<std::mutex> lock(LoggerMutex());
  std::string name(module);
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = spdlog::stderr_color_mt(name);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
  logger->set_level(CurrentLevel());
  logger->flush_on(spdlog::level::info);
  return logger;
}

absl::Status SetLogLevel(absl::string_view level) {
  auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown log level '", level, "': use one of trace, debug, info, warn, error, off"));
  }
  std::lock_guard<std::mutex> lock(LoggerMutex());
  CurrentLevel() = parsed;
  spdlog::set_level(parsed);
  return absl::OkStatus();
}

}  // namespace skein
