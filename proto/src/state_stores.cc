#include "skein/proto/state_stores.h"

namespace skein::proto {
namespace {

void AddJoinStores(const v1::JoinOp& join, std::vector<StateStoreSpec>* out) {
  const std::string& p = join.store_prefix();
  switch (join.kind()) {
    case v1::JoinOp::KIND_STREAM_STREAM:
      out->push_back({p + "-L", StoreKind::kWindow});
      out->push_back({p + "-R", StoreKind::kWindow});
      if (join.has_grace() && join.type() != v1::JoinOp::TYPE_INNER) {
        out->push_back({p + "-O", StoreKind::kWindow});
      }
      break;
    case v1::JoinOp::KIND_STREAM_TABLE:
      out->push_back({p + "-T", StoreKind::kKeyValue});
      break;
    default:
      out->push_back({p + "-L", StoreKind::kKeyValue});
      out->push_back({p + "-R", StoreKind::kKeyValue});
      if (join.foreign_key()) out->push_back({p + "-FK", StoreKind::kKeyValue});
      break;
  }
}

void AddAggregateStores(const v1::AggregateOp& agg, std::vector<StateStoreSpec>* out) {
  StoreKind kind = StoreKind::kKeyValue;
  if (agg.has_window()) {
    kind = agg.window().kind() == v1::AggregateWindow::KIND_SESSION ? StoreKind::kSession
                                                                    : StoreKind::kWindow;
  }
  out->push_back({"aggregate", kind});
  if (agg.input_is_table()) out->push_back({"input", StoreKind::kKeyValue});
  if (agg.emit_final()) out->push_back({"suppress", StoreKind::kKeyValue});
  out->push_back({"aggregate-meta", StoreKind::kKeyValue});
}

}  // namespace

std::vector<StateStoreSpec> StageStateStores(const v1::Stage& stage) {
  std::vector<StateStoreSpec> out;
  for (const auto* chain : {&stage.operators(), &stage.right_operators()}) {
    for (const v1::Operator& op : *chain) {
      if (op.has_aggregate()) AddAggregateStores(op.aggregate(), &out);
      if (op.has_group_by_change()) out.push_back({"group-by-input", StoreKind::kKeyValue});
      if (op.has_join()) AddJoinStores(op.join(), &out);
    }
  }
  return out;
}

std::string ProcessingGuarantee(const v1::PhysicalPlan& plan) {
  if (auto it = plan.properties().find("processing.guarantee"); it != plan.properties().end()) {
    if (it->second == kAtLeastOnce || it->second == kExactlyOnceV2) return it->second;
    if (it->second == "exactly_once") return kExactlyOnceV2;  // ksqlDB's older spelling
    return "";
  }
  for (const v1::Stage& stage : plan.stages()) {
    if (!StageStateStores(stage).empty()) return kExactlyOnceV2;
  }
  return kAtLeastOnce;
}

}  // namespace skein::proto
