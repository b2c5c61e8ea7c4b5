#include "skein/executor/executor_node.h"

#include <unistd.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "executor_metrics.h"
#include "row_write_service.h"
#include "skein/common/grpc_server.h"
#include "skein/common/logging.h"
#include "skein/common/status.h"
#include "skein/common/tls.h"
#include "skein/common/version.h"
#include "table_read_service.h"

namespace skein::executor {
namespace {

uint64_t PhysicalMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page_size > 0
             ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size)
             : 0;
}

}  // namespace

ExecutorNode::ExecutorNode(ExecutorOptions options, Clock* clock)
    : options_(std::move(options)), clock_(clock) {}

ExecutorNode::~ExecutorNode() { Stop(); }

absl::Status ExecutorNode::Start() {
  if (options_.id.empty()) {
    return absl::InvalidArgumentError("executor id is empty: pass --id NAME");
  }
  SKEIN_ASSIGN_OR_RETURN(state::DataDir dir, state::DataDir::Open(options_.data_dir));
  data_dir_.emplace(std::move(dir));

  ControlClient::Options control;
  control.coordinator = options_.coordinator;
  control.token = options_.cluster_token;
  SKEIN_ASSIGN_OR_RETURN(control.credentials, ClientCredentials(options_.coordinator_tls_ca));
  control.connect_timeout = options_.connect_timeout;
  control.info.set_id(options_.id);
  control.info.set_cores(options_.cores != 0 ? options_.cores
                                             : std::max(1u, std::thread::hardware_concurrency()));
  control.info.set_memory_bytes(options_.memory_bytes != 0 ? options_.memory_bytes
                                                           : PhysicalMemoryBytes());
  control.info.set_version(kVersion);
  control.info.set_workers(static_cast<uint32_t>(std::max(1, options_.workers)));
  TaskHostOptions task_options;
  task_options.executor_id = options_.id;
  task_options.data_dir = options_.data_dir;
  task_options.workers = options_.workers;
  tasks_ = std::make_unique<TaskHost>(std::move(task_options));
  table_reader_ =
      std::make_unique<TableReadService>(options_.id, options_.cluster_token, tasks_.get());
  row_writer_ =
      std::make_unique<RowWriteService>(options_.id, options_.cluster_token, tasks_.get());
  SKEIN_ASSIGN_OR_RETURN(
      StartedServer started,
      StartGrpcServer(options_.listen, {table_reader_.get(), row_writer_.get()}));
  server_ = std::move(started.server);
  address_ = started.address;
  control.info.set_address(address_.ToString());
  if (options_.metrics_port != 0) {
    SKEIN_ASSIGN_OR_RETURN(
        metrics_, MetricsServer::Start(
                      HostPort{options_.listen.host, static_cast<uint16_t>(options_.metrics_port)},
                      [tasks = tasks_.get()] { return RenderExecutorMetrics(tasks->Report()); }));
  }
  control.on_assignment = [tasks = tasks_.get()](const v1::RegisterResponse& reg,
                                                 const v1::AssignmentChange& change) {
    tasks->Apply(reg.kafka_bootstrap(), change);
  };
  control.task_report = [tasks = tasks_.get()] { return tasks->Report(); };
  control.take_resync = [tasks = tasks_.get()] { return tasks->TakeResyncRequest(); };
  control_ = std::make_unique<ControlClient>(std::move(control), clock_);
  SKEIN_RETURN_IF_ERROR(control_->Start());
  Logger("executor")
      ->info("executor={} serving on {} data_dir={}", options_.id, address_.ToString(),
             options_.data_dir);
  return absl::OkStatus();
}

void ExecutorNode::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (metrics_ != nullptr) metrics_->Stop();
  if (control_ != nullptr) control_->Stop();
  if (tasks_ != nullptr) tasks_->Stop();
  if (server_ != nullptr) {
    server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    server_->Wait();
  }
}

}  // namespace skein::executor
