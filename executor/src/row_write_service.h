#pragma once

// Private: the executor's side of INSERT INTO ... VALUES on the cluster (skein.v1.RowWriter).

#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "skein/executor/task_host.h"
#include "skein/v1/rows.grpc.pb.h"
#include "task_producer.h"

namespace skein::executor {

// Encodes the coordinator's compiled rows with the target's formats (the same SinkOperator a
// query's sink uses, so keys, partitions and Schema Registry subjects match what queries
// write) and produces them on one idempotent producer, created at the first call.
// Owned by the ExecutorNode. Threading: gRPC's request threads; calls are serialized.
class RowWriteService final : public v1::RowWriter::Service {
 public:
  RowWriteService(std::string executor_id, std::string cluster_secret, TaskHost* tasks)
      : executor_id_(std::move(executor_id)),
        cluster_secret_(std::move(cluster_secret)),
        tasks_(tasks) {}

  grpc::Status WriteRows(grpc::ServerContext* context, const v1::WriteRowsRequest* request,
                         v1::WriteRowsResponse* response) override;

 private:
  absl::Status Write(const v1::WriteRowsRequest& request, v1::WriteRowsResponse* response)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string executor_id_;
  const std::string cluster_secret_;
  TaskHost* const tasks_;
  absl::Mutex mu_;
  std::unique_ptr<TaskProducer> producer_ ABSL_GUARDED_BY(mu_);
};

}  // namespace skein::executor
