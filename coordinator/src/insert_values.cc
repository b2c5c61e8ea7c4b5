// INSERT INTO ... VALUES on the cluster: the coordinator has compiled the rows (values coerced
// to the target's column types); an executor, which has the serializers, encodes and produces
// them through skein.v1.RowWriter (proto/skein/v1/rows.proto).

#include "absl/strings/str_cat.h"
#include "query_manager.h"
#include "skein/common/grpc_status.h"
#include "skein/common/status.h"
#include "skein/types/decimal.h"
#include "skein/v1/rows.grpc.pb.h"

namespace skein::coordinator {

namespace {

using types::TypeKind;

// A compiled INSERT value as a plan literal of its column's type.
v1::Literal ToLiteral(const types::Value& v) {
  v1::Literal out;
  switch (v.kind()) {
    case TypeKind::kNull:
      out.set_null_value(true);
      break;
    case TypeKind::kBoolean:
      out.set_bool_value(v.boolean());
      break;
    case TypeKind::kInteger:
      out.set_int_value(v.integer());
      break;
    case TypeKind::kBigint:
      out.set_bigint_value(v.bigint());
      break;
    case TypeKind::kDouble:
      out.set_double_value(v.dbl());
      break;
    case TypeKind::kDecimal:
      out.set_decimal_value(types::FormatDecimal(v.decimal_unscaled(), v.decimal_scale()));
      break;
    case TypeKind::kString:
      out.set_string_value(v.str());
      break;
    case TypeKind::kBytes:
      out.set_bytes_value(v.str());
      break;
    case TypeKind::kTimestamp:
      out.set_timestamp_value(v.timestamp());
      break;
    case TypeKind::kDate:
      out.set_date_value(v.date());
      break;
    case TypeKind::kTime:
      out.set_time_value(v.time());
      break;
    default:
      // The compiler accepts literal values only, which are never compound.
      out.set_null_value(true);
      break;
  }
  return out;
}

v1::WriteRowsRequest RowsRequest(const std::string& tenant, const compiler::StatementResult& rows) {
  v1::WriteRowsRequest request;
  request.set_tenant(tenant);
  v1::SinkOp* sink = request.mutable_sink();
  *sink->mutable_topic() = rows.topic_info;
  if (sink->topic().name().empty()) sink->mutable_topic()->set_name(rows.topic);
  sink->set_timestamp_column(-1);
  for (const types::Column& c : rows.row_schema.columns()) {
    if (c.ns != types::ColumnNamespace::kKey && c.ns != types::ColumnNamespace::kValue) continue;
    v1::Column* col = sink->mutable_schema()->add_columns();
    col->set_name(c.name);
    *col->mutable_type() = compiler::TypeToProto(c.type);
    col->set_namespace_(c.ns == types::ColumnNamespace::kKey ? v1::COLUMN_NAMESPACE_KEY
                                                             : v1::COLUMN_NAMESPACE_VALUE);
  }
  for (const compiler::InsertRow& row : rows.rows) {
    v1::InsertedRow* out = request.add_rows();
    for (const types::Value& v : row.values) *out->add_values() = ToLiteral(v);
    if (row.rowtime) {
      out->set_has_rowtime(true);
      out->set_rowtime(*row.rowtime);
    }
  }
  return request;
}

}  // namespace

absl::StatusOr<uint32_t> QueryManager::WriteInsertedRows(const std::string& tenant,
                                                         const compiler::StatementResult& rows) {
  const v1::WriteRowsRequest request = RowsRequest(tenant, rows);
  absl::Status last = absl::UnavailableError(
      "INSERT INTO ... VALUES needs an ALIVE executor to write the rows, and there is none");
  for (const v1::ExecutorView& e : membership_->List()) {
    if (e.state() != v1::EXECUTOR_STATE_ALIVE) continue;
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    AuthorizeExecutorCall(&ctx);
    v1::WriteRowsResponse response;
    last = FromGrpc(v1::RowWriter::NewStub(ExecutorChannel(e.info().address()))
                        ->WriteRows(&ctx, request, &response));
    if (last.ok()) return response.rows_written();
    // Bad rows fail the same on every executor; anything else may be this executor's.
    if (absl::IsInvalidArgument(last)) return last;
    last = Annotate(last, absl::StrCat("executor ", e.info().id()));
  }
  return last;
}

}  // namespace skein::coordinator
