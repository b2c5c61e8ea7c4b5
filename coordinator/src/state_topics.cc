#include "state_topics.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "skein/common/kafka.h"
#include "skein/common/logging.h"
#include "skein/common/status.h"
#include "skein/proto/state_stores.h"
#include "skein/proto/topics.h"

namespace skein::coordinator {

absl::Status CheckProcessingGuarantee(const std::string& name, const std::string& value) {
  if (name != "processing.guarantee") return absl::OkStatus();
  v1::PhysicalPlan probe;
  (*probe.mutable_properties())[name] = value;
  if (!proto::ProcessingGuarantee(probe).empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("processing.guarantee '", value,
                                                 "' is not supported: use '", proto::kAtLeastOnce,
                                                 "' or '", proto::kExactlyOnceV2, "'"));
}

absl::Status CheckNumStandbyReplicas(const std::string& name, const std::string& value) {
  if (name != kNumStandbyReplicas) return absl::OkStatus();
  int n = 0;
  if (absl::SimpleAtoi(value, &n) && n >= 0 && n <= kMaxStandbyReplicas) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(kNumStandbyReplicas, " '", value,
                                                 "' is not supported: use an integer from 0 to ",
                                                 kMaxStandbyReplicas));
}

std::optional<int> NumStandbyReplicas(const v1::PhysicalPlan& plan) {
  auto it = plan.properties().find(kNumStandbyReplicas);
  int n = 0;
  if (it == plan.properties().end() || !absl::SimpleAtoi(it->second, &n) || n < 0 ||
      n > kMaxStandbyReplicas) {
    return std::nullopt;
  }
  return n;
}

absl::Status CreateChangelogTopics(KafkaAdmin* kafka, const std::string& tenant,
                                   const v1::PhysicalPlan& plan,
                                   std::vector<std::string>* created) {
  if (proto::ProcessingGuarantee(plan).empty()) {
    return CheckProcessingGuarantee("processing.guarantee",
                                    plan.properties().at("processing.guarantee"));
  }
  for (const v1::Stage& stage : plan.stages()) {
    if (stage.operators_size() == 0 || !stage.operators(0).has_source()) continue;
    const int32_t partitions = std::max<int32_t>(
        1, static_cast<int32_t>(stage.operators(0).source().topic().partitions()));
    for (const proto::StateStoreSpec& store : proto::StageStateStores(stage)) {
      const std::string topic =
          proto::ChangelogTopic(tenant, plan.query_id(), stage.id(), store.name);
      SKEIN_ASSIGN_OR_RETURN(std::optional<int32_t> existing, kafka->Partitions(topic));
      if (existing) continue;
      SKEIN_RETURN_IF_ERROR(
          kafka->EnsureTopic(topic, partitions, -1, {{"cleanup.policy", "compact"}}));
      created->push_back(topic);
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> ChangelogTopics(const std::string& tenant, const v1::PhysicalPlan& plan) {
  std::vector<std::string> out;
  for (const v1::Stage& stage : plan.stages()) {
    for (const proto::StateStoreSpec& store : proto::StageStateStores(stage)) {
      out.push_back(proto::ChangelogTopic(tenant, plan.query_id(), stage.id(), store.name));
    }
  }
  return out;
}

absl::Status FenceExecutorTransactions(const std::string& kafka_bootstrap,
                                       const std::string& executor_id, uint32_t workers,
                                       absl::Duration timeout) {
  for (uint32_t w = 0; w < workers; ++w) {
    const std::string id = proto::TransactionalId(executor_id, w);
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char err[512];
    for (const auto& [k, v] :
         {std::pair<std::string, std::string>{"bootstrap.servers", kafka_bootstrap},
          {"transactional.id", id},
          {"client.id", "skein-coordinator-fencer"}}) {
      if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        return absl::InvalidArgumentError(absl::StrCat("kafka config ", k, ": ", err));
      }
    }
    rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    if (producer == nullptr) {
      return absl::InternalError(absl::StrCat("cannot create a fencing producer: ", err));
    }
    rd_kafka_error_t* error =
        rd_kafka_init_transactions(producer, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
    absl::Status status = absl::OkStatus();
    if (error != nullptr) {
      status = absl::UnavailableError(
          absl::StrCat("fencing transactional id ", id, ": ", rd_kafka_error_string(error)));
      rd_kafka_error_destroy(error);
    }
    rd_kafka_destroy(producer);
    if (!status.ok()) return status;
    Logger("coordinator")->info("executor={} fenced transactional id {}", executor_id, id);
  }
  return absl::OkStatus();
}

}  // namespace skein::coordinator
