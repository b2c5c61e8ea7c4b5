#pragma once

// Private: the Kafka side of a query's state, managed by the coordinator — changelog topics
// created with the query, and the fencing of a dead executor's transactional producers.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "skein/common/kafka_admin.h"
#include "skein/v1/plan.pb.h"

namespace skein::coordinator {

// INVALID_ARGUMENT when `name` is processing.guarantee and `value` is not a supported
// guarantee (checked at SET, as ksqlDB does, so no query is planned with it).
absl::Status CheckProcessingGuarantee(const std::string& name, const std::string& value);

inline constexpr char kNumStandbyReplicas[] = "num.standby.replicas";
inline constexpr int kMaxStandbyReplicas = 8;

// INVALID_ARGUMENT when `name` is num.standby.replicas and `value` is not an integer from 0 to
// kMaxStandbyReplicas (checked at SET, like processing.guarantee).
absl::Status CheckNumStandbyReplicas(const std::string& name, const std::string& value);

// The plan's num.standby.replicas; nullopt when unset (or invalid, which SET rejects).
std::optional<int> NumStandbyReplicas(const v1::PhysicalPlan& plan);

// Checks the plan's processing.guarantee (INVALID_ARGUMENT naming the allowed values) and
// creates one compacted changelog topic per (stage, store) of `plan`, one partition per task
// of the stage, unless it exists. Appends the names it created to `created`.
absl::Status CreateChangelogTopics(KafkaAdmin* kafka, const std::string& tenant,
                                   const v1::PhysicalPlan& plan, std::vector<std::string>* created);

// Names of the changelog topics of `plan` (one per stage and store).
std::vector<std::string> ChangelogTopics(const std::string& tenant, const v1::PhysicalPlan& plan);

// Initializes a transactional producer on each of `executor_id`'s worker transactional ids
// (proto::TransactionalId), which bumps their epochs: any transaction the executor still has
// open is aborted and its producers can never commit again. Blocks up to `timeout` per id;
// UNAVAILABLE when Kafka did not answer (the caller retries before moving any task).
absl::Status FenceExecutorTransactions(const std::string& kafka_bootstrap,
                                       const std::string& executor_id, uint32_t workers,
                                       absl::Duration timeout);

}  // namespace skein::coordinator
