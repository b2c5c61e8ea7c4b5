// Admin.PushQuery: a `SELECT ... EMIT CHANGES` runs as a transient persistent query into a
// private topic on the executors; the coordinator tails that topic and streams its records.

#include <librdkafka/rdkafka.h>

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "query_manager.h"
#include "skein/common/kafka.h"
#include "skein/common/logging.h"
#include "skein/common/status.h"
#include "skein/sql/parser.h"
#include "skein/sql/printer.h"
#include "state_topics.h"

namespace skein::coordinator {

absl::StatusOr<v1::StatementOutcome> QueryManager::StartTransient(
    const std::string& tenant, const std::string& name, const std::string& topic,
    const std::string& select_sql, const std::map<std::string, std::string>& properties) {
  absl::MutexLock exec(&exec_mu_);
  compiler::Compiler& compiler = CompilerFor(tenant);
  // The request's properties apply to this query's plan only: set, plan, restore.
  std::map<std::string, std::string> saved = compiler.catalog().properties();
  for (const auto& [k, v] : properties) compiler.mutable_catalog().SetProperty(k, v);
  auto create = [&](const char* kind) {
    return ExecuteLocked(tenant, absl::StrCat("CREATE ", kind, " ", name, " WITH (KAFKA_TOPIC='",
                                              topic, "', FORMAT='JSON') AS ", select_sql, ";"));
  };
  transient_properties_ = properties;  // recorded with the statement in the metadata log
  absl::StatusOr<v1::ExecuteStatementsResponse> r = create("STREAM");
  if (!r.ok() && absl::StrContains(r.status().message(), "produces a TABLE")) r = create("TABLE");
  transient_properties_.clear();
  for (const auto& [k, v] : properties) compiler.mutable_catalog().UnsetProperty(k);
  for (const auto& [k, v] : saved) compiler.mutable_catalog().SetProperty(k, v);
  if (!r.ok()) return r.status();
  return r->results(0);
}

absl::Status QueryManager::PushQuery(const v1::PushQueryRequest& request,
                                     const std::function<bool(const v1::PushQueryMessage&)>& write,
                                     const std::function<bool()>& cancelled) {
  const std::string tenant = request.tenant().empty() ? "default" : request.tenant();
  SKEIN_ASSIGN_OR_RETURN(sql::StatementPtr stmt, sql::ParseStatement(request.sql()));
  if (stmt->kind != sql::StatementKind::kSelect) {
    return absl::InvalidArgumentError("a push query is one SELECT ... EMIT CHANGES statement");
  }
  sql::Query& query = *static_cast<sql::SelectStatement&>(*stmt).query;
  if (query.emit == sql::EmitKind::kNone) {
    return absl::InvalidArgumentError(
        "a push query needs EMIT CHANGES (or EMIT FINAL); a SELECT without it is a pull query");
  }
  const std::optional<int64_t> limit = query.limit;
  query.limit.reset();
  const int64_t n = ++push_sequence_;
  const std::string name = absl::StrCat("SKEIN_PUSH_", n);
  const std::string topic =
      absl::StrCat("_skein-push-", tenant, "-", absl::ToUnixMillis(absl::Now()), "-", n);
  std::map<std::string, std::string> properties(request.properties().begin(),
                                                request.properties().end());
  for (const auto& [k, v] : properties) SKEIN_RETURN_IF_ERROR(CheckNumStandbyReplicas(k, v));
  // A transient query's rows go to one client: at-least-once unless asked, as in ksqlDB, and
  // no standby replicas unless asked (a failed-over push query restores its state in full).
  properties.emplace("processing.guarantee", "at_least_once");
  properties.emplace(kNumStandbyReplicas, "0");
  SKEIN_ASSIGN_OR_RETURN(v1::StatementOutcome started,
                         StartTransient(tenant, name, topic, sql::QueryToSql(query), properties));
  const bool is_table = absl::StrContains(started.statement_text(), "CREATE TABLE");
  Logger("coordinator")
      ->info("tenant={} push query {} started ({})", tenant, started.query_id(), request.sql());

  // Tail the transient topic from its beginning until LIMIT rows or cancellation.
  absl::Status status = [&]() -> absl::Status {
    v1::PushQueryMessage header;
    header.mutable_header()->set_query_id(started.query_id());
    header.mutable_header()->set_schema(started.schema());
    if (!write(header)) return absl::CancelledError("client went away");
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
             {"bootstrap.servers", kafka_bootstrap_},
             {"group.id", absl::StrCat("skein-push-", tenant, "-", n)},
             {"enable.auto.commit", "false"},
             {"isolation.level", "read_committed"}}) {
      rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err));
    }
    std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> consumer(
        rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err)), &rd_kafka_destroy);
    if (consumer == nullptr) return absl::InternalError(absl::StrCat("kafka consumer: ", err));
    SKEIN_ASSIGN_OR_RETURN(std::optional<int32_t> partitions, kafka_->Partitions(topic));
    rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
    for (int32_t p = 0; p < partitions.value_or(1); ++p) {
      rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset =
          RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_resp_err_t assigned = rd_kafka_assign(consumer.get(), parts);
    rd_kafka_topic_partition_list_destroy(parts);
    if (assigned != RD_KAFKA_RESP_ERR_NO_ERROR) return FromKafka(assigned, "assign push topic");
    int64_t sent = 0;
    absl::Status end;
    while (!limit || sent < *limit) {
      if (cancelled()) {
        end = absl::CancelledError("cancelled by the client");
        break;
      }
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.get(), 100);
      if (m == nullptr) continue;
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        v1::PushQueryMessage row;
        v1::PushQueryRow* r = row.mutable_row();
        if (m->key != nullptr) r->set_key(static_cast<const char*>(m->key), m->key_len);
        if (m->payload != nullptr) {
          r->set_value(static_cast<const char*>(m->payload), m->len);
        } else {
          r->set_tombstone(is_table);
        }
        r->set_timestamp(rd_kafka_message_timestamp(m, nullptr));
        ++sent;
        if (!write(row)) end = absl::CancelledError("client went away");
      }
      rd_kafka_message_destroy(m);
      if (!end.ok()) break;
    }
    rd_kafka_consumer_close(consumer.get());
    return end;
  }();

  // Remove the transient query, its source and its topics (output and changelogs).
  std::vector<std::string> changelogs;
  {
    absl::MutexLock lock(&mu_);
    if (auto it = queries_.find(absl::StrCat(tenant, "/", started.query_id()));
        it != queries_.end()) {
      changelogs = ChangelogTopics(tenant, it->second.plan);
    }
  }
  absl::StatusOr<v1::ExecuteStatementsResponse> cleaned =
      Execute(tenant, absl::StrCat("TERMINATE ", started.query_id(), "; DROP ",
                                   is_table ? "TABLE " : "STREAM ", name, ";"));
  if (!cleaned.ok()) {
    Logger("coordinator")
        ->warn("push query {} cleanup: {}", started.query_id(), cleaned.status().ToString());
  }
  if (absl::Status deleted = kafka_->DeleteTopic(topic); !deleted.ok()) {
    Logger("coordinator")
        ->warn("push query {}: delete topic {}: {}", started.query_id(), topic, deleted.ToString());
  }
  for (const std::string& t : changelogs) kafka_->DeleteTopic(t).IgnoreError();
  return absl::IsCancelled(status) ? absl::OkStatus() : status;
}

}  // namespace skein::coordinator
