#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace skein::testing {

// A child process started by an integration test: real binaries, real signals.
// Its stdout and stderr go to `log_path`. Killed with SIGKILL on destruction if still running.
// Threading: one test thread.
class Process {
 public:
  Process(std::vector<std::string> argv, std::string log_path);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void Signal(int sig);
  // Waits for the exit and returns the exit code (128+signal when killed); -1 on timeout.
  int Wait(absl::Duration timeout);
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string log_path_;
};

// Runs a command to completion; returns its exit code and fills `output` with stdout+stderr.
int RunCommand(const std::vector<std::string>& argv, std::string* output,
               absl::Duration timeout = absl::Seconds(60));

// A TCP port on 127.0.0.1 that nothing listens on right now.
int FreePort();

// Environment set by ctest: the binaries directory, a scratch directory, the Kafka bootstrap
// of the test broker (started by the `kafka` ctest fixture).
std::string BinDir();
std::string SourceDir();
std::string ScratchDir(const std::string& test_name);
std::string KafkaBootstrap();
// The positive integer in environment variable `name` (a test's size knob), else `fallback`.
int64_t EnvInt(const char* name, int64_t fallback);

}  // namespace skein::testing
