#include "skein/runtime/processing_log.h"

namespace skein::runtime {

void InMemoryProcessingLog::Write(const ProcessingLogEntry& entry) {
  std::lock_guard<std::mutex> lock(mu_);
  ++total_;
  if (entries_.size() >= capacity_ && !entries_.empty()) entries_.erase(entries_.begin());
  if (capacity_ > 0) entries_.push_back(entry);
}

std::vector<ProcessingLogEntry> InMemoryProcessingLog::Entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_;
}

uint64_t InMemoryProcessingLog::total() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_;
}

}  // namespace skein::runtime
