#pragma once

// Private: the standby replicas this executor runs (TaskAssignment.standby).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "skein/v1/executor.pb.h"
#include "tenant_states.h"

namespace skein::executor {

// Keeps a copy of stateful tasks' stores up to date on this executor without running them:
// each standby is a changelog restore that never ends (ChangelogRestorer, read_committed),
// writing into the same column families the task would open here, with the changelog offset
// they reflect. A task promoted here (assigned active where it was standby) then restores only
// the changelog tail. Standbys report the offset applied and their lag against the changelog
// end offsets, queried fresh from the broker.
//
// A standby does nothing but consume and write RocksDB, so all of them share one thread; a
// standby that fails (Kafka, RocksDB) reports FAILED and restarts from its local offset a
// second later. Owned by the TaskHost. Threading: Add/Remove/Has/Statuses from any thread;
// the restorers live on the standby thread only.
class StandbyHost {
 public:
  // `active_here(key)` tells whether a worker still holds task `key`: a standby of it waits
  // until the task stopped (both would write the same stores).
  StandbyHost(std::string executor_id, TenantStates* states,
              std::function<bool(const std::string& key)> active_here);
  ~StandbyHost();  // Stop()
  StandbyHost(const StandbyHost&) = delete;
  StandbyHost& operator=(const StandbyHost&) = delete;

  // Starts a standby of `assignment.task()` (no-op when one runs).
  void Add(std::string kafka_bootstrap, v1::TaskAssignment assignment);
  // Stops the standby of task `key` (proto::TaskKey), if any, soon (within one standby's
  // step): Has(key) turns false once its consumer and stores are released.
  void Remove(const std::string& key);
  // Whether a standby of task `key` runs or is still being stopped.
  bool Has(const std::string& key) const;
  // One status per standby, with `standby` set.
  std::vector<v1::TaskStatus> Statuses() const;
  // Stops every standby and joins the thread. Idempotent.
  void Stop();

 private:
  struct Standby;
  struct Command {
    bool add = false;
    std::string kafka_bootstrap;
    v1::TaskAssignment assignment;
    std::string key;
  };

  void Run();
  void ApplyCommands();
  // Starts the standby's restorer when due, applies one batch and measures the lag when due.
  // Returns true if it applied records.
  bool Step(Standby* standby);
  void Publish();

  const std::string executor_id_;
  TenantStates* const states_;
  const std::function<bool(const std::string&)> active_here_;

  std::vector<std::unique_ptr<Standby>> standbys_;  // standby thread only

  mutable absl::Mutex mu_;
  std::vector<Command> commands_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::TaskStatus> statuses_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace skein::executor
