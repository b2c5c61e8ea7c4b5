// runtime::TableReader: pull plans over an aggregate's committed state. The aggregate runs in a
// LocalRunner over RocksDB in a scratch directory; the reader then opens the same state as an
// executor does and answers key lookups and scans.

#include "skein/runtime/table_reader.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "skein/compiler/compiler.h"
#include "skein/compiler/pull_plan.h"
#include "skein/runtime/in_memory_topics.h"
#include "skein/runtime/local_runner.h"
#include "skein/runtime/processing_log.h"
#include "skein/sql/parser.h"
#include "skein/state/tenant_state_db.h"

namespace skein::runtime {
namespace {

absl::StatusOr<compiler::StatementResult> RunSql(compiler::Compiler& c, const std::string& sql) {
  absl::StatusOr<sql::StatementPtr> stmt = sql::ParseStatement(sql);
  if (!stmt.ok()) return stmt.status();
  return c.Execute(**stmt, sql);
}

class TableReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            absl::StrCat("table-reader-test-", absl::ToUnixNanos(absl::Now())))
               .string();
    std::filesystem::create_directories(dir_);
    ASSERT_TRUE(RunSql(compiler_,
                       "CREATE STREAM views (user_id STRING KEY, view_ms BIGINT) WITH "
                       "(KAFKA_TOPIC='views', FORMAT='JSON', PARTITIONS=1);")
                    .ok());
    absl::StatusOr<compiler::StatementResult> ctas =
        RunSql(compiler_,
               "CREATE TABLE totals AS SELECT user_id, SUM(view_ms) AS total, COUNT(*) AS n FROM "
               "views GROUP BY user_id HAVING COUNT(*) > 1 EMIT CHANGES;");
    ASSERT_TRUE(ctas.ok()) << ctas.status();
    plan_ = *ctas->plan;
    InMemoryTopics topics;
    NullProcessingLog log;
    {
      LocalRunner runner(&topics, &log, nullptr, dir_);
      ASSERT_TRUE(topics.CreateTopic("views", 1).ok());
      ASSERT_TRUE(runner.AddPlan(plan_).ok());
      // u1: 3 views (total 60), u2: 2 views (total 5), u3: 1 view (HAVING drops it).
      for (const auto& [user, ms] : std::vector<std::pair<std::string, int>>{
               {"u1", 10}, {"u2", 2}, {"u1", 20}, {"u3", 7}, {"u2", 3}, {"u1", 30}}) {
        Record r;
        r.topic = "views";
        r.key = absl::StrCat("\"", user, "\"");
        r.value = absl::StrCat("{\"VIEW_MS\":", ms, "}");
        r.timestamp = 1000;
        ASSERT_TRUE(topics.Append(std::move(r)).ok());
      }
      ASSERT_TRUE(runner.RunUntilIdle().ok());
    }  // closes the tenant's RocksDB
    absl::StatusOr<std::unique_ptr<state::TenantStateDb>> db =
        state::TenantStateDb::Open(dir_, "default");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }

  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The pull plan the coordinator compiles for `select`.
  v1::PhysicalPlan PullPlan(const std::string& select) {
    absl::StatusOr<sql::StatementPtr> stmt = sql::ParseStatement(select);
    EXPECT_TRUE(stmt.ok()) << stmt.status();
    if (!stmt.ok()) return v1::PhysicalPlan();
    absl::StatusOr<v1::PhysicalPlan> plan = compiler::CompilePullPlan(
        compiler_, std::move(*(*stmt)->As<sql::SelectStatement>().query), select);
    EXPECT_TRUE(plan.ok()) << plan.status();
    return plan.ok() ? *plan : v1::PhysicalPlan();
  }

  uint32_t AggregateStage() const {
    for (const v1::Stage& s : plan_.stages()) {
      for (const v1::Operator& op : s.operators()) {
        if (op.has_aggregate()) return s.id();
      }
    }
    return 0;
  }

  std::vector<std::string> Pull(const std::string& select, bool* lookup, size_t limit = 0) {
    absl::StatusOr<std::unique_ptr<TableReader>> reader =
        TableReader::Create(plan_, AggregateStage(), PullPlan(select));
    EXPECT_TRUE(reader.ok()) << reader.status();
    std::vector<std::string> rows;
    if (!reader.ok()) return rows;
    *lookup = (*reader)->key_lookup();
    absl::Status read = (*reader)->Read(db_.get(), 0, limit, &rows);
    EXPECT_TRUE(read.ok()) << read;
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  std::string dir_;
  compiler::Compiler compiler_;
  v1::PhysicalPlan plan_;
  std::unique_ptr<state::TenantStateDb> db_;
};

TEST_F(TableReaderTest, KeyLookupsReadOnlyThePinnedGroups) {
  bool lookup = false;
  EXPECT_EQ(Pull("SELECT * FROM totals WHERE user_id = 'u1'", &lookup),
            std::vector<std::string>{"{\"USER_ID\":\"u1\",\"TOTAL\":60,\"N\":3}"});
  EXPECT_TRUE(lookup);
  EXPECT_EQ(
      Pull("SELECT user_id, total FROM totals WHERE user_id IN ('u2', 'u1', 'nobody')", &lookup),
      (std::vector<std::string>{"{\"USER_ID\":\"u1\",\"TOTAL\":60}",
                                "{\"USER_ID\":\"u2\",\"TOTAL\":5}"}));
  EXPECT_TRUE(lookup);
  // HAVING rejected u3's group: the table has no row for it.
  EXPECT_TRUE(Pull("SELECT * FROM totals WHERE user_id = 'u3'", &lookup).empty());
  EXPECT_TRUE(lookup);
  // A lookup ANDed with another condition still reads one group, then filters it.
  EXPECT_TRUE(Pull("SELECT * FROM totals WHERE user_id = 'u1' AND total < 10", &lookup).empty());
  EXPECT_TRUE(lookup);
}

TEST_F(TableReaderTest, OtherPredicatesScanThePartition) {
  bool lookup = true;
  EXPECT_EQ(Pull("SELECT * FROM totals", &lookup),
            (std::vector<std::string>{"{\"USER_ID\":\"u1\",\"TOTAL\":60,\"N\":3}",
                                      "{\"USER_ID\":\"u2\",\"TOTAL\":5,\"N\":2}"}));
  EXPECT_FALSE(lookup);
  EXPECT_EQ(Pull("SELECT user_id FROM totals WHERE user_id >= 'u2' AND user_id < 'u9'", &lookup),
            std::vector<std::string>{"{\"USER_ID\":\"u2\"}"});
  EXPECT_FALSE(lookup);
  EXPECT_EQ(Pull("SELECT * FROM totals WHERE user_id = 'u1' OR total < 10", &lookup).size(), 2u);
  EXPECT_FALSE(lookup);
  EXPECT_EQ(Pull("SELECT * FROM totals", &lookup, 1).size(), 1u);
  // Without the key in the projection (a CTAS would need it).
  EXPECT_EQ(Pull("SELECT total * 2 AS twice FROM totals WHERE user_id = 'u2'", &lookup),
            std::vector<std::string>{"{\"TWICE\":10}"});
  EXPECT_TRUE(lookup);
}

}  // namespace
}  // namespace skein::runtime
