#include "skein/executor/control_client.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "skein/common/grpc_status.h"
#include "skein/common/logging.h"
#include "skein/common/status.h"

namespace skein::executor {
namespace {

constexpr absl::Duration kRpcDeadline = absl::Seconds(5);
constexpr absl::Duration kMinBackoff = absl::Milliseconds(100);
constexpr absl::Duration kMaxBackoff = absl::Seconds(2);

}  // namespace

ControlClient::ControlClient(Options options, Clock* clock)
    : options_(std::move(options)),
      clock_(clock),
      stub_(v1::ExecutorControl::NewStub(
          grpc::CreateChannel(options_.coordinator, options_.credentials != nullptr
                                                        ? options_.credentials
                                                        : grpc::InsecureChannelCredentials()))) {}

ControlClient::~ControlClient() { Stop(); }

v1::RegisterResponse ControlClient::registration() const {
  absl::MutexLock lock(&mu_);
  return registration_;
}

absl::Status ControlClient::RegisterOnce() {
  v1::RegisterRequest request;
  *request.mutable_info() = options_.info;
  v1::RegisterResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kRpcDeadline));
  if (!options_.token.empty()) context.AddMetadata("authorization", "Bearer " + options_.token);
  grpc::Status status = stub_->Register(&context, request, &response);
  if (!status.ok()) return FromGrpc(status);
  absl::MutexLock lock(&mu_);
  registration_ = response;
  return absl::OkStatus();
}

absl::Status ControlClient::Start() {
  auto log = Logger("executor");
  absl::Time give_up = clock_->Now() + options_.connect_timeout;
  absl::Duration backoff = kMinBackoff;
  absl::Status last;
  while (true) {
    last = RegisterOnce();
    if (last.ok()) break;
    if (last.code() != absl::StatusCode::kUnavailable &&
        last.code() != absl::StatusCode::kDeadlineExceeded) {
      return Annotate(last, absl::StrCat("the coordinator at ", options_.coordinator,
                                         " refused the registration"));
    }
    if (clock_->Now() + backoff > give_up) {
      return absl::UnavailableError(absl::StrCat(
          "cannot reach the coordinator at ", options_.coordinator, " within ",
          absl::FormatDuration(options_.connect_timeout), " (", last.message(),
          "): start it first (./deploy/cluster.sh start) or pass --coordinator HOST:PORT"));
    }
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
  v1::RegisterResponse reg = registration();
  log->info("executor={} registered with {} epoch={} lease={}ms kafka={}", options_.info.id(),
            options_.coordinator, reg.epoch(), reg.lease_ms(), reg.kafka_bootstrap());
  session_thread_ = std::thread([this] { RunSessions(); });
  return absl::OkStatus();
}

void ControlClient::RunSessions() {
  auto log = Logger("executor");
  absl::Duration backoff = kMinBackoff;
  bool registered = true;  // Start() registered already
  while (!stopping_.HasBeenNotified()) {
    if (!registered) {
      absl::Status status = RegisterOnce();
      if (!status.ok()) {
        log->warn("executor={} re-registration failed: {}; retrying in {}", options_.info.id(),
                  status.ToString(), absl::FormatDuration(backoff));
        stopping_.WaitForNotificationWithTimeout(backoff);
        backoff = std::min(backoff * 2, kMaxBackoff);
        continue;
      }
      log->info("executor={} re-registered epoch={}", options_.info.id(), registration().epoch());
    }
    grpc::Status end = RunSession(registration());
    registered = false;
    if (stopping_.HasBeenNotified()) break;
    log->warn("executor={} session ended ({}: {}); registering again", options_.info.id(),
              static_cast<int>(end.error_code()), end.error_message());
    backoff = kMinBackoff;
  }
}

grpc::Status ControlClient::RunSession(const v1::RegisterResponse& reg) {
  grpc::ClientContext context;
  if (!options_.token.empty()) context.AddMetadata("authorization", "Bearer " + options_.token);
  {
    absl::MutexLock lock(&mu_);
    if (stopping_.HasBeenNotified()) return grpc::Status::CANCELLED;
    live_context_ = &context;
  }
  auto stream = stub_->Session(&context);
  absl::Notification stream_done;
  std::thread reader([&] {
    v1::CoordinatorMessage message;
    while (stream->Read(&message)) {
      // Acks need no action.
      if (message.has_assignment() && options_.on_assignment) {
        options_.on_assignment(reg, message.assignment());
      }
    }
    stream_done.Notify();
  });
  const absl::Duration interval =
      absl::Milliseconds(std::max<uint32_t>(reg.heartbeat_interval_ms(), 50));
  bool resync = false;
  while (!stream_done.HasBeenNotified() && !stopping_.HasBeenNotified()) {
    if (options_.take_resync && options_.take_resync()) {
      resync = true;
      break;
    }
    v1::ExecutorMessage heartbeat;
    heartbeat.set_executor_id(options_.info.id());
    heartbeat.set_epoch(reg.epoch());
    heartbeat.mutable_heartbeat()->set_sent_at_unix_ms(absl::ToUnixMillis(clock_->Now()));
    if (options_.task_report) {
      v1::ExecutorMessage report;
      report.set_executor_id(options_.info.id());
      report.set_epoch(reg.epoch());
      *report.mutable_task_status() = options_.task_report();
      uint32_t running = 0;
      for (const v1::TaskStatus& s : report.task_status().tasks()) {
        running += !s.standby() && s.state() == v1::TASK_STATE_RUNNING;
      }
      heartbeat.mutable_heartbeat()->mutable_load()->set_running_tasks(running);
      heartbeat.mutable_heartbeat()->set_applied_assignment_version(
          report.task_status().applied_assignment_version());
      if (!stream->Write(heartbeat)) break;
      if (!stream->Write(report)) break;
    } else if (!stream->Write(heartbeat)) {
      break;
    }
    stream_done.WaitForNotificationWithTimeout(interval);
  }
  if (stopping_.HasBeenNotified() || resync) {
    stream->WritesDone();
    context.TryCancel();  // never wait on a coordinator that does not answer
  }
  // Otherwise the stream ended or a write failed (which ends the call): the reader sees the
  // end, and Finish() reports the coordinator's own status (e.g. ABORTED after a lost lease).
  reader.join();
  grpc::Status status = stream->Finish();
  absl::MutexLock lock(&mu_);
  live_context_ = nullptr;
  return status;
}

void ControlClient::Stop() {
  if (stopping_.HasBeenNotified()) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_.Notify();
    if (live_context_ != nullptr) live_context_->TryCancel();
  }
  if (session_thread_.joinable()) session_thread_.join();
}

}  // namespace skein::executor
