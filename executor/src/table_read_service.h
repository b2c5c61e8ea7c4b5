#pragma once

// Private: the executor's side of pull queries (skein.v1.TableReader).

#include <string>

#include "skein/executor/task_host.h"
#include "skein/v1/pull.grpc.pb.h"

namespace skein::executor {

// Answers ReadTable for the partitions whose tasks RUN on this executor, from their committed
// state (runtime::TableReader). Each request answers only for its own partitions: the
// coordinator fans a pull query out to the holders of the table's tasks and merges.
// Owned by the ExecutorNode; stateless over the TaskHost. Threading: gRPC's request threads,
// concurrently with the workers (RocksDB reads are thread-safe; no task state is touched).
class TableReadService final : public v1::TableReader::Service {
 public:
  TableReadService(std::string executor_id, std::string cluster_secret, TaskHost* tasks)
      : executor_id_(std::move(executor_id)),
        cluster_secret_(std::move(cluster_secret)),
        tasks_(tasks) {}

  grpc::Status ReadTable(grpc::ServerContext* context, const v1::ReadTableRequest* request,
                         v1::ReadTableResponse* response) override;

 private:
  const std::string executor_id_;
  const std::string cluster_secret_;  // empty: no authentication (see cluster_auth.h)
  TaskHost* const tasks_;
};

}  // namespace skein::executor
