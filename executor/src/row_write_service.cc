#include "row_write_service.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cluster_auth.h"
#include "skein/common/grpc_status.h"
#include "skein/common/logging.h"
#include "skein/common/status.h"
#include "skein/runtime/operators.h"
#include "skein/runtime/plan_types.h"
#include "skein/runtime/processing_log.h"

namespace skein::executor {

namespace {

// The request's rows as sink input rows: one value per schema column, coerced by type.
absl::StatusOr<runtime::RowBatch> DecodeRows(const v1::WriteRowsRequest& request,
                                             const runtime::RowSchema& schema) {
  runtime::RowBatch batch;
  batch.reserve(static_cast<size_t>(request.rows_size()));
  const int64_t now = absl::ToUnixMillis(absl::Now());
  for (int r = 0; r < request.rows_size(); ++r) {
    const v1::InsertedRow& in = request.rows(r);
    if (static_cast<size_t>(in.values_size()) != schema.columns.size()) {
      return absl::InvalidArgumentError(absl::StrCat("row ", r + 1, " has ", in.values_size(),
                                                     " values for ", schema.columns.size(),
                                                     " columns"));
    }
    runtime::RowRecord row;
    row.timestamp = in.has_rowtime() ? in.rowtime() : now;
    if (row.timestamp < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("row ", r + 1, ": ROWTIME ", row.timestamp, " is negative"));
    }
    for (int c = 0; c < in.values_size(); ++c) {
      absl::StatusOr<types::Value> v = runtime::LiteralValue(in.values(c), schema.columns[c].type);
      if (!v.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "row ", r + 1, ", column ", schema.columns[c].name, ": ", v.status().message()));
      }
      row.values.push_back(*std::move(v));
    }
    batch.push_back(std::move(row));
  }
  return batch;
}

}  // namespace

grpc::Status RowWriteService::WriteRows(grpc::ServerContext* context,
                                        const v1::WriteRowsRequest* request,
                                        v1::WriteRowsResponse* response) {
  if (grpc::Status auth = CheckClusterSecret(*context, cluster_secret_); !auth.ok()) return auth;
  try {
    absl::MutexLock lock(&mu_);
    return ToGrpc(Write(*request, response));
  } catch (const std::exception& e) {
    Logger("executor")->error("WriteRows: {}", e.what());
    return ToGrpc(absl::InternalError(absl::StrCat("WriteRows: ", e.what())));
  }
}

absl::Status RowWriteService::Write(const v1::WriteRowsRequest& request,
                                    v1::WriteRowsResponse* response) {
  SKEIN_ASSIGN_OR_RETURN(runtime::RowSchema schema, runtime::FromProto(request.sink().schema()));
  SKEIN_ASSIGN_OR_RETURN(runtime::RowBatch rows, DecodeRows(request, schema));
  runtime::InMemoryProcessingLog failures;
  runtime::OperatorContext ctx;
  ctx.query_id = "INSERT VALUES";
  ctx.log = &failures;
  SKEIN_ASSIGN_OR_RETURN(std::unique_ptr<runtime::SinkOperator> sink,
                         runtime::SinkOperator::Create(request.sink(), &ctx));
  if (producer_ == nullptr) {
    const std::string bootstrap = tasks_->KafkaBootstrap();
    if (bootstrap.empty()) {
      return absl::UnavailableError(
          absl::StrCat("executor ", executor_id_, " is not connected to the coordinator yet"));
    }
    SKEIN_ASSIGN_OR_RETURN(
        producer_, TaskProducer::Create(bootstrap, absl::StrCat(executor_id_, "-insert"), ""));
  }
  SKEIN_ASSIGN_OR_RETURN(int32_t partitions, producer_->Partitions(sink->topic()));
  std::vector<runtime::Record> records;
  sink->Encode(rows, partitions, &records);
  if (records.size() != rows.size()) {
    // Nothing is produced unless every row encodes: a statement's rows land together or not.
    std::vector<runtime::ProcessingLogEntry> entries = failures.Entries();
    return absl::InvalidArgumentError(absl::StrCat(
        "Failed to insert values into '", request.sink().topic().name(),
        "': ", entries.empty() ? "a row could not be serialized" : entries.front().reason));
  }
  for (runtime::Record& r : records) SKEIN_RETURN_IF_ERROR(producer_->Write(std::move(r)));
  SKEIN_RETURN_IF_ERROR(producer_->Flush());
  response->set_rows_written(static_cast<uint32_t>(records.size()));
  return absl::OkStatus();
}

}  // namespace skein::executor
