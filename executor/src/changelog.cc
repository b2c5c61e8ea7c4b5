#include "changelog.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "skein/common/kafka.h"
#include "skein/common/status.h"
#include "skein/proto/topics.h"
#include "skein/state/key_value_store.h"
#include "skein/state/session_store.h"
#include "skein/state/window_store.h"

namespace skein::executor {
namespace {

constexpr int kRestoreBatch = 2000;

absl::StatusOr<std::unique_ptr<state::StateStore>> OpenStore(state::StateTransaction* txn,
                                                             const TaskStore& store) {
  switch (store.kind) {
    case proto::StoreKind::kWindow: {
      SKEIN_ASSIGN_OR_RETURN(auto s, state::WindowStore::Open(txn, store.id));
      return std::unique_ptr<state::StateStore>(std::move(s));
    }
    case proto::StoreKind::kSession: {
      SKEIN_ASSIGN_OR_RETURN(auto s, state::SessionStore::Open(txn, store.id));
      return std::unique_ptr<state::StateStore>(std::move(s));
    }
    default: {
      SKEIN_ASSIGN_OR_RETURN(auto s, state::KeyValueStore::Open(txn, store.id));
      return std::unique_ptr<state::StateStore>(std::move(s));
    }
  }
}

}  // namespace

std::vector<TaskStore> TaskStores(const std::string& tenant, const v1::PhysicalPlan& plan,
                                  const v1::Stage& stage, int32_t partition) {
  std::vector<TaskStore> out;
  for (const proto::StateStoreSpec& spec : proto::StageStateStores(stage)) {
    TaskStore s;
    s.id = state::StoreId{plan.query_id(), static_cast<int32_t>(stage.id()), partition, spec.name};
    s.kind = spec.kind;
    s.topic = proto::ChangelogTopic(tenant, plan.query_id(), stage.id(), spec.name);
    out.push_back(std::move(s));
  }
  return out;
}

ChangelogWriter::ChangelogWriter(std::vector<TaskStore> stores, TaskProducer* producer)
    : stores_(std::move(stores)), producer_(producer), written_(stores_.size(), false) {}

absl::Status ChangelogWriter::Append(const state::StoreId& store, absl::string_view key,
                                     std::optional<absl::string_view> value) {
  for (size_t i = 0; i < stores_.size(); ++i) {
    if (stores_[i].id == store) {
      written_[i] = true;
      std::optional<std::string_view> v;
      if (value) v.emplace(value->data(), value->size());
      return producer_->SendChangelog(stores_[i].topic, store.partition,
                                      std::string_view(key.data(), key.size()), v);
    }
  }
  return absl::InternalError(absl::StrCat("state store ", store.ColumnFamilyName(),
                                          " has no changelog topic: proto::StageStateStores "
                                          "does not list it"));
}

state::ChangelogOffsets ChangelogWriter::TakeOffsets() {
  state::ChangelogOffsets offsets;
  for (size_t i = 0; i < stores_.size(); ++i) {
    if (!written_[i]) continue;
    written_[i] = false;
    if (auto end = producer_->DeliveredEnd(stores_[i].topic, stores_[i].id.partition)) {
      offsets[stores_[i].id.ColumnFamilyName()] = *end;
    }
  }
  return offsets;
}

absl::StatusOr<std::unique_ptr<ChangelogRestorer>> ChangelogRestorer::Create(
    const std::string& bootstrap, const std::string& client_id, state::TenantStateDb* db,
    std::vector<TaskStore> stores) {
  std::unique_ptr<ChangelogRestorer> r(new ChangelogRestorer(std::move(stores), db));
  rd_kafka_topic_partition_list_t* parts =
      rd_kafka_topic_partition_list_new(static_cast<int>(r->stores_.size()));
  for (const TaskStore& s : r->stores_) {
    SKEIN_ASSIGN_OR_RETURN(std::unique_ptr<state::StateStore> store, OpenStore(&r->txn_, s));
    SKEIN_ASSIGN_OR_RETURN(std::optional<int64_t> local, store->ChangelogOffset());
    rd_kafka_topic_partition_list_add(parts, s.topic.c_str(), s.id.partition)->offset =
        local ? *local : RD_KAFKA_OFFSET_BEGINNING;
    r->opened_.push_back(std::move(store));
    r->done_.push_back(false);
    r->positions_.push_back(local ? *local : -1);
  }
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
           {"bootstrap.servers", bootstrap},
           {"client.id", client_id},
           {"group.id", "skein-restore"},  // never joined nor committed: assign() only
           {"enable.auto.commit", "false"},
           {"enable.partition.eof", "true"},
           {"isolation.level", "read_committed"}}) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      rd_kafka_topic_partition_list_destroy(parts);
      return absl::InvalidArgumentError(absl::StrCat("kafka config ", k, ": ", err));
    }
  }
  r->consumer_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (r->consumer_ == nullptr) {
    rd_kafka_topic_partition_list_destroy(parts);
    return absl::InternalError(absl::StrCat("cannot create a restore consumer: ", err));
  }
  rd_kafka_resp_err_t assigned = rd_kafka_assign(r->consumer_, parts);
  rd_kafka_topic_partition_list_destroy(parts);
  if (assigned != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return FromKafka(assigned, "assign changelog partitions");
  }
  r->queue_ = rd_kafka_queue_get_consumer(r->consumer_);
  return r;
}

