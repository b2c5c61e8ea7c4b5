#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "skein/common/clock.h"
#include "skein/v1/executor.grpc.pb.h"

namespace skein::executor {

// The executor's side of the executor protocol: registers with the coordinator, then keeps
// one Session stream open, heartbeating at the interval the coordinator asked for. Whenever
// the stream ends (coordinator restart, network, ABORTED after a missed lease) it registers
// again with backoff; the executor keeps running its tasks meanwhile.
//
// Owned by the ExecutorNode. Start()/Stop() from the owning thread; one background thread
// runs the session; accessors are thread-safe.
class ControlClient {
 public:
  struct Options {
    std::string coordinator;  // HOST:PORT
    std::string token;        // sent as "authorization: Bearer <token>" when not empty
    std::shared_ptr<grpc::ChannelCredentials> credentials;  // null: plaintext
    v1::ExecutorInfo info;
    // How long the first registration may take before Start() gives up.
    absl::Duration connect_timeout = absl::Seconds(10);
    // Called on the session's reader thread for every assignment change, with the
    // registration the session runs under (its Kafka bootstrap). May be empty.
    std::function<void(const v1::RegisterResponse&, const v1::AssignmentChange&)> on_assignment;
    // The task status report to send with each heartbeat. May be empty.
    std::function<v1::TaskStatusReport()> task_report;
    // Polled every heartbeat; true ends the session so the executor registers again and gets
    // its full assignment (after tasks were given up locally). May be empty.
    std::function<bool()> take_resync;
  };

  ControlClient(Options options, Clock* clock);
  ~ControlClient();

  // Registers once (retrying until connect_timeout) and starts the session thread.
  // UNAVAILABLE naming the coordinator when it cannot be reached in time; the coordinator's
  // own code (e.g. INVALID_ARGUMENT) when it refuses the registration.
  absl::Status Start();
  // Closes the session and joins its thread. Idempotent.
  void Stop();

  // The cluster settings from the latest registration.
  v1::RegisterResponse registration() const;

 private:
  absl::Status RegisterOnce();
  void RunSessions();
  // Runs one Session stream until it ends; returns how it ended.
  grpc::Status RunSession(const v1::RegisterResponse& registration);

  const Options options_;
  Clock* const clock_;
  std::unique_ptr<v1::ExecutorControl::Stub> stub_;
  absl::Notification stopping_;
  std::thread session_thread_;

  mutable absl::Mutex mu_;
  v1::RegisterResponse registration_ ABSL_GUARDED_BY(mu_);
  grpc::ClientContext* live_context_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace skein::executor
