#include "cluster.h"

#include <signal.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "skein/common/grpc_status.h"

namespace skein::testing {

TestCluster::TestCluster(std::string name, int lease_ms)
    : name_(std::move(name)), lease_ms_(lease_ms), port_(FreePort()), dir_(ScratchDir(name_)) {
  // Logs and data of an earlier run would be mistaken for this one's.
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  admin_ = v1::Admin::NewStub(
      grpc::CreateChannel(coordinator_address(), grpc::InsecureChannelCredentials()));
}

TestCluster::~TestCluster() {
  for (auto& [id, process] : executors_) process->Signal(SIGTERM);
  for (auto& [id, process] : executors_) process->Wait(absl::Seconds(10));
  if (coordinator_ != nullptr) {
    coordinator_->Signal(SIGTERM);
    coordinator_->Wait(absl::Seconds(10));
  }
}

void TestCluster::EnableAuth() {
  admin_token_ = absl::StrCat("test-admin-token-", absl::ToUnixNanos(absl::Now()), "-", port_);
  std::ofstream(dir_ + "/admin-token") << admin_token_ << "\n";
  metadata_topic_ = absl::StrCat("_skein-metadata-", name_, "-", absl::ToUnixMillis(absl::Now()));
}

void TestCluster::RestartCoordinator() {
  ASSERT_NE(coordinator_, nullptr);
  coordinator_->Signal(SIGTERM);
  ASSERT_EQ(coordinator_->Wait(absl::Seconds(30)), 0) << coordinator_->Log();
  StartCoordinator(coordinator_extra_args_);
}

void TestCluster::Prepare(grpc::ClientContext* context, absl::Duration deadline) const {
  context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  if (!admin_token_.empty()) context->AddMetadata("authorization", "Bearer " + admin_token_);
}

void TestCluster::StartCoordinator(const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv{BinDir() + "/skein-coordinator",
                                "--listen",
                                coordinator_address(),
                                "--bootstrap",
                                bootstrap_.empty() ? KafkaBootstrap() : bootstrap_,
                                "--lease-ms",
                                std::to_string(lease_ms_)};
  if (admin_token_.empty()) {
    argv.push_back("--insecure-single-tenant");
  } else {
    argv.insert(argv.end(),
                {"--admin-token-file", dir_ + "/admin-token", "--metadata-topic", metadata_topic_});
  }
  coordinator_extra_args_ = extra_args;
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  coordinator_ = std::make_unique<Process>(
      std::move(argv),
      absl::StrCat(dir_, "/coordinator-", absl::ToUnixMillis(absl::Now()), ".log"));
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    if (ListExecutors().ok()) return;
    ASSERT_TRUE(coordinator_->running()) << coordinator_->Log();
    absl::SleepFor(absl::Milliseconds(50));
  }
  FAIL() << "coordinator did not answer within 30s:\n" << coordinator_->Log();
}

Process* TestCluster::StartExecutor(const std::string& id) { return StartExecutor(id, {}); }

Process* TestCluster::StartExecutor(const std::string& id,
                                    const std::vector<std::string>& extra_args) {
  std::string data_dir = dir_ + "/data/" + id;
  std::filesystem::create_directories(data_dir);
  auto& slot = executors_[id];
  if (slot != nullptr && slot->running()) {
    slot->Signal(SIGKILL);
    slot->Wait(absl::Seconds(10));
  }
  std::vector<std::string> argv{BinDir() + "/skein-executor",
                                "--id",
                                id,
                                "--coordinator",
                                coordinator_address(),
                                "--listen",
                                "127.0.0.1:0",
                                "--data-dir",
                                data_dir};
  if (!admin_token_.empty()) argv.insert(argv.end(), {"--token-file", dir_ + "/admin-token"});
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  slot = std::make_unique<Process>(
      std::move(argv), absl::StrCat(dir_, "/", id, "-", absl::ToUnixMillis(absl::Now()), ".log"));
  return slot.get();
}

absl::StatusOr<v1::ListExecutorsResponse> TestCluster::ListExecutors() {
  grpc::ClientContext context;
  Prepare(&context, absl::Seconds(5));
  v1::ListExecutorsResponse response;
  grpc::Status status = admin_->ListExecutors(&context, v1::ListExecutorsRequest(), &response);
  if (!status.ok()) return FromGrpc(status);
  return response;
}

