#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "authenticator.h"
#include "skein/common/blocking_queue.h"
#include "skein/coordinator/membership.h"
#include "skein/v1/executor.grpc.pb.h"

namespace skein::coordinator {

// Cluster-wide settings the coordinator hands every executor at registration.
struct ClusterSettings {
  std::string kafka_bootstrap;
  std::string kafka_cluster_id;
};

// Told about executor sessions: implemented by the query manager. Called on gRPC threads.
class SessionListener {
 public:
  virtual ~SessionListener() = default;
  // A session opened and can receive messages (Send works).
  virtual void OnSessionOpened(const std::string& executor_id) = 0;
  virtual void OnTaskStatus(const std::string& executor_id, const v1::TaskStatusReport& report) = 0;
};

// Serves skein.v1.ExecutorControl: registration and the per-executor Session stream.
//
// Each Session runs on a gRPC sync-server thread that reads; a second thread per session
// writes whatever is queued in that session's outbox (acks now, assignment changes later), so
// the coordinator can push to an executor at any time. A newer session for the same executor
// id closes the older one's outbox, ending it.
// Owned by the CoordinatorServer; thread-safe.
class ExecutorControlService final : public v1::ExecutorControl::Service {
 public:
  ExecutorControlService(Membership* membership, ClusterSettings settings);

  grpc::Status Register(grpc::ServerContext* context, const v1::RegisterRequest* request,
                        v1::RegisterResponse* response) override;
  grpc::Status Session(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::CoordinatorMessage, v1::ExecutorMessage>* stream) override;

  // Queues `message` for executor `id`'s live session. NOT_FOUND without one.
  absl::Status Send(const std::string& id, v1::CoordinatorMessage message);

  // Ends every session (on shutdown).
  void CloseAll();

  // Set once before the server starts; may stay null.
  void set_listener(SessionListener* listener) { listener_ = listener; }
  // Set once before the server starts: executors must then present the platform admin token
  // (the cluster secret); tenant tokens are PERMISSION_DENIED. Null: no check.
  void set_authenticator(const Authenticator* auth) { auth_ = auth; }

 private:
  using Outbox = BlockingQueue<v1::CoordinatorMessage>;

  std::shared_ptr<Outbox> OpenOutbox(const std::string& id);
  void CloseOutbox(const std::string& id, const std::shared_ptr<Outbox>& outbox);

  Membership* const membership_;
  const ClusterSettings settings_;
  SessionListener* listener_ = nullptr;
  const Authenticator* auth_ = nullptr;
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Outbox>> outboxes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace skein::coordinator
