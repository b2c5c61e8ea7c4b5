#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "process.h"
#include "skein/v1/admin.grpc.pb.h"

namespace skein::testing {

// A coordinator and executors as real processes on free ports, against the test broker.
// Each test builds its own under ScratchDir(name). Threading: the test thread only.
class TestCluster {
 public:
  TestCluster(std::string name, int lease_ms);
  ~TestCluster();

  // Turns authentication on (call before StartCoordinator): the coordinator gets a random
  // platform admin token through --admin-token-file, executors get it as their cluster secret,
  // and every call of this class sends it. Without this the coordinator runs
  // --insecure-single-tenant.
  void EnableAuth();
  // Stops the coordinator (SIGTERM) and starts it again with the same flags (its metadata log
  // included, with auth on), waiting until it answers.
  void RestartCoordinator();
  // The platform admin token (empty unless EnableAuth was called).
  const std::string& admin_token() const { return admin_token_; }

  // The Kafka cluster the coordinator uses (default: the ctest fixture's broker); set before
  // StartCoordinator.
  void set_kafka_bootstrap(std::string bootstrap) { bootstrap_ = std::move(bootstrap); }
  // Starts the coordinator and waits until its admin API answers.
  void StartCoordinator(const std::vector<std::string>& extra_args = {});
  // Starts executor `id` (data dir created) — restarting it if it was started before.
  Process* StartExecutor(const std::string& id);
  // The same with more flags (e.g. --metrics-port).
  Process* StartExecutor(const std::string& id, const std::vector<std::string>& extra_args);
  Process* executor(const std::string& id) { return executors_[id].get(); }
  // Starts exec-1 .. exec-`count` and waits until each is ALIVE; the first that is not, in time.
  absl::Status StartExecutors(int count, absl::Duration timeout = absl::Seconds(30));
  Process* coordinator() { return coordinator_.get(); }

  std::string coordinator_address() const { return "127.0.0.1:" + std::to_string(port_); }
  absl::StatusOr<v1::ListExecutorsResponse> ListExecutors();
  absl::StatusOr<v1::ExecutorView> Describe(const std::string& id);
  // Admin.DrainExecutor when `drain`, else Admin.UndrainExecutor.
  absl::StatusOr<v1::ExecutorView> Drain(const std::string& id, bool drain);
  // Polls until executor `id` is in `state`; returns the view seen, or an error on timeout.
  absl::StatusOr<v1::ExecutorView> AwaitState(const std::string& id, v1::ExecutorState state,
                                              absl::Duration timeout);
  std::string dir() const { return dir_; }

  // Admin.ExecuteStatements / DescribeQuery for tenant "default".
  absl::StatusOr<v1::ExecuteStatementsResponse> Execute(const std::string& sql);
  absl::StatusOr<v1::QueryView> DescribeQuery(const std::string& id);
  // Admin.PushQuery: calls `on_message` for the header and every row until the stream ends.
  absl::Status PushQuery(const std::string& sql, const std::map<std::string, std::string>& props,
                         const std::function<void(const v1::PushQueryMessage&)>& on_message,
                         absl::Duration deadline);
  // Polls until every task of query `id` is RUNNING on an executor for which `where` holds
  // (any executor when empty); returns the view seen, or an error on timeout.
  absl::StatusOr<v1::QueryView> AwaitQueryRunning(
      const std::string& id, absl::Duration timeout,
      std::function<bool(const v1::QueryView&)> also = nullptr);

 private:
  std::string name_;
  int lease_ms_;
  int port_;
  std::string dir_;
  std::unique_ptr<Process> coordinator_;
  std::map<std::string, std::unique_ptr<Process>> executors_;
  std::unique_ptr<v1::Admin::Stub> admin_;
  std::string admin_token_;
  std::string metadata_topic_;  // with auth: this cluster's own metadata log
  std::vector<std::string> coordinator_extra_args_;

  // Sets the deadline and, with auth on, the admin token's metadata.
  void Prepare(grpc::ClientContext* context, absl::Duration deadline) const;
  std::string bootstrap_;  // empty: KafkaBootstrap()
};

}  // namespace skein::testing
