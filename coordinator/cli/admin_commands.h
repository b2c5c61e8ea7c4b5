#pragma once

#include <functional>
#include <map>

// `skein` subcommands that talk to the coordinator's admin API.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "skein/v1/admin.grpc.pb.h"

namespace skein::cli {

// How the CLI reaches the coordinator: its bearer token (empty: none, for an
// --insecure-single-tenant coordinator) and the channel credentials (null: plaintext).
struct Connection {
  std::string coordinator;
  std::string token;
  std::shared_ptr<grpc::ChannelCredentials> credentials;

  // A client context with `deadline` (none when infinite) and the token's metadata.
  void Prepare(grpc::ClientContext* context, absl::Duration deadline) const;
  std::shared_ptr<grpc::Channel> Channel() const;
};

// A connection to the coordinator's admin API with the CLI's deadline on every call.
class AdminClient {
 public:
  explicit AdminClient(Connection connection);

  // Each returns UNAVAILABLE with a "cannot reach the coordinator" message and a hint when
  // the coordinator is down, or the coordinator's own status otherwise.
  absl::Status ListExecutors(v1::ListExecutorsResponse* out);
  absl::Status DescribeExecutor(const std::string& id, v1::ExecutorView* out);
  // DrainExecutor when `drain`, else UndrainExecutor.
  absl::Status DrainExecutor(const std::string& id, bool drain, v1::ExecutorView* out);
  absl::Status GetClusterInfo(v1::ClusterInfo* out);
  absl::Status ExecuteStatements(const std::string& tenant, const std::string& sql,
                                 v1::ExecuteStatementsResponse* out);
  absl::Status ListQueries(const std::string& tenant, v1::ListQueriesResponse* out);
  absl::Status DescribeQuery(const std::string& tenant, const std::string& id, v1::QueryView* out);
  absl::Status TerminateQuery(const std::string& tenant, const std::string& id);
  // Streams a push query's header and rows to `on_message` until LIMIT or the stream ends.
  absl::Status PushQuery(const std::string& tenant, const std::string& sql,
                         const std::map<std::string, std::string>& properties,
                         const std::function<void(const v1::PushQueryMessage&)>& on_message);
  // A pull query (SELECT without EMIT CHANGES): the header, then one message per row.
  absl::Status PullQuery(const std::string& tenant, const std::string& sql,
                         const std::function<void(const v1::PullQueryMessage&)>& on_message);

 private:
  absl::Status Translate(const grpc::Status& status) const;

  Connection connection_;
  std::unique_ptr<v1::Admin::Stub> stub_;
};

// A coordinator's status with the CLI's "cannot reach the coordinator" hint for UNAVAILABLE.
absl::Status TranslateRpcStatus(const grpc::Status& status, const std::string& coordinator);

// Renders executors as the aligned table `skein executors list` prints.
std::string FormatExecutorTable(const v1::ListExecutorsResponse& executors, int64_t now_unix_ms);
std::string FormatExecutor(const v1::ExecutorView& view, int64_t now_unix_ms);
std::string FormatClusterInfo(const v1::ClusterInfo& info);
// One block per statement result, as `skein sql` prints them.
std::string FormatStatementOutcomes(const v1::ExecuteStatementsResponse& response);
std::string FormatQueryTable(const v1::ListQueriesResponse& queries);
std::string FormatQuery(const v1::QueryView& query);
// One line per push query message: the header's schema, then `key | value` per row.
std::string FormatPushMessage(const v1::PushQueryMessage& message);
// The header's schema, then one JSON object per row.
std::string FormatPullMessage(const v1::PullQueryMessage& message);

}  // namespace skein::cli
