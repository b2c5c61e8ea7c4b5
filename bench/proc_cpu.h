#pragma once

// CPU time of a whole process (all its threads) from /proc/<pid>/stat, for benches that
// report what an executor costs.

#include <sys/types.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace skein::bench {

// utime + stime in seconds from a /proc stat file; -1 when it is gone or does not parse.
inline double StatCpuSeconds(const std::string& path, std::string* name = nullptr) {
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return -1;
  // The command name (field 2) may hold spaces: fields are counted after its closing ')'.
  const size_t open = line.find('(');
  const size_t close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return -1;
  if (name != nullptr) *name = line.substr(open + 1, close - open - 1);
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  // Field 3 (state) is the first after ')'; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// utime + stime of process `pid` (all its threads) in seconds; -1 when it is gone.
inline double ProcessCpuSeconds(pid_t pid) {
  return StatCpuSeconds("/proc/" + std::to_string(pid) + "/stat");
}

// CPU seconds of the process's live threads, summed by thread name with digits dropped
// ("rdk:broker12" and "rdk:broker3" both count as "rdk:broker").
inline std::map<std::string, double> ThreadCpuByName(pid_t pid) {
  std::map<std::string, double> out;
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::string name;
    const double cpu = StatCpuSeconds(entry.path().string() + "/stat", &name);
    if (cpu < 0) continue;
    std::string group;
    for (char c : name) {
      if (!std::isdigit(static_cast<unsigned char>(c))) group += c;
    }
    out[group] += cpu;
  }
  return out;
}

// The number of threads of process `pid` (0 when it is gone).
inline int ThreadCount(pid_t pid) {
  std::error_code ec;
  int n = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    (void)entry;
    ++n;
  }
  return n;
}

}  // namespace skein::bench
