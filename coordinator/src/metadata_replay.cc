#include "metadata_replay.h"

#include "quota_proto.h"
#include "skein/common/logging.h"

namespace skein::coordinator {
namespace {

absl::Status Apply(const v1::MetadataEvent& e, tenant::TenantRegistry* registry,
                   QueryManager* queries) {
  switch (e.body_case()) {
    case v1::MetadataEvent::kTenantCreated:
      return registry->Create(e.tenant_created().name(),
                              QuotaFromProto(e.tenant_created().quota()));
    case v1::MetadataEvent::kTenantDeleted:
      queries->DropTenant(e.tenant_deleted().name());
      return registry->Delete(e.tenant_deleted().name());
    case v1::MetadataEvent::kQuotaSet:
      return registry->SetQuota(e.quota_set().name(), QuotaFromProto(e.quota_set().quota()));
    case v1::MetadataEvent::kTokenIssued: {
      const v1::TokenIssuedEvent& t = e.token_issued();
      return registry->RestoreToken(tenant::TokenInfo{t.id(), t.tenant(), t.description(),
                                                      absl::FromUnixMillis(t.created_at_unix_ms())},
                                    t.sha256());
    }
    case v1::MetadataEvent::kTokenRevoked:
      return registry->RevokeToken(e.token_revoked().tenant(), e.token_revoked().id());
    case v1::MetadataEvent::kStatementApplied: {
      const v1::StatementAppliedEvent& s = e.statement_applied();
      return queries->Replay(
          s.tenant(), s.sql(),
          std::map<std::string, std::string>(s.properties().begin(), s.properties().end()));
    }
    default:
      return absl::OkStatus();  // written by a newer coordinator: skip
  }
}

}  // namespace

ReplayStats ReplayMetadata(const std::vector<v1::MetadataEvent>& events,
                           tenant::TenantRegistry* registry, QueryManager* queries) {
  ReplayStats stats;
  for (const v1::MetadataEvent& e : events) {
    ++stats.events;
    if (e.has_statement_applied()) ++stats.statements;
    if (absl::Status s = Apply(e, registry, queries); !s.ok()) {
      ++stats.failed;
      Logger("coordinator")
          ->warn("metadata replay: event {} ({}) no longer applies: {}", stats.events,
                 e.ShortDebugString().substr(0, 200), s.ToString());
    }
  }
  return stats;
}

}  // namespace skein::coordinator
