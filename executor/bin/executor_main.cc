// skein-executor: the data plane process.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "skein/common/clock.h"
#include "skein/common/daemon_flags.h"
#include "skein/common/logging.h"
#include "skein/common/signals.h"
#include "skein/common/version.h"
#include "skein/executor/executor_node.h"
#include "skein/tenant/admin_token.h"

int main(int argc, char** argv) {
  skein::BlockTerminationSignals();
  CLI::App app{"skein-executor: runs tenants' tasks for a Skein cluster"};
  skein::DaemonFlags daemon_flags;
  skein::AddDaemonFlags(app, &daemon_flags);
  skein::executor::ExecutorOptions options;
  std::string listen = "127.0.0.1:0";
  int64_t connect_timeout_ms = 10000;
  app.add_option("--id", options.id,
                 "stable executor id (default: HOSTNAME-<data dir name>, stable across restarts)");
  app.add_option("--coordinator", options.coordinator, "coordinator address HOST:PORT")
      ->envname("SKEIN_COORDINATOR")
      ->capture_default_str();
  app.add_option("--listen", listen, "gRPC listen address HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--data-dir", options.data_dir, "state directory (must exist; one per executor)")
      ->required();
  app.add_option("--cores", options.cores, "cores offered to the cluster (default: all)");
  app.add_option("--memory-bytes", options.memory_bytes, "memory offered (default: physical)");
  app.add_option("--workers", options.workers, "task worker threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--connect-timeout-ms", connect_timeout_ms,
                 "how long to wait for the coordinator at start-up")
      ->check(CLI::Range(int64_t{100}, int64_t{600000}))
      ->capture_default_str();
  std::string token_file;
  app.add_option("--token-file", token_file,
                 "file whose first line is the cluster secret (the coordinator's platform admin "
                 "token); not needed with an --insecure-single-tenant coordinator")
      ->envname("SKEIN_CLUSTER_TOKEN_FILE")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-ca", options.coordinator_tls_ca,
                 "PEM CA certificate of a coordinator serving TLS")
      ->check(CLI::ExistingFile);
  if (std::optional<int> exit_code = skein::ParseFlags(app, argc, argv)) return *exit_code;

  auto fail = [](const absl::Status& status) {
    return skein::ExitWithError("skein-executor", status);
  };
  if (absl::Status s = skein::ApplyDaemonFlags(daemon_flags); !s.ok()) return fail(s);
  absl::StatusOr<skein::HostPort> listen_addr = skein::ParseHostPort(listen);
  if (!listen_addr.ok()) return fail(listen_addr.status());
  options.listen = *listen_addr;
  if (!token_file.empty()) {
    absl::StatusOr<skein::tenant::AdminToken> token = skein::tenant::LoadAdminToken(token_file);
    if (!token.ok()) return fail(token.status());
    options.cluster_token = token->secret;
  }
  options.connect_timeout = absl::Milliseconds(connect_timeout_ms);
  options.metrics_port = daemon_flags.metrics_port;
  if (options.id.empty()) {
    char host[256] = {0};
    gethostname(host, sizeof(host) - 1);
    std::filesystem::path dir(options.data_dir);
    if (!dir.has_filename()) dir = dir.parent_path();  // "data/exec-1/"
    options.id = std::string(host) + "-" + dir.filename().string();
  }
  skein::executor::ExecutorNode node(options, skein::Clock::Real());
  if (absl::Status s = node.Start(); !s.ok()) return fail(s);
  int sig = skein::WaitForTerminationSignal();
  skein::Logger("executor")->info("signal {} received: shutting down", sig);
  node.Stop();
  skein::Logger("executor")->info("stopped");
  return 0;
}
