#include "executor_control_service.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "skein/common/grpc_status.h"
#include "skein/common/logging.h"

namespace skein::coordinator {
namespace {

constexpr size_t kOutboxCapacity = 256;

}  // namespace

ExecutorControlService::ExecutorControlService(Membership* membership, ClusterSettings settings)
    : membership_(membership), settings_(std::move(settings)) {}

grpc::Status ExecutorControlService::Register(grpc::ServerContext* context,
                                              const v1::RegisterRequest* request,
                                              v1::RegisterResponse* response) {
  if (auth_ != nullptr) {
    if (absl::Status s = auth_->RequireAdmin(*context); !s.ok()) return ToGrpc(s);
  }
  absl::StatusOr<uint64_t> epoch = membership_->Register(request->info());
  if (!epoch.ok()) return ToGrpc(epoch.status());
  const v1::ExecutorInfo& info = request->info();
  Logger("coordinator")
      ->info("executor={} registered address={} cores={} memory={} epoch={}", info.id(),
             info.address(), info.cores(), info.memory_bytes(), *epoch);
  int64_t lease_ms = absl::ToInt64Milliseconds(membership_->lease());
  response->set_epoch(*epoch);
  response->set_lease_ms(static_cast<uint32_t>(lease_ms));
  // Three heartbeats per lease: one lost or late heartbeat never costs the lease.
  response->set_heartbeat_interval_ms(static_cast<uint32_t>(std::max<int64_t>(lease_ms / 3, 50)));
  response->set_kafka_bootstrap(settings_.kafka_bootstrap);
  response->set_kafka_cluster_id(settings_.kafka_cluster_id);
  return grpc::Status::OK;
}

std::shared_ptr<ExecutorControlService::Outbox> ExecutorControlService::OpenOutbox(
    const std::string& id) {
  auto outbox = std::make_shared<Outbox>(kOutboxCapacity);
  absl::MutexLock lock(&mu_);
  auto& slot = outboxes_[id];
  if (slot != nullptr) slot->Close();  // supersedes the older session of this executor
  slot = outbox;
  return outbox;
}

void ExecutorControlService::CloseOutbox(const std::string& id,
                                         const std::shared_ptr<Outbox>& outbox) {
  outbox->Close();
  absl::MutexLock lock(&mu_);
  auto it = outboxes_.find(id);
  if (it != outboxes_.end() && it->second == outbox) outboxes_.erase(it);
}

absl::Status ExecutorControlService::Send(const std::string& id, v1::CoordinatorMessage message) {
  std::shared_ptr<Outbox> outbox;
  {
    absl::MutexLock lock(&mu_);
    auto it = outboxes_.find(id);
    if (it != outboxes_.end()) outbox = it->second;
  }
  if (outbox == nullptr || !outbox->Push(std::move(message))) {
    return absl::NotFoundError(absl::StrCat("executor '", id, "' has no open session"));
  }
  return absl::OkStatus();
}

void ExecutorControlService::CloseAll() {
  absl::MutexLock lock(&mu_);
  for (auto& [id, outbox] : outboxes_) outbox->Close();
}

grpc::Status ExecutorControlService::Session(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::CoordinatorMessage, v1::ExecutorMessage>* stream) {
  if (auth_ != nullptr) {
    if (absl::Status s = auth_->RequireAdmin(*context); !s.ok()) return ToGrpc(s);
  }
  auto log = Logger("coordinator");
  v1::ExecutorMessage message;
  if (!stream->Read(&message)) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "session closed before its first message");
  }
  const std::string id = message.executor_id();
  const uint64_t epoch = message.epoch();
  if (absl::Status current = membership_->CheckCurrent(id, epoch); !current.ok()) {
    return ToGrpc(current);
  }
  std::shared_ptr<Outbox> outbox = OpenOutbox(id);
  std::thread writer([stream, outbox, context, epoch] {
    while (std::optional<v1::CoordinatorMessage> out = outbox->Pop()) {
      out->set_epoch(epoch);
      if (!stream->Write(*out)) break;
    }
    // The stream is over for the writer: make the reader's Read() return too.
    context->TryCancel();
  });

  if (listener_ != nullptr) listener_->OnSessionOpened(id);

  absl::Status end = absl::OkStatus();
  do {
    if (message.executor_id() != id || message.epoch() != epoch) {
      end = absl::InvalidArgumentError("a session carries one executor id and epoch");
      break;
    }
    if (message.has_heartbeat()) {
      end = membership_->Heartbeat(id, epoch, message.heartbeat().load());
      if (!end.ok()) break;
      v1::CoordinatorMessage ack;
      ack.set_epoch(epoch);
      ack.mutable_ack()->set_lease_expires_unix_ms(
          absl::ToUnixMillis(membership_->LeaseDeadline(id)));
      if (!outbox->Push(std::move(ack))) break;
    }
    if (message.has_task_status() && listener_ != nullptr) {
      listener_->OnTaskStatus(id, message.task_status());
    }
  } while (stream->Read(&message));

  bool superseded = outbox->closed() && end.ok();
  CloseOutbox(id, outbox);
  writer.join();
  if (!end.ok()) {
    log->warn("executor={} epoch={} session ended: {}", id, epoch, end.ToString());
    return ToGrpc(end);
  }
  if (superseded) {
    return grpc::Status(grpc::StatusCode::ABORTED, "session superseded by a newer one");
  }
  log->info("executor={} epoch={} session closed", id, epoch);
  return grpc::Status::OK;
}

}  // namespace skein::coordinator
