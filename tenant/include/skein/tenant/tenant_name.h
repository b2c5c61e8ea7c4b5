#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace skein::tenant {

// The tenant every object belongs to when no tenant is named (single-tenant clusters).
inline constexpr absl::string_view kDefaultTenant = "default";

// A tenant name is its Kafka topic prefix, so it must be a legal, unambiguous topic
// component: 1-64 characters of [a-z0-9_-], starting with a letter.
// INVALID_ARGUMENT naming the offending character and the rule.
absl::Status ValidateTenantName(absl::string_view name);

}  // namespace skein::tenant