ChangelogRestorer::~ChangelogRestorer() {
  if (queue_ != nullptr) rd_kafka_queue_destroy(queue_);
  if (consumer_ != nullptr) {
    rd_kafka_consumer_close(consumer_);
    rd_kafka_destroy(consumer_);
  }
  opened_.clear();  // stores before their transaction
}

absl::StatusOr<bool> ChangelogRestorer::Step() {
  rd_kafka_message_t* messages[kRestoreBatch];
  const ssize_t n = rd_kafka_consume_batch_queue(queue_, 10, messages, kRestoreBatch);
  std::vector<std::vector<state::ChangelogRecord>> batches(stores_.size());
  std::vector<int64_t> next(stores_.size(), -1);
  absl::Status error = absl::OkStatus();
  for (ssize_t i = 0; i < n; ++i) {
    rd_kafka_message_t* m = messages[i];
    const char* topic = rd_kafka_topic_name(m->rkt);
    size_t s = 0;
    while (s < stores_.size() && stores_[s].topic != topic) ++s;
    if (s < stores_.size()) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        done_[s] = true;
        next[s] = std::max(next[s], m->offset);
      } else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (error.ok()) error = FromKafka(m->err, absl::StrCat("restore from ", topic));
      } else {
        state::ChangelogRecord r;
        if (m->key != nullptr) r.key.assign(static_cast<const char*>(m->key), m->key_len);
        if (m->payload != nullptr) {
          r.value.emplace(static_cast<const char*>(m->payload), m->len);
        }
        bytes_ += m->key_len + m->len;
        ++records_;
        batches[s].push_back(std::move(r));
        next[s] = std::max(next[s], m->offset + 1);
      }
    }
    rd_kafka_message_destroy(m);
  }
  SKEIN_RETURN_IF_ERROR(error);
  for (size_t s = 0; s < stores_.size(); ++s) {
    if (next[s] < 0) continue;
    SKEIN_RETURN_IF_ERROR(opened_[s]->RestoreBatch(batches[s], next[s]));
    positions_[s] = std::max(positions_[s], next[s]);
  }
  UpdateRemaining();
  for (bool d : done_) {
    if (!d) return false;
  }
  return true;
}

void ChangelogRestorer::UpdateRemaining() {
  uint64_t remaining = 0;
  for (size_t s = 0; s < stores_.size(); ++s) {
    if (done_[s]) continue;
    int64_t low = 0, high = 0;
    if (rd_kafka_get_watermark_offsets(consumer_, stores_[s].topic.c_str(), stores_[s].id.partition,
                                       &low, &high) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0) {
      continue;  // no fetch answered yet: unknown, counted as nothing
    }
    const int64_t from = std::max(positions_[s], low);
    if (high > from) remaining += static_cast<uint64_t>(high - from);
  }
  remaining_records_ = remaining;
}

std::optional<absl::Duration> ChangelogRestorer::EstimatedTimeLeft(absl::Time now) const {
  if (records_ == 0) return std::nullopt;
  const double per_record = absl::ToDoubleSeconds(now - started_) / static_cast<double>(records_);
  return absl::Seconds(per_record * static_cast<double>(remaining_records_));
}

int64_t ChangelogRestorer::applied_offset() const {
  int64_t sum = 0;
  for (int64_t p : positions_) sum += std::max<int64_t>(p, 0);
  return sum;
}

absl::StatusOr<int64_t> ChangelogRestorer::Lag(int timeout_ms) {
  int64_t lag = 0;
  for (size_t s = 0; s < stores_.size(); ++s) {
    int64_t low = 0, high = 0;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
        consumer_, stores_[s].topic.c_str(), stores_[s].id.partition, &low, &high, timeout_ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return FromKafka(err, absl::StrCat("end offset of ", stores_[s].topic));
    }
    lag += std::max<int64_t>(0, high - std::max(positions_[s], low));
  }
  return lag;
}

}  // namespace skein::executor
