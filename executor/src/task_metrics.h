#pragma once

// Private: per-task CPU time and input rate, measured by the worker that runs the task.

#include <cstdint>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "skein/common/thread_cpu.h"
#include "skein/tenant/cpu_ledger.h"

namespace skein::executor {

// Charges the thread CPU time of one scope (a slice of a task's work: its poll, decode and
// processing) to the task's counter and, when a ledger is given, to its tenant. One pair of
// thread-clock reads (skein::ThreadCpuTime, ~0.6 us each) per slice, never per record.
class CpuSlice {
 public:
  explicit CpuSlice(uint64_t* total_nanos, tenant::CpuLedger* ledger = nullptr,
                    const std::string* tenant = nullptr)
      : total_(total_nanos), ledger_(ledger), tenant_(tenant), start_(ThreadCpuTime()) {}
  ~CpuSlice() {
    const absl::Duration used = ThreadCpuTime() - start_;
    if (used <= absl::ZeroDuration()) return;
    *total_ += static_cast<uint64_t>(absl::ToInt64Nanoseconds(used));
    if (ledger_ != nullptr && tenant_ != nullptr) ledger_->Charge(*tenant_, used);
  }
  CpuSlice(const CpuSlice&) = delete;
  CpuSlice& operator=(const CpuSlice&) = delete;

 private:
  uint64_t* const total_;
  tenant::CpuLedger* const ledger_;
  const std::string* const tenant_;
  const absl::Duration start_;
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
