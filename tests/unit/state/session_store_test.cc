#include "skein/state/session_store.h"

#include "gtest/gtest.h"
#include "state_fixture.h"

namespace skein::state {
namespace {

using SessionStoreTest = testing::StateTest;

std::vector<std::pair<int64_t, int64_t>> Spans(const std::vector<SessionEntry>& sessions) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const SessionEntry& s : sessions) out.emplace_back(s.start_ms, s.end_ms);
  return out;
}

TEST_F(SessionStoreTest, PutGetRemove) {
  auto ss = *SessionStore::Open(txn_.get(), Id("sess"));
  ASSERT_TRUE(ss->Put("k", 10, 20, "v").ok());
  EXPECT_EQ(*ss->Get("k", 10, 20), "v");
  EXPECT_EQ(*ss->Get("k", 10, 21), std::nullopt);
  ASSERT_TRUE(ss->Remove("k", 10, 20).ok());
  EXPECT_EQ(*ss->Get("k", 10, 20), std::nullopt);
  EXPECT_EQ(ss->Put("k", 30, 20, "v").code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(ss->Put("k", 5, 5, "point").ok());  // a one-record session
  EXPECT_EQ(*ss->Get("k", 5, 5), "point");
}

TEST_F(SessionStoreTest, FindSessionsReturnsTheOverlappingOnesByEnd) {
  auto ss = *SessionStore::Open(txn_.get(), Id("sess"));
  ASSERT_TRUE(ss->Put("k", 0, 10, "s1").ok());
  ASSERT_TRUE(ss->Put("k", 20, 30, "s2").ok());
  ASSERT_TRUE(ss->Put("k", 40, 50, "s3").ok());
  ASSERT_TRUE(ss->Put("k", 100, 120, "s4").ok());
  ASSERT_TRUE(ss->Put("k2", 25, 26, "other").ok());  // "k" is a prefix of "k2"
  ASSERT_TRUE(txn_->Commit({}).ok());

  // A record at t=35 with gap 5 extends or bridges sessions ending >= 30 and starting <= 40.
  auto found = ss->FindSessions("k", 30, 40);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(Spans(*found), (std::vector<std::pair<int64_t, int64_t>>{{20, 30}, {40, 50}}));
  EXPECT_EQ((*found)[0].value, "s2");
  EXPECT_EQ((*found)[1].key, "k");

  EXPECT_TRUE(ss->FindSessions("k", 60, 90)->empty());  // in the gap between s3 and s4
  EXPECT_EQ(Spans(*ss->FindSessions("k", std::numeric_limits<int64_t>::min(),
                                    std::numeric_limits<int64_t>::max())),
            (std::vector<std::pair<int64_t, int64_t>>{{0, 10}, {20, 30}, {40, 50}, {100, 120}}));
  EXPECT_EQ(Spans(*ss->FindSessions("k2", 0, 100)),
            (std::vector<std::pair<int64_t, int64_t>>{{25, 26}}));
}

TEST_F(SessionStoreTest, MergingSessionsThroughTheBuffer) {
  // What the session-window operator does: find, remove the merged ones, put the union.
  auto ss = *SessionStore::Open(txn_.get(), Id("sess"));
  ASSERT_TRUE(ss->Put("k", 0, 10, "1").ok());
  ASSERT_TRUE(ss->Put("k", 20, 30, "1").ok());
  ASSERT_TRUE(txn_->Commit({}).ok());
  const int64_t t = 15;
  const int64_t gap = 5;
  auto merged = *ss->FindSessions("k", t - gap, t + gap);
  ASSERT_EQ(merged.size(), 2u);
  for (const SessionEntry& s : merged) ASSERT_TRUE(ss->Remove(s.key, s.start_ms, s.end_ms).ok());
  ASSERT_TRUE(ss->Put("k", 0, 30, "3").ok());
  EXPECT_EQ(Spans(*ss->FindSessions("k", std::numeric_limits<int64_t>::min(),
                                    std::numeric_limits<int64_t>::max())),
            (std::vector<std::pair<int64_t, int64_t>>{{0, 30}}));
}

TEST_F(SessionStoreTest, ExpireBeforeDropsSessionsEndingBeforeTheCutoff) {
  auto ss = *SessionStore::Open(txn_.get(), Id("sess"));
  ASSERT_TRUE(ss->Put("a", 0, 99, "a1").ok());
  ASSERT_TRUE(ss->Put("a", 50, 100, "a2").ok());  // ends exactly at the cutoff: kept
  ASSERT_TRUE(ss->Put("b", 10, 20, "b1").ok());
  ASSERT_TRUE(ss->Put("b", 0, 500, "b2").ok());  // started long ago, still open
  ASSERT_TRUE(txn_->Commit({}).ok());
  ASSERT_TRUE(ss->ExpireBefore(100).ok());
  ASSERT_TRUE(txn_->Commit({}).ok());
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(Spans(*ss->FindSessions("a", kMin, kMax)),
            (std::vector<std::pair<int64_t, int64_t>>{{50, 100}}));
  EXPECT_EQ(Spans(*ss->FindSessions("b", kMin, kMax)),
            (std::vector<std::pair<int64_t, int64_t>>{{0, 500}}));
  ASSERT_TRUE(ss->Put("c", 0, 50, "late").ok());
  EXPECT_EQ(ss->dropped_late_writes(), 1u);
  EXPECT_TRUE(ss->FindSessions("c", kMin, kMax)->empty());
}

TEST_F(SessionStoreTest, ChangelogRecordsRestore) {
  auto ss = *SessionStore::Open(txn_.get(), Id("sess", 0));
  ASSERT_TRUE(ss->Put("k", 1, 2, "v").ok());
  ASSERT_TRUE(ss->Put("k", 5, 9, "w").ok());
  ASSERT_TRUE(ss->Remove("k", 1, 2).ok());
  txn_->Abort();
  std::vector<ChangelogRecord> records;
  for (const auto& e : sink_.entries) records.push_back({e.key, e.value});
  auto replica = *SessionStore::Open(txn_.get(), Id("sess", 1));
  ASSERT_TRUE(replica->RestoreBatch(records, 3).ok());
  auto all = *replica->FindSessions("k", 0, 100);
  EXPECT_EQ(all, (std::vector<SessionEntry>{{"k", 5, 9, "w"}}));
  EXPECT_EQ(*replica->ChangelogOffset(), 3);
}

TEST_F(SessionStoreTest, CommittedExpiryPointSurvivesRestart) {
  {
    auto ss = *SessionStore::Open(txn_.get(), Id("sess"));
    ASSERT_TRUE(ss->Put("k", 0, 10, "old").ok());
    ASSERT_TRUE(ss->ExpireBefore(50).ok());
    ASSERT_TRUE(txn_->Commit({}).ok());
  }
  Reopen();
  auto ss = *SessionStore::Open(txn_.get(), Id("sess"));
  EXPECT_EQ(ss->expired_before(), 50);
  ASSERT_TRUE(ss->Put("k", 0, 40, "late").ok());
  EXPECT_EQ(ss->dropped_late_writes(), 1u);
  EXPECT_TRUE(ss->FindSessions("k", 0, 100)->empty());
}

}  // namespace
}  // namespace skein::state
