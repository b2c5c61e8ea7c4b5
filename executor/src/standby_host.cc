#include "standby_host.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "changelog.h"
#include "skein/common/logging.h"
#include "skein/common/status.h"
#include "skein/proto/plan_bytes.h"
#include "skein/proto/task_id.h"
#include "tenant_scheduling.h"

namespace skein::executor {
namespace {

constexpr absl::Duration kRetryAfter = absl::Seconds(1);
constexpr absl::Duration kWaitForActive = absl::Milliseconds(50);
constexpr absl::Duration kLagInterval = absl::Seconds(1);
// Short: a promoted task waits for its standby's removal, which waits for the current step.
constexpr int kLagTimeoutMs = 500;
constexpr absl::Duration kIdleWait = absl::Milliseconds(100);

}  // namespace

struct StandbyHost::Standby {
  std::string key;
  std::string tenant;
  std::string kafka_bootstrap;
  v1::TaskAssignment assignment;
  std::unique_ptr<ChangelogRestorer> restorer;  // while running
  uint64_t records_before = 0;  // applied by restorers of earlier runs (after a failure)
  uint64_t bytes_before = 0;
  absl::Time next_start = absl::InfinitePast();
  absl::Time next_lag = absl::InfinitePast();
  bool stateless = false;  // the stage has no store: nothing to keep
  v1::TaskStatus status;
};

StandbyHost::StandbyHost(std::string executor_id, TenantStates* states,
                         std::function<bool(const std::string&)> active_here)
    : executor_id_(std::move(executor_id)), states_(states), active_here_(std::move(active_here)) {
  thread_ = std::thread([this] { Run(); });
}

StandbyHost::~StandbyHost() { Stop(); }

void StandbyHost::Add(std::string kafka_bootstrap, v1::TaskAssignment assignment) {
  absl::MutexLock lock(&mu_);
  const std::string key = proto::TaskKey(assignment.task());
  if (!statuses_.count(key)) {
    v1::TaskStatus& s = statuses_[key];
    *s.mutable_task() = assignment.task();
    s.set_state(v1::TASK_STATE_STARTING);
    s.set_standby(true);
    s.set_standby_lag(-1);
  }
  Command c;
  c.add = true;
  c.kafka_bootstrap = std::move(kafka_bootstrap);
  c.assignment = std::move(assignment);
  c.key = key;
  commands_.push_back(std::move(c));
}

void StandbyHost::Remove(const std::string& key) {
  absl::MutexLock lock(&mu_);
  if (!statuses_.count(key)) return;
  Command c;
  c.key = key;
  commands_.push_back(std::move(c));
}

bool StandbyHost::Has(const std::string& key) const {
  absl::MutexLock lock(&mu_);
  return statuses_.count(key) > 0;
}

std::vector<v1::TaskStatus> StandbyHost::Statuses() const {
  absl::MutexLock lock(&mu_);
  std::vector<v1::TaskStatus> out;
  for (const auto& [key, s] : statuses_) out.push_back(s);
  return out;
}

void StandbyHost::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void StandbyHost::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
    }
    ApplyCommands();
    bool busy = false;
    for (auto& s : standbys_) {
      busy |= Step(s.get());
      absl::MutexLock lock(&mu_);
      if (!commands_.empty()) break;  // a promoted task waits for its standby's removal
    }
    Publish();
    if (!busy) {
      // Each Step already waited for records; with no standby, wait for a command.
      absl::MutexLock lock(&mu_);
      auto wake = [this]()
                      ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_ || !commands_.empty(); };
      mu_.AwaitWithDeadline(absl::Condition(&wake),
                            absl::Now() + (standbys_.empty() ? kIdleWait : absl::ZeroDuration()));
    }
  }
  standbys_.clear();  // closes the consumers
}

void StandbyHost::ApplyCommands() {
  std::vector<Command> commands;
  {
    absl::MutexLock lock(&mu_);
    commands.swap(commands_);
  }
  if (commands.empty()) return;
  for (Command& c : commands) {
    auto it = std::find_if(standbys_.begin(), standbys_.end(),
                           [&](const auto& s) { return s->key == c.key; });
    if (c.add) {
      if (it != standbys_.end()) continue;
      auto s = std::make_unique<Standby>();
      s->key = c.key;
      s->tenant = TenantOfTask(c.assignment.task());
      s->kafka_bootstrap = c.kafka_bootstrap;
      s->assignment = std::move(c.assignment);
      *s->status.mutable_task() = s->assignment.task();
      s->status.set_standby(true);
      s->status.set_state(v1::TASK_STATE_STARTING);
      s->status.set_standby_lag(-1);
      Logger("executor")->info("executor={} standby of task {} added", executor_id_, s->key);
      standbys_.push_back(std::move(s));
    } else if (it != standbys_.end()) {
      Logger("executor")
          ->info("executor={} standby of task {} stopped at changelog offset {} (lag {})",
                 executor_id_, c.key, (*it)->status.standby_applied_offset(),
                 (*it)->status.standby_lag());
      standbys_.erase(it);  // closes its consumer and releases its stores
    }
  }
  absl::MutexLock lock(&mu_);
  for (const Command& c : commands) {
    if (!c.add) statuses_.erase(c.key);
  }
}

