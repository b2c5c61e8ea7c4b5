#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "skein/common/clock.h"
#include "skein/common/metrics_server.h"
#include "skein/common/net.h"
#include "skein/executor/control_client.h"
#include "skein/executor/task_host.h"
#include "skein/state/data_dir.h"

namespace grpc {
class Server;
class Service;
}  // namespace grpc

namespace skein::executor {

struct ExecutorOptions {
  std::string id;
  std::string coordinator = "127.0.0.1:7070";
  HostPort listen{"127.0.0.1", 0};
  std::string data_dir;
  uint32_t cores = 0;         // 0: the machine's
  uint64_t memory_bytes = 0;  // 0: the machine's physical memory
  absl::Duration connect_timeout = absl::Seconds(10);
  int workers = 2;  // task worker threads
  // Prometheus /metrics and /healthz on this port of the listen host; 0: off.
  int metrics_port = 0;
  // The cluster secret (the coordinator's platform admin token) sent to the coordinator as a
  // bearer token; empty for an --insecure-single-tenant coordinator.
  std::string cluster_token;
  // PEM CA certificate to reach a coordinator serving TLS; empty: plaintext.
  std::string coordinator_tls_ca;
};

// The data-plane process: locks its data directory, serves its own gRPC endpoint (health,
// reflection, pull queries over its tasks' state) and joins the cluster through the
// ControlClient. Owned by main(); Start()/Stop() from one thread.
class ExecutorNode {
 public:
  ExecutorNode(ExecutorOptions options, Clock* clock);
  ~ExecutorNode();

  // FAILED_PRECONDITION for a bad data directory or listen address, UNAVAILABLE when the
  // coordinator cannot be reached; each message says what to do.
  absl::Status Start();
  void Stop();

  const HostPort& address() const { return address_; }

 private:
  ExecutorOptions options_;
  Clock* const clock_;
  std::optional<state::DataDir> data_dir_;
  // Pull queries (TableReadService over tasks_); outlives the server, which is stopped first.
  std::unique_ptr<grpc::Service> table_reader_;
  std::unique_ptr<grpc::Service> row_writer_;
  std::unique_ptr<grpc::Server> server_;
  HostPort address_;
  std::unique_ptr<TaskHost> tasks_;  // before control_: the client's callbacks use it
  std::unique_ptr<ControlClient> control_;
  std::unique_ptr<MetricsServer> metrics_;  // after tasks_: renders from it
  bool stopped_ = false;
};

}  // namespace skein::executor