absl::StatusOr<v1::ExecutorView> TestCluster::Describe(const std::string& id) {
  grpc::ClientContext context;
  Prepare(&context, absl::Seconds(5));
  v1::DescribeExecutorRequest request;
  request.set_id(id);
  v1::ExecutorView response;
  grpc::Status status = admin_->DescribeExecutor(&context, request, &response);
  if (!status.ok()) return FromGrpc(status);
  return response;
}

absl::Status TestCluster::StartExecutors(int count, absl::Duration timeout) {
  for (int i = 1; i <= count; ++i) StartExecutor(absl::StrCat("exec-", i));
  for (int i = 1; i <= count; ++i) {
    absl::StatusOr<v1::ExecutorView> alive =
        AwaitState(absl::StrCat("exec-", i), v1::EXECUTOR_STATE_ALIVE, timeout);
    if (!alive.ok()) return alive.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ExecutorView> TestCluster::Drain(const std::string& id, bool drain) {
  grpc::ClientContext context;
  Prepare(&context, absl::Seconds(5));
  v1::ExecutorView response;
  grpc::Status status;
  if (drain) {
    v1::DrainExecutorRequest request;
    request.set_id(id);
    status = admin_->DrainExecutor(&context, request, &response);
  } else {
    v1::UndrainExecutorRequest request;
    request.set_id(id);
    status = admin_->UndrainExecutor(&context, request, &response);
  }
  if (!status.ok()) return FromGrpc(status);
  return response;
}

absl::StatusOr<v1::ExecutorView> TestCluster::AwaitState(const std::string& id,
                                                         v1::ExecutorState state,
                                                         absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<v1::ExecutorView> view;
  while (absl::Now() < deadline) {
    view = Describe(id);
    if (view.ok() && view->state() == state) return view;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("executor ", id, " not in state ", v1::ExecutorState_Name(state), " after ",
                   absl::FormatDuration(timeout),
                   "; last: ", view.ok() ? view->ShortDebugString() : view.status().ToString()));
}

absl::StatusOr<v1::ExecuteStatementsResponse> TestCluster::Execute(const std::string& sql) {
  grpc::ClientContext context;
  Prepare(&context, absl::Seconds(60));
  v1::ExecuteStatementsRequest request;
  request.set_sql(sql);
  v1::ExecuteStatementsResponse response;
  grpc::Status status = admin_->ExecuteStatements(&context, request, &response);
  if (!status.ok()) return FromGrpc(status);
  return response;
}

absl::StatusOr<v1::QueryView> TestCluster::DescribeQuery(const std::string& id) {
  grpc::ClientContext context;
  Prepare(&context, absl::Seconds(5));
  v1::DescribeQueryRequest request;
  request.set_query_id(id);
  v1::QueryView response;
  grpc::Status status = admin_->DescribeQuery(&context, request, &response);
  if (!status.ok()) return FromGrpc(status);
  return response;
}

absl::Status TestCluster::PushQuery(
    const std::string& sql, const std::map<std::string, std::string>& props,
    const std::function<void(const v1::PushQueryMessage&)>& on_message, absl::Duration deadline) {
  grpc::ClientContext context;
  Prepare(&context, deadline);
  v1::PushQueryRequest request;
  request.set_sql(sql);
  for (const auto& [k, v] : props) (*request.mutable_properties())[k] = v;
  std::unique_ptr<grpc::ClientReader<v1::PushQueryMessage>> reader =
      admin_->PushQuery(&context, request);
  v1::PushQueryMessage message;
  while (reader->Read(&message)) on_message(message);
  return FromGrpc(reader->Finish());
}

absl::StatusOr<v1::QueryView> TestCluster::AwaitQueryRunning(
    const std::string& id, absl::Duration timeout, std::function<bool(const v1::QueryView&)> also) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<v1::QueryView> last = absl::NotFoundError("not described yet");
  while (absl::Now() < deadline) {
    last = DescribeQuery(id);
    if (last.ok() && last->state() == v1::QUERY_STATE_RUNNING && (!also || also(*last))) {
      return last;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "query ", id,
      " not running in time; last: ", last.ok() ? last->DebugString() : last.status().ToString()));
}

}  // namespace skein::testing
