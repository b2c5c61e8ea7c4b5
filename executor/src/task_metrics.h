#pragma once

// Private: per-task CPU time and input rate, measured by the worker that runs the task.

#include <time.h>

#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace skein::executor {

// CPU time the calling thread has used, in nanoseconds (CLOCK_THREAD_CPUTIME_ID). A read
// costs about 0.6 us, so the worker reads it once per slice of work (one task's poll and
// batch), never per record.
inline int64_t ThreadCpuNanos() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// Charges the thread CPU time of one scope (a slice of a task's work) to a counter.
class CpuSlice {
 public:
  explicit CpuSlice(uint64_t* total_nanos) : total_(total_nanos), start_(ThreadCpuNanos()) {}
  ~CpuSlice() {
    const int64_t used = ThreadCpuNanos() - start_;
    if (used > 0) *total_ += static_cast<uint64_t>(used);
  }
  CpuSlice(const CpuSlice&) = delete;
  CpuSlice& operator=(const CpuSlice&) = delete;

 private:
  uint64_t* const total_;
  const int64_t start_;
};

// Records per second over the last window of at least one second: statuses are published
// every commit interval (100 ms), too short for a steady rate. Owned by a task; the worker
// thread only.
class RateMeter {
 public:
  // `count` is the running total; returns the rate of the last completed window.
  double Update(uint64_t count, absl::Time now = absl::Now()) {
    if (since_ == absl::InfinitePast()) {
      since_ = now;
      base_ = count;
      return rate_;
    }
    const absl::Duration elapsed = now - since_;
    if (elapsed >= absl::Seconds(1)) {
      rate_ = static_cast<double>(count - base_) / absl::ToDoubleSeconds(elapsed);
      since_ = now;
      base_ = count;
    }
    return rate_;
  }

 private:
  absl::Time since_ = absl::InfinitePast();
  uint64_t base_ = 0;
  double rate_ = 0;
};

}  // namespace skein::executor
