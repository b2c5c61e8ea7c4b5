#include "skein/tenant/tenant_registry.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "gtest/gtest.h"
#include "skein/tenant/admin_token.h"
#include "skein/tenant/token.h"
#include "skein/tenant/topic_owner.h"

namespace skein::tenant {
namespace {

class TenantRegistryTest : public ::testing::Test {
 protected:
  ManualClock clock_{absl::FromUnixSeconds(1000)};
  TenantRegistry registry_{&clock_};
};

TEST_F(TenantRegistryTest, CreateListDescribeDelete) {
  ASSERT_TRUE(registry_.Create("acme", Quota{500, 1 << 20, 3, 8, 0}).ok());
  ASSERT_TRUE(registry_.Create("beta", Quota{}).ok());
  EXPECT_EQ(registry_.Create("acme", Quota{}).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry_.Create("Bad Name", Quota{}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_.Create("neg", Quota{.max_tasks = -1}).code(),
            absl::StatusCode::kInvalidArgument);

  std::vector<TenantInfo> all = registry_.List();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "acme");
  EXPECT_EQ(all[1].name, "beta");
  absl::StatusOr<TenantInfo> acme = registry_.Describe("acme");
  ASSERT_TRUE(acme.ok());
  EXPECT_EQ(acme->quota, (Quota{500, 1 << 20, 3, 8, 0}));
  EXPECT_EQ(acme->created_at, absl::FromUnixSeconds(1000));
  EXPECT_EQ(registry_.Describe("nope").status().code(), absl::StatusCode::kNotFound);

  ASSERT_TRUE(registry_.Delete("acme").ok());
  EXPECT_FALSE(registry_.Exists("acme"));
  EXPECT_EQ(registry_.Delete("acme").code(), absl::StatusCode::kNotFound);
}

TEST_F(TenantRegistryTest, SetQuota) {
  ASSERT_TRUE(registry_.Create("acme", Quota{}).ok());
  ASSERT_TRUE(registry_.SetQuota("acme", Quota{.max_queries = 2}).ok());
  EXPECT_EQ(registry_.QuotaOf("acme")->max_queries, 2);
  EXPECT_EQ(registry_.SetQuota("acme", Quota{.memory_bytes = -5}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_.SetQuota("ghost", Quota{}).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(QuotaToString(Quota{.cpu_millicores = 500, .max_queries = 2}),
            "cpu=500m memory=unlimited queries=2 tasks=unlimited ingest=unlimited");
}

TEST_F(TenantRegistryTest, TokensAuthenticateUntilRevoked) {
  ASSERT_TRUE(registry_.Create("acme", Quota{}).ok());
  ASSERT_TRUE(registry_.Create("beta", Quota{}).ok());
  absl::StatusOr<IssuedToken> a = registry_.IssueToken("acme", "ci");
  absl::StatusOr<IssuedToken> b = registry_.IssueToken("beta", "");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->secret, b->secret);
  EXPECT_EQ(registry_.IssueToken("ghost", "").status().code(), absl::StatusCode::kNotFound);

  absl::StatusOr<Principal> pa = registry_.Authenticate(a->secret);
  ASSERT_TRUE(pa.ok());
  EXPECT_FALSE(pa->platform_admin);
  EXPECT_EQ(pa->tenant, "acme");
  EXPECT_EQ(pa->token_id, a->id);
  EXPECT_EQ(registry_.Authenticate(b->secret)->tenant, "beta");

  // The registry keeps digests only: a description never contains the secret.
  absl::StatusOr<TenantInfo> acme = registry_.Describe("acme");
  ASSERT_EQ(acme->tokens.size(), 1u);
  EXPECT_EQ(acme->tokens[0].id, a->id);
  EXPECT_EQ(acme->tokens[0].description, "ci");

  EXPECT_EQ(registry_.RevokeToken("beta", a->id).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(registry_.RevokeToken("acme", a->id).ok());
  EXPECT_EQ(registry_.Authenticate(a->secret).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(registry_.RevokeToken("acme", a->id).code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(registry_.Authenticate(b->secret).ok());

  // Deleting a tenant revokes its tokens.
  ASSERT_TRUE(registry_.Delete("beta").ok());
  EXPECT_EQ(registry_.Authenticate(b->secret).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(TenantRegistryTest, RestoredDigestAuthenticatesLikeTheIssuedToken) {
  ASSERT_TRUE(registry_.Create("acme", Quota{}).ok());
  const TokenInfo info{"tok-123", "acme", "replayed", absl::FromUnixSeconds(5)};
  ASSERT_TRUE(registry_.RestoreToken(info, HashToken("skt_secret")).ok());
  absl::StatusOr<Principal> p = registry_.Authenticate("skt_secret");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->tenant, "acme");
  EXPECT_EQ(p->token_id, "tok-123");
  EXPECT_EQ(registry_.Describe("acme")->tokens[0].created_at, absl::FromUnixSeconds(5));
  EXPECT_EQ(registry_.RestoreToken(TokenInfo{"tok-9", "ghost", "", {}}, HashToken("x")).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(TenantRegistryTest, AdminTokenAndBadTokens) {
  registry_.SetAdminTokenDigest(HashToken("the-platform-admin-secret"));
  absl::StatusOr<Principal> admin = registry_.Authenticate("the-platform-admin-secret");
  ASSERT_TRUE(admin.ok());
  EXPECT_TRUE(admin->platform_admin);
  EXPECT_EQ(registry_.Authenticate("").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(registry_.Authenticate("the-platform-admin-secreT").status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(TokenTest, RandomHashedComparedByValue) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<std::string> t = GenerateToken();
    ASSERT_TRUE(t.ok());
    ASSERT_EQ(t->size(), 4u + 64u);
    EXPECT_EQ(t->substr(0, 4), "skt_");
    EXPECT_TRUE(seen.insert(*t).second);
  }
  // SHA-256("abc"), FIPS 180-2 test vector.
  const std::string digest = HashToken("abc");
  ASSERT_EQ(digest.size(), 32u);
  EXPECT_EQ(static_cast<unsigned char>(digest[0]), 0xba);
  EXPECT_EQ(static_cast<unsigned char>(digest[31]), 0xad);
  EXPECT_TRUE(DigestEquals(HashToken("x"), HashToken("x")));
  EXPECT_FALSE(DigestEquals(HashToken("x"), HashToken("y")));
  EXPECT_FALSE(DigestEquals("ab", "abc"));
}

TEST(TopicOwnerTest, PrefixesDecideOwnership) {
  const std::vector<std::string> tenants{"default", "a", "a-b", "beta"};
  EXPECT_EQ(TopicOwner("a.orders", tenants), "a");
  EXPECT_EQ(TopicOwner("_skein-a-b-processing-log", tenants), "a-b");
  EXPECT_EQ(TopicOwner("_skein-a-OUT-repartition", tenants), "a");
  EXPECT_EQ(TopicOwner("_skein-push-beta-1-2", tenants), "beta");
  EXPECT_EQ(TopicOwner("orders", tenants), std::nullopt);

  EXPECT_TRUE(CheckTopicAccess("a", "a.orders", tenants).ok());
  EXPECT_EQ(CheckTopicAccess("a", "beta.orders", tenants).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckTopicAccess("a", "_skein-a-b-processing-log", tenants).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckTopicAccess("a", "orders", tenants).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckTopicAccess("default", "orders", tenants).ok());
  EXPECT_EQ(CheckTopicAccess("default", "a.orders", tenants).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(AdminTokenTest, LoadsFileOrGenerates) {
  absl::StatusOr<AdminToken> generated = LoadAdminToken("");
  ASSERT_TRUE(generated.ok());
  EXPECT_TRUE(generated->generated);
  EXPECT_EQ(generated->secret.size(), 68u);

  const std::string dir = ::testing::TempDir();
  const std::string good = dir + "/admin_token_good";
  std::ofstream(good) << "  0123456789abcdef0123  \nignored\n";
  absl::StatusOr<AdminToken> loaded = LoadAdminToken(good);
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->generated);
  EXPECT_EQ(loaded->secret, "0123456789abcdef0123");

  const std::string weak = dir + "/admin_token_weak";
  std::ofstream(weak) << "short\n";
  EXPECT_EQ(LoadAdminToken(weak).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(LoadAdminToken(dir + "/absent").status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace skein::tenant
