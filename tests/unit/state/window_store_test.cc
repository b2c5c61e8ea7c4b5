#include "skein/state/window_store.h"

#include "gtest/gtest.h"
#include "state_fixture.h"

namespace skein::state {
namespace {

using WindowStoreTest = testing::StateTest;

std::vector<int64_t> Starts(const std::vector<WindowEntry>& entries) {
  std::vector<int64_t> out;
  for (const WindowEntry& e : entries) out.push_back(e.start_ms);
  return out;
}

TEST_F(WindowStoreTest, PutGetDelete) {
  auto ws = *WindowStore::Open(txn_.get(), Id("win"));
  ASSERT_TRUE(ws->Put("k", 1000, "v1").ok());
  ASSERT_TRUE(ws->Put("k", 2000, "v2").ok());
  ASSERT_TRUE(ws->Put("k", 1000, "v1b").ok());
  EXPECT_EQ(*ws->Get("k", 1000), "v1b");
  EXPECT_EQ(*ws->Get("k", 1500), std::nullopt);
  EXPECT_EQ(*ws->Get("other", 1000), std::nullopt);
  ASSERT_TRUE(ws->Delete("k", 1000).ok());
  EXPECT_EQ(*ws->Get("k", 1000), std::nullopt);
  auto all = ws->FetchAll(0, 10000);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, (std::vector<WindowEntry>{{"k", 2000, "v2"}}));
}

TEST_F(WindowStoreTest, FetchIsInclusiveTimeOrderedAndPerKeyWithPrefixKeys) {
  auto ws = *WindowStore::Open(txn_.get(), Id("win"));
  // "k" is a prefix of "k2" and "k\0": their windows must never show up in Fetch("k").
  for (int64_t t : {300, -100, 100, 200, 0}) ASSERT_TRUE(ws->Put("k", t, "v").ok());
  ASSERT_TRUE(ws->Put("k2", 100, "x").ok());
  ASSERT_TRUE(ws->Put(std::string("k\0", 2), 100, "y").ok());
  ASSERT_TRUE(txn_->Commit({}).ok());
  ASSERT_TRUE(ws->Put("k", 150, "buffered").ok());

  auto fetched = ws->Fetch("k", 0, 200);
  ASSERT_TRUE(fetched.ok()) << fetched.status();
  EXPECT_EQ(Starts(*fetched), (std::vector<int64_t>{0, 100, 150, 200}));
  for (const WindowEntry& e : *fetched) EXPECT_EQ(e.key, "k");
  EXPECT_EQ((*fetched)[2].value, "buffered");

  EXPECT_EQ(Starts(*ws->Fetch("k", std::numeric_limits<int64_t>::min(),
                              std::numeric_limits<int64_t>::max())),
            (std::vector<int64_t>{-100, 0, 100, 150, 200, 300}));
  EXPECT_TRUE(ws->Fetch("k", 201, 299)->empty());
  EXPECT_TRUE(ws->Fetch("k", 200, 100)->empty());  // inverted range
}

TEST_F(WindowStoreTest, FetchAllOrdersByStartThenKey) {
  auto ws = *WindowStore::Open(txn_.get(), Id("win"));
  ASSERT_TRUE(ws->Put("b", 10, "b10").ok());
  ASSERT_TRUE(ws->Put("a", 20, "a20").ok());
  ASSERT_TRUE(ws->Put("a", 10, "a10").ok());
  ASSERT_TRUE(ws->Put("c", 30, "c30").ok());
  auto all = ws->FetchAll(10, 20);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(*all, (std::vector<WindowEntry>{{"a", 10, "a10"}, {"b", 10, "b10"}, {"a", 20, "a20"}}));
}

TEST_F(WindowStoreTest, ExpireBeforeDropsExactlyTheExpiredWindows) {
  auto ws = *WindowStore::Open(txn_.get(), Id("win"));
  for (int64_t t = 0; t < 10; ++t) {
    ASSERT_TRUE(ws->Put("a", t * 100, "a").ok());
    ASSERT_TRUE(ws->Put("b", t * 100 + 50, "b").ok());
  }
  ASSERT_TRUE(txn_->Commit({}).ok());
  ASSERT_TRUE(ws->ExpireBefore(450).ok());  // drops a@0..400 and b@50..350, keeps b@450
  EXPECT_EQ(Starts(*ws->Fetch("a", 0, 10000)), (std::vector<int64_t>{500, 600, 700, 800, 900}));
  EXPECT_EQ(Starts(*ws->Fetch("b", 0, 10000)),
            (std::vector<int64_t>{450, 550, 650, 750, 850, 950}));
  ASSERT_TRUE(txn_->Commit({}).ok());
  EXPECT_EQ(ws->FetchAll(0, 10000)->size(), 11u);

  // A second expiry continues from the first; the index holds no stale entries afterwards.
  ASSERT_TRUE(ws->ExpireBefore(900).ok());
  ASSERT_TRUE(txn_->Commit({}).ok());
  EXPECT_EQ(*ws->FetchAll(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()),
            (std::vector<WindowEntry>{{"a", 900, "a"}, {"b", 950, "b"}}));
  EXPECT_EQ(ws->expired_before(), 900);
}

TEST_F(WindowStoreTest, LateWritesToExpiredWindowsAreDropped) {
  auto ws = *WindowStore::Open(txn_.get(), Id("win"));
  ASSERT_TRUE(ws->ExpireBefore(1000).ok());
  ASSERT_TRUE(ws->Put("k", 999, "late").ok());
  ASSERT_TRUE(ws->Put("k", 1000, "on-time").ok());
  EXPECT_EQ(ws->dropped_late_writes(), 1u);
  EXPECT_EQ(*ws->Get("k", 999), std::nullopt);
  EXPECT_EQ(*ws->Get("k", 1000), "on-time");
  EXPECT_EQ(sink_.entries.size(), 1u);  // the dropped write is not logged either
}

TEST_F(WindowStoreTest, AbortedExpiryIsRedoneByTheNextCall) {
  auto ws = *WindowStore::Open(txn_.get(), Id("win"));
  ASSERT_TRUE(ws->Put("k", 100, "v").ok());
  ASSERT_TRUE(txn_->Commit({}).ok());
  ASSERT_TRUE(ws->ExpireBefore(200).ok());
  EXPECT_EQ(*ws->Get("k", 100), std::nullopt);
  txn_->Abort();
  EXPECT_EQ(*ws->Get("k", 100), "v");
  EXPECT_EQ(ws->expired_before(), std::numeric_limits<int64_t>::min());
  ASSERT_TRUE(ws->ExpireBefore(200).ok());
  ASSERT_TRUE(txn_->Commit({}).ok());
  EXPECT_EQ(*ws->Get("k", 100), std::nullopt);
}

TEST_F(WindowStoreTest, ChangelogRecordsRestoreIntoAnotherStore) {
  auto ws = *WindowStore::Open(txn_.get(), Id("win", 0));
  ASSERT_TRUE(ws->Put("k", 100, "v100").ok());
  ASSERT_TRUE(ws->Put("k", 200, "v200").ok());
  ASSERT_TRUE(ws->Put("j", 100, "j100").ok());
  ASSERT_TRUE(ws->Delete("k", 200).ok());
  ASSERT_EQ(sink_.entries.size(), 4u);
  txn_->Abort();  // the Kafka transaction carried the records; local writes are gone

  std::vector<ChangelogRecord> records;
  for (const auto& e : sink_.entries) records.push_back({e.key, e.value});
  auto replica = *WindowStore::Open(txn_.get(), Id("win", 1));
  ASSERT_TRUE(replica->RestoreBatch(records, 4).ok());
  EXPECT_EQ(*replica->FetchAll(0, 1000),
            (std::vector<WindowEntry>{{"j", 100, "j100"}, {"k", 100, "v100"}}));
  EXPECT_EQ(*replica->ChangelogOffset(), 4);
  // The restored windows are indexed: expiry removes them.
  ASSERT_TRUE(replica->ExpireBefore(150).ok());
  ASSERT_TRUE(txn_->Commit({}).ok());
  EXPECT_TRUE(replica->FetchAll(0, 1000)->empty());

  std::vector<ChangelogRecord> garbage = {{"no-terminator", std::string("v")}};
  EXPECT_EQ(replica->RestoreBatch(garbage, 5).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(*replica->ChangelogOffset(), 4);  // a failed batch records nothing
}

TEST_F(WindowStoreTest, KeysWithNulBytesExpireAndRestoreIntact) {
  const std::string nul_key("a\0\xff", 3);
  auto ws = *WindowStore::Open(txn_.get(), Id("win", 0));
  ASSERT_TRUE(ws->Put(nul_key, 10, "x").ok());
  ASSERT_TRUE(ws->Put("a", 10, "y").ok());
  ASSERT_TRUE(ws->Put(nul_key, 30, "z").ok());
  std::vector<ChangelogRecord> records;
  for (const auto& e : sink_.entries) records.push_back({e.key, e.value});
  ASSERT_TRUE(txn_->Commit({}).ok());
  ASSERT_TRUE(ws->ExpireBefore(20).ok());
  EXPECT_EQ(*ws->FetchAll(0, 100), (std::vector<WindowEntry>{{nul_key, 30, "z"}}));

  auto replica = *WindowStore::Open(txn_.get(), Id("win", 1));
  txn_->Abort();
  ASSERT_TRUE(replica->RestoreBatch(records, 3).ok());
  EXPECT_EQ(*replica->Fetch(nul_key, 0, 100),
            (std::vector<WindowEntry>{{nul_key, 10, "x"}, {nul_key, 30, "z"}}));
  EXPECT_EQ(*replica->Fetch("a", 0, 100), (std::vector<WindowEntry>{{"a", 10, "y"}}));
}

TEST_F(WindowStoreTest, CommittedExpiryPointSurvivesRestart) {
  {
    auto ws = *WindowStore::Open(txn_.get(), Id("win"));
    ASSERT_TRUE(ws->Put("k", 100, "old").ok());
    ASSERT_TRUE(ws->Put("k", 300, "new").ok());
    ASSERT_TRUE(ws->ExpireBefore(200).ok());
    ASSERT_TRUE(txn_->Commit({}).ok());
    ASSERT_TRUE(ws->ExpireBefore(250).ok());  // never committed
  }
  Reopen();
  auto ws = *WindowStore::Open(txn_.get(), Id("win"));
  EXPECT_EQ(ws->expired_before(), 200);
  ASSERT_TRUE(ws->Put("k", 150, "late").ok());
  EXPECT_EQ(ws->dropped_late_writes(), 1u);
  ASSERT_TRUE(ws->Put("k", 220, "accepted").ok());  // the uncommitted 250 is not in force
  EXPECT_EQ(*ws->FetchAll(0, 1000),
            (std::vector<WindowEntry>{{"k", 220, "accepted"}, {"k", 300, "new"}}));
}

}  // namespace
}  // namespace skein::state
