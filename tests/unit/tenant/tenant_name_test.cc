#include "skein/tenant/tenant_name.h"

#include "gtest/gtest.h"

namespace skein::tenant {
namespace {

TEST(TenantNameTest, AcceptsTopicSafeNames) {
  for (const char* ok : {"acme", "a", "team-7_prod", "default"}) {
    EXPECT_TRUE(ValidateTenantName(ok).ok()) << ok;
  }
}

TEST(TenantNameTest, RejectsWithTheRule) {
  EXPECT_EQ(ValidateTenantName("").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateTenantName(std::string(65, 'a')).code(), absl::StatusCode::kInvalidArgument);
  absl::Status upper = ValidateTenantName("Acme");
  EXPECT_NE(upper.message().find("must start with a lowercase letter"), absl::string_view::npos)
      << upper;
  absl::Status dot = ValidateTenantName("ac.me");
  EXPECT_NE(dot.message().find("character '.' at 3"), absl::string_view::npos) << dot;
}

}  // namespace
}  // namespace skein::tenant
