#include "skein/coordinator/coordinator_server.h"

#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "admin_service.h"
#include "executor_control_service.h"
#include "query_manager.h"
#include "skein/common/grpc_server.h"
#include "skein/common/kafka.h"
#include "skein/common/kafka_admin.h"
#include "skein/common/logging.h"
#include "skein/common/status.h"

namespace skein::coordinator {

CoordinatorServer::CoordinatorServer(CoordinatorOptions options, Clock* clock)
    : options_(std::move(options)), clock_(clock) {}

CoordinatorServer::~CoordinatorServer() { Stop(); }

absl::Status CoordinatorServer::Start() {
  auto log = Logger("coordinator");
  absl::StatusOr<std::string> cluster_id =
      ProbeKafkaCluster(options_.kafka_bootstrap, options_.kafka_timeout);
  if (!cluster_id.ok()) {
    return Annotate(cluster_id.status(),
                    "Kafka is unreachable (start a broker with ./deploy/kafka.sh start, or pass "
                    "--bootstrap HOST:PORT)");
  }
  log->info("kafka bootstrap={} cluster_id={}", options_.kafka_bootstrap, *cluster_id);

  ClusterSettings settings{options_.kafka_bootstrap, *cluster_id};
  membership_ = std::make_unique<Membership>(clock_, options_.lease);
  control_ = std::make_unique<ExecutorControlService>(membership_.get(), settings);
  SKEIN_ASSIGN_OR_RETURN(kafka_, KafkaAdmin::Create(options_.kafka_bootstrap));
  queries_ = std::make_unique<QueryManager>(membership_.get(), control_.get(), kafka_.get(),
                                            options_.kafka_bootstrap);
  control_->set_listener(queries_.get());
  admin_ =
      std::make_unique<AdminService>(membership_.get(), queries_.get(), settings, clock_->Now());
  SKEIN_ASSIGN_OR_RETURN(StartedServer started,
                         StartGrpcServer(options_.listen, {control_.get(), admin_.get()}));
  server_ = std::move(started.server);
  address_ = started.address;
  lease_checker_ = std::thread([this] { CheckLeases(); });
  log->info("coordinator listening on {} lease={}", address_.ToString(),
            absl::FormatDuration(options_.lease));
  if (!options_.queries_file.empty()) {
    std::ifstream in(options_.queries_file);
    const std::string sql((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      Stop();
      return absl::FailedPreconditionError(
          absl::StrCat("cannot read --queries-file ", options_.queries_file));
    }
    absl::StatusOr<v1::ExecuteStatementsResponse> ran = queries_->Execute("default", sql);
    if (!ran.ok()) {
      Stop();
      return Annotate(ran.status(), absl::StrCat("--queries-file ", options_.queries_file));
    }
    log->info("ran {} statements of {}", ran->results_size(), options_.queries_file);
  }
  return absl::OkStatus();
}

void CoordinatorServer::CheckLeases() {
  auto log = Logger("coordinator");
  // Check often relative to the lease so an expiry is noticed within a small fraction of it.
  const absl::Duration tick = std::min(absl::Milliseconds(100), options_.lease / 10);
  while (!stopping_.WaitForNotificationWithTimeout(tick)) {
    std::vector<std::string> dead = membership_->ExpireLeases();
    for (const std::string& id : dead) {
      absl::StatusOr<v1::ExecutorView> view = membership_->Describe(id);
      log->warn("executor={} declared DEAD: {}", id,
                view.ok() ? view->state_reason() : view.status().ToString());
    }
    // Their tasks move to live executors once their Kafka transactions are fenced (retried
    // every tick until Kafka answers).
    queries_->FenceDeadExecutors();
  }
}

void CoordinatorServer::Stop() {
  if (stopping_.HasBeenNotified()) return;
  stopping_.Notify();
  if (control_ != nullptr) control_->CloseAll();
  if (server_ != nullptr) server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  if (lease_checker_.joinable()) lease_checker_.join();
  if (server_ != nullptr) server_->Wait();
}

}  // namespace skein::coordinator
