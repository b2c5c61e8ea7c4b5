// skein-coordinator: the control plane process.

#include <cstdio>
#include <string>

#include "skein/common/clock.h"
#include "skein/common/daemon_flags.h"
#include "skein/common/logging.h"
#include "skein/common/signals.h"
#include "skein/common/version.h"
#include "skein/coordinator/coordinator_server.h"

int main(int argc, char** argv) {
  skein::BlockTerminationSignals();
  CLI::App app{"skein-coordinator: the Skein control plane (catalog, assignment, admin API)"};
  skein::DaemonFlags daemon_flags;
  skein::AddDaemonFlags(app, &daemon_flags);
  std::string listen = "127.0.0.1:7070";
  std::string bootstrap = "127.0.0.1:9092";
  int64_t lease_ms = 3000;
  int64_t kafka_timeout_ms = 10000;
  app.add_option("--listen", listen, "gRPC listen address HOST:PORT")->capture_default_str();
  app.add_option("--bootstrap", bootstrap, "Kafka bootstrap servers")
      ->envname("SKEIN_KAFKA_BOOTSTRAP")
      ->capture_default_str();
  app.add_option("--lease-ms", lease_ms,
                 "declare an executor DEAD after this long without a heartbeat")
      ->check(CLI::Range(int64_t{300}, int64_t{600000}))
      ->capture_default_str();
  app.add_option("--kafka-timeout-ms", kafka_timeout_ms, "how long to wait for Kafka at start-up")
      ->check(CLI::Range(int64_t{100}, int64_t{600000}))
      ->capture_default_str();
  std::string queries_file;
  app.add_option("--queries-file", queries_file,
                 "headless mode: run these SQL statements (tenant \"default\") at start-up")
      ->check(CLI::ExistingFile);
  bool insecure = false;
  std::string admin_token_file, tls_cert, tls_key;
  app.add_flag("--insecure-single-tenant", insecure,
               "no authentication: every caller is the platform admin (local development)");
  app.add_option("--admin-token-file", admin_token_file,
                 "file whose first line is the platform admin token (also the executors' "
                 "cluster secret); absent: one is generated and printed once")
      ->check(CLI::ExistingFile);
  auto* cert = app.add_option("--tls-cert", tls_cert, "PEM certificate chain: serve gRPC over TLS")
                   ->check(CLI::ExistingFile);
  auto* key = app.add_option("--tls-key", tls_key, "PEM private key of --tls-cert")
                  ->check(CLI::ExistingFile);
  std::string metadata_topic;
  auto* metadata = app.add_option(
      "--metadata-topic", metadata_topic,
      "Kafka topic of the metadata event log replayed at start-up (default _skein-metadata; "
      "with --insecure-single-tenant, nothing persists unless this is given)");
  cert->needs(key);
  key->needs(cert);
  if (std::optional<int> exit_code = skein::ParseFlags(app, argc, argv)) return *exit_code;

  auto fail = [](const absl::Status& status) {
    return skein::ExitWithError("skein-coordinator", status);
  };
  if (absl::Status s = skein::ApplyDaemonFlags(daemon_flags); !s.ok()) return fail(s);
  absl::StatusOr<skein::HostPort> listen_addr = skein::ParseHostPort(listen);
  if (!listen_addr.ok()) return fail(listen_addr.status());

  skein::coordinator::CoordinatorOptions options;
  options.listen = *listen_addr;
  options.kafka_bootstrap = bootstrap;
  options.lease = absl::Milliseconds(lease_ms);
  options.kafka_timeout = absl::Milliseconds(kafka_timeout_ms);
  options.queries_file = queries_file;
  options.metrics_port = daemon_flags.metrics_port;
  options.insecure_single_tenant = insecure;
  options.admin_token_file = admin_token_file;
  options.tls_cert_file = tls_cert;
  options.tls_key_file = tls_key;
  options.metadata_topic =
      metadata->count() > 0 ? metadata_topic : (insecure ? "" : std::string("_skein-metadata"));
  skein::coordinator::CoordinatorServer server(options, skein::Clock::Real());
  if (absl::Status s = server.Start(); !s.ok()) return fail(s);
  int sig = skein::WaitForTerminationSignal();
  skein::Logger("coordinator")->info("signal {} received: shutting down", sig);
  server.Stop();
  skein::Logger("coordinator")->info("stopped");
  return 0;
}
