#include "skein/state/state_transaction.h"

#include "gtest/gtest.h"
#include "skein/state/key_value_store.h"
#include "skein/state/session_store.h"
#include "skein/state/window_store.h"
#include "state_fixture.h"

namespace skein::state {
namespace {

using StateTransactionTest = testing::StateTest;

TEST_F(StateTransactionTest, WritesAreReadableBeforeCommitButNotInRocksDb) {
  auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
  ASSERT_TRUE(kv->Put("k", "v").ok());
  EXPECT_EQ(*kv->Get("k"), "v");
  EXPECT_EQ(txn_->BufferedWrites(), 1u);
  EXPECT_GT(txn_->BufferedBytes(), 0u);
  // Straight from RocksDB, bypassing the buffer: nothing yet.
  std::string raw;
  auto cf = *db_->Attach(Id("kv"));
  EXPECT_TRUE(db_->db()->Get(rocksdb::ReadOptions(), cf, "k", &raw).IsNotFound());
  ASSERT_TRUE(txn_->Commit({}).ok());
  EXPECT_EQ(txn_->BufferedWrites(), 0u);
  ASSERT_TRUE(db_->db()->Get(rocksdb::ReadOptions(), cf, "k", &raw).ok());
  EXPECT_EQ(raw, "v");
}

TEST_F(StateTransactionTest, AbortDropsBufferedWritesAndKeepsCommittedOnes) {
  auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
  ASSERT_TRUE(kv->Put("kept", "1").ok());
  ASSERT_TRUE(txn_->Commit({{"q1.0.0.kv", 10}}).ok());
  ASSERT_TRUE(kv->Put("dropped", "2").ok());
  ASSERT_TRUE(kv->Put("kept", "overwritten").ok());
  ASSERT_TRUE(kv->Delete("kept").ok());
  EXPECT_EQ(*kv->Get("kept"), std::nullopt);
  txn_->Abort();
  EXPECT_EQ(*kv->Get("dropped"), std::nullopt);
  EXPECT_EQ(*kv->Get("kept"), "1");
  EXPECT_EQ(txn_->BufferedWrites(), 0u);
  EXPECT_EQ(*kv->ChangelogOffset(), 10);
}

TEST_F(StateTransactionTest, CommitThenRestartShowsDataAndChangelogOffsets) {
  {
    auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
    auto ws = *WindowStore::Open(txn_.get(), Id("win"));
    auto ss = *SessionStore::Open(txn_.get(), Id("sess"));
    ASSERT_TRUE(kv->Put("k", "committed").ok());
    ASSERT_TRUE(ws->Put("k", 100, "w").ok());
    ASSERT_TRUE(ss->Put("k", 1, 5, "s").ok());
    ASSERT_TRUE(txn_->Commit({{"q1.0.0.kv", 7}, {"q1.0.0.win", 3}, {"q1.0.0.sess", 12}}).ok());
    ASSERT_TRUE(kv->Put("k", "uncommitted").ok());
    ASSERT_TRUE(kv->Put("lost", "x").ok());
    // No commit: a crash here loses the buffer; Kafka aborts the matching transaction.
  }
  Reopen();
  EXPECT_EQ(*db_->ChangelogOffset(Id("kv")), 7);
  EXPECT_EQ(*db_->ChangelogOffset(Id("win")), 3);
  EXPECT_EQ(*db_->ChangelogOffset(Id("sess")), 12);
  EXPECT_EQ(*db_->ChangelogOffset(Id("never")), std::nullopt);
  auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
  auto ws = *WindowStore::Open(txn_.get(), Id("win"));
  auto ss = *SessionStore::Open(txn_.get(), Id("sess"));
  EXPECT_EQ(*kv->Get("k"), "committed");
  EXPECT_EQ(*kv->Get("lost"), std::nullopt);
  EXPECT_EQ(*ws->Get("k", 100), "w");
  EXPECT_EQ(*ss->Get("k", 1, 5), "s");
}

TEST_F(StateTransactionTest, CommitRejectsOffsetsOfUnattachedStoresAndKeepsTheBuffer) {
  auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
  ASSERT_TRUE(kv->Put("k", "v").ok());
  EXPECT_EQ(txn_->Commit({{"q1.0.0.nope", 1}}).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(txn_->BufferedWrites(), 1u);
  EXPECT_EQ(*kv->Get("k"), "v");
  ASSERT_TRUE(txn_->Commit({{"q1.0.0.kv", 1}}).ok());
  EXPECT_EQ(*kv->ChangelogOffset(), 1);
}

TEST_F(StateTransactionTest, OffsetOnlyCommitAdvancesThePosition) {
  auto kv = *KeyValueStore::Open(txn_.get(), Id("kv"));
  ASSERT_TRUE(txn_->Commit({{"q1.0.0.kv", 5}}).ok());
  ASSERT_TRUE(txn_->Commit({{"q1.0.0.kv", 9}}).ok());
  EXPECT_EQ(*kv->ChangelogOffset(), 9);
}

TEST_F(StateTransactionTest, BufferLimitReportsResourceExhausted) {
  StateTransaction small(db_.get(), nullptr, StateTransaction::Options{.max_buffer_bytes = 256});
  auto kv = *KeyValueStore::Open(&small, Id("kv"));
  absl::Status last = absl::OkStatus();
  for (int i = 0; i < 100 && last.ok(); ++i) last = kv->Put("key" + std::to_string(i), "v");
  EXPECT_EQ(last.code(), absl::StatusCode::kResourceExhausted);
  small.Abort();
  EXPECT_TRUE(kv->Put("again", "v").ok());
}

TEST_F(StateTransactionTest, RestoreRequiresAnEmptyBufferAndThenTheLogMatchesTheState) {
  auto kv = *KeyValueStore::Open(txn_.get(), Id("kv", 0));
  ASSERT_TRUE(kv->Put("a", "1").ok());
  ASSERT_TRUE(kv->Put("b", "2").ok());
  ASSERT_TRUE(kv->Delete("a").ok());
  std::vector<ChangelogRecord> records;
  for (const auto& e : sink_.entries) records.push_back({e.key, e.value});
  auto replica = *KeyValueStore::Open(txn_.get(), Id("kv", 1));
  EXPECT_EQ(replica->RestoreBatch(records, 3).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(txn_->Commit({{"q1.0.0.kv", 3}}).ok());
  ASSERT_TRUE(replica->RestoreBatch(records, 3).ok());
  EXPECT_EQ(*replica->Get("a"), std::nullopt);
  EXPECT_EQ(*replica->Get("b"), "2");
  EXPECT_EQ(*replica->ChangelogOffset(), 3);
  EXPECT_EQ(sink_.entries.size(), 3u);  // restoring does not log again
}

}  // namespace
}  // namespace skein::state
