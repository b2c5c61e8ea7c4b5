#include "skein/coordinator/coordinator_server.h"

#include <cstdio>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "admin_service.h"
#include "authenticator.h"
#include "coordinator_metrics.h"
#include "executor_control_service.h"
#include "metadata_log.h"
#include "metadata_replay.h"
#include "query_manager.h"
#include "skein/common/grpc_server.h"
#include "skein/common/kafka.h"
#include "skein/common/kafka_admin.h"
#include "skein/common/logging.h"
#include "skein/common/status.h"
#include "skein/common/tls.h"
#include "skein/tenant/admin_token.h"
#include "skein/tenant/tenant_name.h"
#include "skein/tenant/tenant_registry.h"
#include "skein/tenant/token.h"
#include "tenant_policy.h"
#include "tenant_service.h"

namespace skein::coordinator {

CoordinatorServer::CoordinatorServer(CoordinatorOptions options, Clock* clock)
    : options_(std::move(options)), clock_(clock) {}

CoordinatorServer::~CoordinatorServer() { Stop(); }

absl::Status CoordinatorServer::StartTenancy() {
  registry_ = std::make_unique<tenant::TenantRegistry>(clock_);
  auth_ = std::make_unique<Authenticator>(registry_.get(), options_.insecure_single_tenant);
  if (options_.insecure_single_tenant) {
    Logger("coordinator")
        ->warn("--insecure-single-tenant: no authentication, every caller is the platform admin");
    return absl::OkStatus();
  }
  SKEIN_ASSIGN_OR_RETURN(tenant::AdminToken admin,
                         tenant::LoadAdminToken(options_.admin_token_file));
  registry_->SetAdminTokenDigest(tenant::HashToken(admin.secret));
  executor_secret_ = admin.secret;
  if (admin.generated) {
    // Shown once: only its digest is kept. Executors need it too (--token-file).
    std::printf("skein-coordinator: generated platform admin token (shown once): %s\n",
                admin.secret.c_str());
    std::fflush(stdout);
  }
  return registry_->Create(std::string(tenant::kDefaultTenant), tenant::Quota{});
}

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

  SKEIN_RETURN_IF_ERROR(StartTenancy());
  std::shared_ptr<grpc::ServerCredentials> tls;
  if (!options_.tls_cert_file.empty() || !options_.tls_key_file.empty()) {
    SKEIN_ASSIGN_OR_RETURN(tls,
                           TlsServerCredentials(options_.tls_cert_file, options_.tls_key_file));
  }
  ClusterSettings settings{options_.kafka_bootstrap, *cluster_id};
  membership_ = std::make_unique<Membership>(clock_, options_.lease);
  control_ = std::make_unique<ExecutorControlService>(membership_.get(), settings);
  SKEIN_ASSIGN_OR_RETURN(kafka_, KafkaAdmin::Create(options_.kafka_bootstrap));
  queries_ = std::make_unique<QueryManager>(membership_.get(), control_.get(), kafka_.get(),
                                            options_.kafka_bootstrap);
  control_->set_listener(queries_.get());
  queries_->set_executor_secret(executor_secret_);
  queries_->set_quota_lookup([registry = registry_.get()](const std::string& tenant) {
    absl::StatusOr<tenant::Quota> quota = registry->QuotaOf(tenant);
    return quota.ok() ? *quota : tenant::Quota{};
  });
  if (!options_.insecure_single_tenant) control_->set_authenticator(auth_.get());
  policy_ = std::make_unique<TenantPolicy>(registry_.get(), queries_.get(),
                                           !options_.insecure_single_tenant);
  queries_->set_statement_check([policy = policy_.get()](const std::string& tenant,
                                                         const compiler::StatementResult& result,
                                                         const compiler::Catalog& catalog) {
    return policy->Check(tenant, result, catalog);
  });
  admin_ = std::make_unique<AdminService>(membership_.get(), queries_.get(), settings,
                                          clock_->Now(), auth_.get());
  tenants_ = std::make_unique<TenantService>(registry_.get(), queries_.get(), auth_.get());
  SKEIN_RETURN_IF_ERROR(StartMetadataLog());
  if (options_.metrics_port != 0) {
    SKEIN_ASSIGN_OR_RETURN(
        metrics_, MetricsServer::Start(
                      HostPort{options_.listen.host, static_cast<uint16_t>(options_.metrics_port)},
                      [this] { return RenderMetrics(); }));
  }
  SKEIN_ASSIGN_OR_RETURN(
      StartedServer started,
      StartGrpcServer(options_.listen, {control_.get(), admin_.get(), tenants_.get()}, tls));
  server_ = std::move(started.server);
  address_ = started.address;
  lease_checker_ = std::thread([this] { CheckLeases(); });
  log->info("coordinator listening on {} lease={} tls={} auth={}", address_.ToString(),
            absl::FormatDuration(options_.lease), tls != nullptr ? "on" : "off",
            options_.insecure_single_tenant ? "off (insecure single tenant)" : "bearer tokens");
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

std::string CoordinatorServer::RenderMetrics() const {
  std::vector<TenantUsageRow> rows;
  for (const tenant::TenantInfo& t : registry_->List()) rows.push_back({t.name, {}});
  if (options_.insecure_single_tenant && rows.empty()) {
    rows.push_back({std::string(tenant::kDefaultTenant), {}});
  }
  for (TenantUsageRow& row : rows) row.load = queries_->Load(row.tenant);
  return RenderCoordinatorMetrics(rows, membership_->List());
}

absl::Status CoordinatorServer::StartMetadataLog() {
  if (options_.metadata_topic.empty()) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<MetadataLog>> log =
      MetadataLog::Open(options_.kafka_bootstrap, kafka_.get(), options_.metadata_topic);
  if (!log.ok()) {
    return Annotate(log.status(), absl::StrCat("metadata topic ", options_.metadata_topic));
  }
  metadata_ = std::move(*log);
  absl::StatusOr<std::vector<v1::MetadataEvent>> events = metadata_->ReadAll();
  if (!events.ok()) {
    return Annotate(events.status(), absl::StrCat("replaying ", options_.metadata_topic));
  }
  const ReplayStats stats = ReplayMetadata(*events, registry_.get(), queries_.get());
  Logger("coordinator")
      ->info("replayed {} metadata events ({} statements, {} no longer apply) from {}",
             stats.events, stats.statements, stats.failed, options_.metadata_topic);
  MetadataLog* sink = metadata_.get();
  tenants_->set_recorder([sink](const v1::MetadataEvent& e) { return sink->Append(e); });
  queries_->set_statement_log([sink](const std::string& tenant, std::string_view statement,
                                     const std::map<std::string, std::string>& properties) {
    v1::MetadataEvent e;
    v1::StatementAppliedEvent* s = e.mutable_statement_applied();
    s->set_tenant(tenant);
    s->set_sql(std::string(statement));
    for (const auto& [k, v] : properties) (*s->mutable_properties())[k] = v;
    return sink->Append(e);
  });
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
  if (metrics_ != nullptr) metrics_->Stop();
  if (control_ != nullptr) control_->CloseAll();
  if (server_ != nullptr) server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  if (lease_checker_.joinable()) lease_checker_.join();
  if (server_ != nullptr) server_->Wait();
}

}  // namespace skein::coordinator
