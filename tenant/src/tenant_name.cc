#include "skein/tenant/tenant_name.h"

#include "absl/strings/str_cat.h"

namespace skein::tenant {

absl::Status ValidateTenantName(absl::string_view name) {
  constexpr absl::string_view kRule =
      "a tenant name is 1-64 characters of a-z, 0-9, '_' or '-', starting with a letter";
  if (name.empty() || name.size() > 64) {
    return absl::InvalidArgumentError(absl::StrCat("bad tenant name '", name, "': ", kRule));
  }
  if (!(name[0] >= 'a' && name[0] <= 'z')) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad tenant name '", name, "': must start with a lowercase letter; ", kRule));
  }
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrCat("bad tenant name '", name, "': character '",
                                                     absl::string_view(&name[i], 1), "' at ", i + 1,
                                                     "; ", kRule));
    }
  }
  return absl::OkStatus();
}

}  // namespace skein::tenant
