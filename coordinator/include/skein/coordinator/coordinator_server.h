#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "skein/common/clock.h"
#include "skein/common/metrics_server.h"
#include "skein/common/net.h"

namespace grpc {
class Server;
}  // namespace grpc

namespace skein {
class KafkaAdmin;
}  // namespace skein

namespace skein::tenant {
class TenantRegistry;
}  // namespace skein::tenant

namespace skein::coordinator {

struct CoordinatorOptions {
  HostPort listen{"127.0.0.1", 7070};
  std::string kafka_bootstrap = "127.0.0.1:9092";
  // How long to wait for a Kafka broker at start-up before giving up.
  absl::Duration kafka_timeout = absl::Seconds(10);
  absl::Duration lease = absl::Seconds(3);
  // Headless mode: SQL statements run for tenant "default" once the server is up (as ksqlDB's
  // queries file); a failing statement fails Start() with its position. Empty: none.
  std::string queries_file;
  // No authentication: every call acts as the platform admin and topics are not checked
  // (tenant "default" unless a request names another). Tenant administration is off.
  bool insecure_single_tenant = false;
  // The platform admin token (also the executors' cluster secret): the first line of this file.
  // Empty: a random token is generated and printed once to stdout at start-up.
  std::string admin_token_file;
  // TLS on the gRPC listener when both are set (PEM files).
  std::string tls_cert_file;
  std::string tls_key_file;
  // The Kafka topic of the metadata event log (tenants, token digests, quotas, statements),
  // replayed at start-up. Empty: nothing persists across restarts.
  std::string metadata_topic;
  // Prometheus /metrics and /healthz on this port of the listen host; 0: off.
  int metrics_port = 0;
};

class Membership;
class ExecutorControlService;
class AdminService;
class QueryManager;
class Authenticator;
class TenantService;
class TenantPolicy;
class MetadataLog;

// The control-plane process: checks Kafka, serves the executor protocol and the admin API,
// and runs the lease checker. Owned by main(). Start() and Stop() from one thread.
class CoordinatorServer {
 public:
  CoordinatorServer(CoordinatorOptions options, Clock* clock);
  ~CoordinatorServer();

  // UNAVAILABLE when Kafka does not answer in time; FAILED_PRECONDITION when the listen
  // address cannot be bound or the admin token / TLS files cannot be read. Each message says
  // what to do.
  absl::Status Start();
  // Ends executor sessions, stops the server and the lease checker. Idempotent.
  void Stop();

  const HostPort& address() const { return address_; }

 private:
  void CheckLeases();
  // Builds the tenant registry and the authenticator; loads (or generates and prints) the
  // platform admin token and registers tenant "default" unless insecure.
  absl::Status StartTenancy();
  // Opens the metadata log, replays it into the registry and the QueryManager, and records
  // every later change in it. No-op without a metadata topic.
  absl::Status StartMetadataLog();
  // The /metrics text: per tenant usage and executors by state (coordinator_metrics.h).
  std::string RenderMetrics() const;

  CoordinatorOptions options_;
  Clock* const clock_;
  HostPort address_;
  std::unique_ptr<Membership> membership_;
  std::unique_ptr<ExecutorControlService> control_;
  std::unique_ptr<KafkaAdmin> kafka_;
  std::unique_ptr<QueryManager> queries_;
  std::unique_ptr<AdminService> admin_;
  std::unique_ptr<tenant::TenantRegistry> registry_;
  std::unique_ptr<Authenticator> auth_;
  // The platform admin token, which executors take as the cluster secret (empty: insecure).
  std::string executor_secret_;
  std::unique_ptr<TenantPolicy> policy_;
  std::unique_ptr<TenantService> tenants_;
  std::unique_ptr<MetadataLog> metadata_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<MetricsServer> metrics_;
  absl::Notification stopping_;
  std::thread lease_checker_;
};

}  // namespace skein::coordinator
