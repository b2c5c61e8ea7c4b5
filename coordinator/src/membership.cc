#include "skein/coordinator/membership.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace skein::coordinator {

Membership::Membership(Clock* clock, absl::Duration lease)
    : clock_(clock),
      lease_(lease),
      next_epoch_(static_cast<uint64_t>(std::max<int64_t>(1, absl::ToUnixMillis(clock->Now())))) {}

absl::StatusOr<uint64_t> Membership::Register(const v1::ExecutorInfo& info) {
  if (info.id().empty()) {
    return absl::InvalidArgumentError("register: executor id is empty (pass --id)");
  }
  if (info.address().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("register: executor '", info.id(), "' gave no address"));
  }
  absl::MutexLock lock(&mu_);
  absl::Time now = clock_->Now();
  Record& record = executors_[info.id()];
  bool rejoin = record.state != v1::EXECUTOR_STATE_UNSPECIFIED;
  record.info = info;
  record.epoch = next_epoch_++;
  record.registered_at = now;
  record.last_heartbeat = now;
  if (record.state != v1::EXECUTOR_STATE_ALIVE) record.state_changed_at = now;
  record.state = v1::EXECUTOR_STATE_ALIVE;
  record.reason = rejoin ? "re-registered" : "registered";
  record.load.Clear();
  return record.epoch;
}

absl::Status Membership::CheckCurrentLocked(absl::string_view id, uint64_t epoch) const {
  auto it = executors_.find(id);
  if (it == executors_.end()) {
    return absl::NotFoundError(
        absl::StrCat("executor '", id, "' is not registered: register first"));
  }
  const Record& record = it->second;
  if (record.epoch != epoch) {
    return absl::AbortedError(absl::StrCat("executor '", id, "' epoch ", epoch,
                                           " was superseded by epoch ", record.epoch,
                                           ": register again"));
  }
  if (record.state == v1::EXECUTOR_STATE_DEAD) {
    return absl::AbortedError(absl::StrCat("executor '", id, "' was declared dead (", record.reason,
                                           "): register again"));
  }
  return absl::OkStatus();
}

absl::Status Membership::CheckCurrent(absl::string_view id, uint64_t epoch) const {
  absl::MutexLock lock(&mu_);
  return CheckCurrentLocked(id, epoch);
}

absl::Status Membership::Heartbeat(absl::string_view id, uint64_t epoch,
                                   const v1::ExecutorLoad& load) {
  absl::MutexLock lock(&mu_);
  absl::Status current = CheckCurrentLocked(id, epoch);
  if (!current.ok()) return current;
  Record& record = executors_.find(id)->second;
  record.last_heartbeat = clock_->Now();
  record.load = load;
  return absl::OkStatus();
}

std::vector<std::string> Membership::ExpireLeases() {
  absl::MutexLock lock(&mu_);
  absl::Time now = clock_->Now();
  std::vector<std::string> expired;
  for (auto& [id, record] : executors_) {
    if (record.state == v1::EXECUTOR_STATE_ALIVE && now - record.last_heartbeat > lease_) {
      record.state = v1::EXECUTOR_STATE_DEAD;
      record.state_changed_at = now;
      record.reason =
          absl::StrCat("no heartbeat for ", absl::FormatDuration(now - record.last_heartbeat),
                       " (lease ", absl::FormatDuration(lease_), ")");
      record.load.Clear();
      expired.push_back(id);
    }
  }
  return expired;
}

v1::ExecutorView Membership::ToView(const Record& record) {
  v1::ExecutorView view;
  *view.mutable_info() = record.info;
  view.set_state(record.state);
  view.set_epoch(record.epoch);
  view.set_registered_at_unix_ms(absl::ToUnixMillis(record.registered_at));
  view.set_last_heartbeat_unix_ms(absl::ToUnixMillis(record.last_heartbeat));
  view.set_state_changed_at_unix_ms(absl::ToUnixMillis(record.state_changed_at));
  view.set_state_reason(record.reason);
  view.set_running_tasks(record.load.running_tasks());
  return view;
}

std::vector<v1::ExecutorView> Membership::List() const {
  absl::MutexLock lock(&mu_);
  std::vector<v1::ExecutorView> views;
  views.reserve(executors_.size());
  for (const auto& [id, record] : executors_) views.push_back(ToView(record));
  return views;
}

absl::StatusOr<v1::ExecutorView> Membership::Describe(absl::string_view id) const {
  absl::MutexLock lock(&mu_);
  auto it = executors_.find(id);
  if (it == executors_.end()) {
    return absl::NotFoundError(absl::StrCat("no executor with id '", id, "'"));
  }
  return ToView(it->second);
}

absl::Time Membership::LeaseDeadline(absl::string_view id) const {
  absl::MutexLock lock(&mu_);
  auto it = executors_.find(id);
  if (it == executors_.end()) return absl::InfinitePast();
  return it->second.last_heartbeat + lease_;
}

}  // namespace skein::coordinator
