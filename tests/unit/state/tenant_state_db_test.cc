#include "skein/state/tenant_state_db.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "skein/state/key_value_store.h"
#include "skein/state/store_id.h"
#include "skein/state/window_store.h"
#include "state_fixture.h"

namespace skein::state {
namespace {

using TenantStateDbTest = testing::StateTest;

TEST(StoreIdTest, ColumnFamilyNameRoundTrips) {
  StoreId id{"CSAS_orders_3", 2, 11, "agg-store"};
  ASSERT_TRUE(id.Validate().ok());
  EXPECT_EQ(id.ColumnFamilyName(), "CSAS_orders_3.2.11.agg-store");
  auto parsed = StoreId::Parse(id.ColumnFamilyName());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, id);
}

TEST(StoreIdTest, RejectsAmbiguousOrUnsafeNames) {
  EXPECT_EQ((StoreId{"a.b", 0, 0, "s"}).Validate().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((StoreId{"q", 0, 0, "../x"}).Validate().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((StoreId{"", 0, 0, "s"}).Validate().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((StoreId{"q", -1, 0, "s"}).Validate().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(StoreId::Parse("q.0.s").ok());
  EXPECT_FALSE(StoreId::Parse("q.01.0.s").ok());
  EXPECT_FALSE(StoreId::Parse("q.x.0.s").ok());
}

TEST(TenantStateDbOpenTest, RejectsBadTenantNamesAndCreatesTheTenantDirectory) {
  testing::TestDir dir;
  EXPECT_EQ(TenantStateDb::Open(dir.path(), "../evil").status().code(),
            absl::StatusCode::kInvalidArgument);
  auto db = TenantStateDb::Open(dir.path(), "t-1");
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->path(), dir.path() + "/tenants/t-1");
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/tenants/t-1/CURRENT"));
  EXPECT_TRUE((*db)->ColumnFamilyNames().empty());
}

TEST_F(TenantStateDbTest, SecondOpenOfTheSameTenantFailsWhileTheFirstIsOpen) {
  auto second = TenantStateDb::Open(dir_.path(), "acme");
  // RocksDB's own lock: retryable once the first instance closes (an executor restarting
  // in-process); two executors on one directory are stopped earlier by DataDir's lock.
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  // The first instance is unaffected.
  auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
  ASSERT_TRUE(kv->Put("k", "v").ok());
  EXPECT_TRUE(txn_->Commit({}).ok());
}

TEST_F(TenantStateDbTest, ColumnFamiliesSurviveReopenAndCanBeDropped) {
  ASSERT_TRUE(db_->Attach(Id("b")).ok());
  auto a1 = db_->Attach(Id("a"));
  ASSERT_TRUE(a1.ok());
  auto a2 = db_->Attach(Id("a"));  // attaching twice returns the same column family
  ASSERT_TRUE(a2.ok());
  EXPECT_EQ(*a1, *a2);
  EXPECT_EQ(db_->Attach(StoreId{"bad.query", 0, 0, "s"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->ColumnFamilyNames(), (std::vector<std::string>{"q1.0.0.a", "q1.0.0.b"}));

  Reopen();
  EXPECT_EQ(db_->ColumnFamilyNames(), (std::vector<std::string>{"q1.0.0.a", "q1.0.0.b"}));
  ASSERT_TRUE(db_->Drop(Id("a")).ok());
  ASSERT_TRUE(db_->Drop(Id("a")).ok());  // idempotent
  EXPECT_EQ(db_->ColumnFamilyNames(), (std::vector<std::string>{"q1.0.0.b"}));
  Reopen();
  EXPECT_EQ(db_->ColumnFamilyNames(), (std::vector<std::string>{"q1.0.0.b"}));
}

TEST_F(TenantStateDbTest, DroppedStoreComesBackEmptyWithoutOffset) {
  {
    auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
    ASSERT_TRUE(kv->Put("k", "v").ok());
    ASSERT_TRUE(txn_->Commit({{"q1.0.0.kv", 42}}).ok());
  }
  EXPECT_EQ(*db_->ChangelogOffset(Id("kv")), 42);
  ASSERT_TRUE(db_->Drop(Id("kv")).ok());
  EXPECT_EQ(*db_->ChangelogOffset(Id("kv")), std::nullopt);
  auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
  EXPECT_EQ(*kv->Get("k"), std::nullopt);
}

TEST_F(TenantStateDbTest, MemoryUsageIsReportedAfterWrites) {
  auto before = db_->GetMemoryUsage();
  EXPECT_EQ(before.capacity_bytes, size_t{8} << 20);
  auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(kv->Put("key" + std::to_string(i), std::string(64, 'x')).ok());
  }
  ASSERT_TRUE(txn_->Commit({}).ok());
  auto after = db_->GetMemoryUsage();
  EXPECT_GT(after.memtable_bytes, 2000u * 64u);
  EXPECT_GT(after.charged_bytes, 0u);  // memtables are charged to the tenant's cache
  EXPECT_LE(after.charged_bytes, after.capacity_bytes);
}

TEST_F(TenantStateDbTest, MemtablesAreAttributedToTheirQuery) {
  auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(kv->Put("key" + std::to_string(i), std::string(64, 'x')).ok());
  }
  ASSERT_TRUE(txn_->Commit({}).ok());
  const std::map<std::string, size_t> by_query = db_->MemtableBytesByQuery();
  ASSERT_EQ(by_query.size(), 1u);
  EXPECT_EQ(by_query.begin()->first, Id("kv").query);
  EXPECT_GT(by_query.begin()->second, 1000u * 64u);
  EXPECT_GE(db_->StoreBytes(Id("kv")), by_query.begin()->second);  // memtables count as state
  EXPECT_EQ(db_->StoreBytes(Id("never-attached")), 0u);
}

TEST_F(TenantStateDbTest, MemoryBudgetIsResizedAtRunTime) {
  ASSERT_TRUE(db_->SetMemoryBudget(size_t{32} << 20).ok());
  EXPECT_EQ(db_->GetMemoryUsage().capacity_bytes, size_t{32} << 20);
  ASSERT_TRUE(db_->SetMemoryBudget(size_t{2} << 20).ok());
  EXPECT_EQ(db_->GetMemoryUsage().capacity_bytes, size_t{2} << 20);
  EXPECT_EQ(db_->SetMemoryBudget(0).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TenantStateDbTest, ReadsFromFlushedFilesGoThroughTheBlockCache) {
  {
    auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
    for (int i = 0; i < 500; ++i) {
      ASSERT_TRUE(kv->Put("key" + std::to_string(i), std::string(64, 'x')).ok());
    }
    ASSERT_TRUE(txn_->Commit({}).ok());
  }
  Reopen();  // the WAL is replayed; flush so reads hit SST blocks
  auto cf = db_->Attach(Id("kv"));
  ASSERT_TRUE(cf.ok());
  ASSERT_TRUE(db_->db()->Flush(rocksdb::FlushOptions(), *cf).ok());
  auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
  EXPECT_EQ(*kv->Get("key7"), std::string(64, 'x'));
  EXPECT_GT(db_->GetMemoryUsage().block_cache_bytes, 0u);
}

}  // namespace
}  // namespace skein::state