bool StandbyHost::Step(Standby* s) {
  const absl::Time now = absl::Now();
  if (s->stateless) return false;
  if (s->restorer == nullptr) {
    if (now < s->next_start) return false;
    if (active_here_(s->key)) {  // the task is still stopping here
      s->next_start = now + kWaitForActive;
      return false;
    }
    absl::Status started = [&]() -> absl::Status {
      SKEIN_ASSIGN_OR_RETURN(v1::PhysicalPlan plan,
                             proto::ParsePlan(s->assignment.plan(), "the assignment's plan"));
      const v1::Stage* stage = nullptr;
      for (const v1::Stage& st : plan.stages()) {
        if (st.id() == s->assignment.task().stage()) stage = &st;
      }
      if (stage == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("the plan has no stage ", s->assignment.task().stage()));
      }
      std::vector<TaskStore> stores = TaskStores(
          s->tenant, plan, *stage, static_cast<int32_t>(s->assignment.task().partition()));
      if (stores.empty()) {
        s->stateless = true;
        return absl::OkStatus();
      }
      SKEIN_ASSIGN_OR_RETURN(state::TenantStateDb * db, states_->Get(s->tenant));
      SKEIN_ASSIGN_OR_RETURN(
          s->restorer, ChangelogRestorer::Create(
                           s->kafka_bootstrap,
                           absl::StrCat(executor_id_, "-standby-", s->assignment.task().query_id()),
                           db, std::move(stores)));
      return absl::OkStatus();
    }();
    if (!started.ok()) {
      s->status.set_state(v1::TASK_STATE_FAILED);
      s->status.set_reason(Annotate(started, "starting the standby").ToString());
      s->next_start = now + kRetryAfter;
      Logger("executor")->warn("standby of task {}: {}", s->key, s->status.reason());
      return false;
    }
    if (s->stateless) {
      s->status.set_state(v1::TASK_STATE_RUNNING);
      s->status.set_standby_lag(0);
      return false;
    }
    s->status.set_state(v1::TASK_STATE_RESTORING);
    s->status.clear_reason();
    s->next_lag = now;
  }
  const uint64_t before = s->restorer->records();
  absl::StatusOr<bool> caught_up = s->restorer->Step();
  s->status.set_restored_records(s->records_before + s->restorer->records());
  s->status.set_restored_bytes(s->bytes_before + s->restorer->bytes());
  s->status.set_standby_applied_offset(s->restorer->applied_offset());
  if (!caught_up.ok()) {
    s->records_before += s->restorer->records();
    s->bytes_before += s->restorer->bytes();
    s->restorer.reset();
    s->status.set_state(v1::TASK_STATE_FAILED);
    s->status.set_reason(Annotate(caught_up.status(), "standby applying the changelog").ToString());
    s->next_start = now + kRetryAfter;
    Logger("executor")
        ->warn("standby of task {}: {}; restarting from its local offset", s->key,
               s->status.reason());
    return false;
  }
  if (*caught_up && s->status.state() == v1::TASK_STATE_RESTORING) {
    s->status.set_state(v1::TASK_STATE_RUNNING);
    s->status.set_restore_done(true);
  }
  if (now >= s->next_lag) {
    absl::StatusOr<int64_t> lag = s->restorer->Lag(kLagTimeoutMs);
    if (lag.ok()) {
      s->status.set_standby_lag(*lag);
    } else {
      Logger("executor")->warn("standby of task {}: lag: {}", s->key, lag.status().ToString());
    }
    s->next_lag = absl::Now() + kLagInterval;
  }
  return s->restorer->records() > before;
}

void StandbyHost::Publish() {
  absl::MutexLock lock(&mu_);
  for (const auto& s : standbys_) {
    if (auto it = statuses_.find(s->key); it != statuses_.end()) it->second = s->status;
  }
}

}  // namespace skein::executor
