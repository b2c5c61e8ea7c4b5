#include "skein/state/key_value_store.h"

#include "gtest/gtest.h"
#include "state_fixture.h"

namespace skein::state {
namespace {

using KeyValueStoreTest = testing::StateTest;
using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST_F(KeyValueStoreTest, PutGetDelete) {
  auto store = KeyValueStore::Open(txn_.get(), Id("kv"));
  ASSERT_TRUE(store.ok()) << store.status();
  KeyValueStore& kv = **store;

  EXPECT_EQ(*kv.Get("a"), std::nullopt);
  ASSERT_TRUE(kv.Put("a", "1").ok());
  ASSERT_TRUE(kv.Put("a", "2").ok());                   // overwrite
  ASSERT_TRUE(kv.Put(std::string("\0k", 2), "").ok());  // NUL key, empty value
  EXPECT_EQ(*kv.Get("a"), "2");
  EXPECT_EQ(*kv.Get(std::string("\0k", 2)), "");
  ASSERT_TRUE(kv.Delete("a").ok());
  EXPECT_EQ(*kv.Get("a"), std::nullopt);
  ASSERT_TRUE(kv.Delete("never-written").ok());
}

TEST_F(KeyValueStoreTest, RangeAndPrefixScansMergeBufferAndCommittedData) {
  auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
  for (const char* k : {"a1", "a2", "b1", "b3"}) ASSERT_TRUE(kv->Put(k, k).ok());
  ASSERT_TRUE(txn_->Commit({}).ok());
  // Uncommitted changes on top of the committed ones: a new key, an update, a delete.
  ASSERT_TRUE(kv->Put("b2", "new").ok());
  ASSERT_TRUE(kv->Put("a2", "updated").ok());
  ASSERT_TRUE(kv->Delete("b3").ok());

  auto range = kv->Range("a2", "b3");
  EXPECT_EQ(Drain(*range), (Pairs{{"a2", "updated"}, {"b1", "b1"}, {"b2", "new"}}));
  auto prefix = kv->PrefixScan("b");
  EXPECT_EQ(Drain(*prefix), (Pairs{{"b1", "b1"}, {"b2", "new"}}));
  auto all = kv->All();
  EXPECT_EQ(Drain(*all).size(), 4u);
  auto empty = kv->Range("c", "d");
  EXPECT_TRUE(Drain(*empty).empty());
}

TEST_F(KeyValueStoreTest, PrefixScanOfAllOnesPrefixIsUnboundedAbove) {
  auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
  const std::string ff("\xff", 1);
  ASSERT_TRUE(kv->Put(ff, "x").ok());
  ASSERT_TRUE(kv->Put(ff + "\xff", "y").ok());
  ASSERT_TRUE(kv->Put("\xfe", "z").ok());
  auto it = kv->PrefixScan(ff);
  EXPECT_EQ(Drain(*it), (Pairs{{ff, "x"}, {ff + "\xff", "y"}}));
}

TEST_F(KeyValueStoreTest, StoresAreIsolatedByColumnFamily) {
  auto a = *KeyValueStore::Open(txn_.get(), Id("kv", 0));
  auto b = *KeyValueStore::Open(txn_.get(), Id("kv", 1));
  ASSERT_TRUE(a->Put("k", "in-a").ok());
  EXPECT_EQ(*b->Get("k"), std::nullopt);
  ASSERT_TRUE(txn_->Commit({}).ok());
  EXPECT_EQ(*b->Get("k"), std::nullopt);
  EXPECT_EQ(*a->Get("k"), "in-a");
}

TEST_F(KeyValueStoreTest, ApproximateSizeAndCountSeeCommittedData) {
  auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(kv->Put("key" + std::to_string(i), std::string(100, 'v')).ok());
  }
  ASSERT_TRUE(txn_->Commit({}).ok());
  auto count = kv->ApproximateCount();
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_GT(*count, 50u);
  EXPECT_LE(*count, 100u);
  auto size = kv->ApproximateSizeBytes();
  ASSERT_TRUE(size.ok()) << size.status();
  EXPECT_GT(*size, 100u * 100u / 2);
}

TEST_F(KeyValueStoreTest, WritesAreLoggedAsChangelogRecords) {
  auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
  ASSERT_TRUE(kv->Put("a", "1").ok());
  ASSERT_TRUE(kv->Delete("a").ok());
  ASSERT_EQ(sink_.entries.size(), 2u);
  EXPECT_EQ(sink_.entries[0].store, "q1.0.0.kv");
  EXPECT_EQ(sink_.entries[0].key, "a");
  EXPECT_EQ(sink_.entries[0].value, "1");
  EXPECT_EQ(sink_.entries[1].key, "a");
  EXPECT_EQ(sink_.entries[1].value, std::nullopt);
}

TEST_F(KeyValueStoreTest, SinkFailureFailsTheWrite) {
  auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
  sink_.fail_with = absl::UnavailableError("producer queue full");
  EXPECT_EQ(kv->Put("a", "1").code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace skein::state
