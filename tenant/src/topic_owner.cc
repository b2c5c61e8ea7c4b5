#include "skein/tenant/topic_owner.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "skein/tenant/tenant_name.h"

namespace skein::tenant {
namespace {

bool UnderPrefixOf(const std::string& topic, const std::string& tenant) {
  return absl::StartsWith(topic, absl::StrCat(tenant, ".")) ||
         absl::StartsWith(topic, absl::StrCat("_skein-", tenant, "-")) ||
         absl::StartsWith(topic, absl::StrCat("_skein-push-", tenant, "-"));
}

}  // namespace

std::optional<std::string> TopicOwner(const std::string& topic,
                                      const std::vector<std::string>& tenants) {
  std::optional<std::string> owner;
  for (const std::string& t : tenants) {
    if (UnderPrefixOf(topic, t) && (!owner || t.size() > owner->size())) owner = t;
  }
  return owner;
}

absl::Status CheckTopicAccess(const std::string& tenant, const std::string& topic,
                              const std::vector<std::string>& tenants) {
  std::optional<std::string> owner = TopicOwner(topic, tenants);
  if (owner == tenant) return absl::OkStatus();
  if (!owner && tenant == kDefaultTenant) return absl::OkStatus();
  if (owner) {
    return absl::PermissionDeniedError(
        absl::StrCat("topic '", topic, "' belongs to another tenant; tenant '", tenant,
                     "' may only use topics named '", tenant, ".<name>'"));
  }
  return absl::PermissionDeniedError(absl::StrCat("topic '", topic, "' is outside tenant '", tenant,
                                                  "''s namespace: name it '", tenant, ".", topic,
                                                  "' (set KAFKA_TOPIC in the WITH clause)"));
}

}  // namespace skein::tenant
