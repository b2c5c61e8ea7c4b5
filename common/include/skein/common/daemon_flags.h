#pragma once

// What every Skein server binary shares in main(): the common flags (--config, --version,
// --log-level), parsing, and the one-line error exit. Header-only so that only binaries
// include CLI11.

#include <cstdio>
#include <optional>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "skein/common/logging.h"
#include "skein/common/version.h"

namespace skein {

struct DaemonFlags {
  std::string log_level = "info";
  int metrics_port = 0;  // Prometheus /metrics and /healthz; 0: off
};

// Adds --config FILE (TOML/INI, `flag = value` lines), --version and --log-level.
inline void AddDaemonFlags(CLI::App& app, DaemonFlags* flags) {
  app.set_config("--config", "", "read flags from a TOML/INI file (flag = value per line)");
  app.set_version_flag("--version", std::string(kVersion));
  app.add_option("--log-level", flags->log_level, "trace|debug|info|warn|error|off")
      ->capture_default_str();
  app.add_option("--metrics-port", flags->metrics_port,
                 "serve Prometheus /metrics and /healthz over HTTP on this port of the listen "
                 "host (0: off)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
}

// Parses the command line. Returns the exit code when parsing ends the program (--help,
// --version, or a bad flag, which CLI11 reports in one line plus a --help hint).
inline std::optional<int> ParseFlags(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return std::nullopt;
}

// Prints `<program>: error: <message>` on stderr and returns the exit code 2.
inline int ExitWithError(const char* program, const absl::Status& status) {
  std::fprintf(stderr, "%s: error: %s\n", program, std::string(status.message()).c_str());
  return 2;
}

inline absl::Status ApplyDaemonFlags(const DaemonFlags& flags) {
  return SetLogLevel(flags.log_level);
}

}  // namespace skein
