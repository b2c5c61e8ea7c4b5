// The join operators on hand-built plans over InMemoryTopics, through LocalRunner (so with the
// RocksDB stores in a temporary directory and the two inputs interleaved in append order):
// stream-stream windows and GRACE semantics, stream-table lookups, table-table updates and
// tombstones, foreign-key joins; and the state row encoding.

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "plan_builder.h"
#include "row_codec.h"
#include "skein/runtime/in_memory_topics.h"
#include "skein/runtime/local_runner.h"
#include "skein/runtime/processing_log.h"

namespace skein::runtime {
namespace {

using namespace testing;  // NOLINT(build/namespaces): plan builders
using types::SqlType;
using types::Value;

const SqlType kInt = SqlType::Integer();
const SqlType kBig = SqlType::Bigint();
const SqlType kStr = SqlType::String();

using Opt = std::optional<std::string>;
using Out = std::tuple<std::string, std::string, int64_t>;

// A side: (K INT KEY, <value> STRING) with JSON key and value, then ROWTIME.
skein::v1::SourceOp Side(const std::string& topic, const std::string& value, bool table) {
  skein::v1::SourceOp src;
  *src.mutable_topic() = Topic(topic, "JSON", "JSON");
  *src.mutable_schema() =
      MakeSchema({KeyCol("K", kInt), Column(value, kStr), PseudoCol("ROWTIME", kBig)});
  src.set_is_table(table);
  src.set_timestamp_column(-1);
  return src;
}

// left (K, A) JOIN right (K, B) -> output (K KEY, A, B). Join row: [key][K, A, ROWTIME]
// [K, B, ROWTIME].
skein::v1::PhysicalPlan JoinPlan(skein::v1::JoinOp::Kind kind, skein::v1::JoinOp::Type type,
                                 int64_t window_ms = 0, std::optional<int64_t> grace = {}) {
  const bool left_table = kind == skein::v1::JoinOp::KIND_TABLE_TABLE;
  const bool right_table = kind != skein::v1::JoinOp::KIND_STREAM_STREAM;
  skein::v1::PhysicalPlan plan;
  plan.set_query_id("Q_JOIN");
  skein::v1::Stage* stage = plan.add_stages();
  *stage->add_operators()->mutable_source() = Side("left", "A", left_table);
  *stage->add_right_operators()->mutable_source() = Side("right", "B", right_table);
  skein::v1::JoinOp* join = stage->add_operators()->mutable_join();
  join->set_kind(kind);
  join->set_type(type);
  *join->mutable_left_key() = Col(0, kInt);
  *join->mutable_right_key() = Col(0, kInt);
  join->set_before_ms(window_ms);
  join->set_after_ms(window_ms);
  if (grace) {
    join->set_has_grace(true);
    join->set_grace_ms(*grace);
  }
  join->set_store_prefix("Join");
  *join->mutable_output() = MakeSchema(
      {KeyCol("JK", kInt), Column("L_K", kInt), Column("L_A", kStr), PseudoCol("L_ROWTIME", kBig),
       Column("R_K", kInt), Column("R_B", kStr), PseudoCol("R_ROWTIME", kBig)});
  skein::v1::ProjectOp* project = stage->add_operators()->mutable_project();
  *project->add_exprs() = Col(0, kInt);
  *project->add_exprs() = Col(2, kStr);
  *project->add_exprs() = Col(5, kStr);
  *project->mutable_output() =
      MakeSchema({KeyCol("K", kInt), Column("A", kStr), Column("B", kStr)});
  skein::v1::SinkOp* sink = stage->add_operators()->mutable_sink();
  *sink->mutable_topic() = Topic("output", "JSON", "JSON");
  *sink->mutable_schema() = project->output();
  sink->set_is_table(left_table);
  sink->set_timestamp_column(-1);
  return plan;
}

class JoinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(topics_.CreateTopic("left", 1).ok());
    ASSERT_TRUE(topics_.CreateTopic("right", 1).ok());
  }

  void Produce(const std::string& topic, int key, Opt value, int64_t ts) {
    Record r;
    r.topic = topic;
    r.key = std::to_string(key);
    r.value = std::move(value);
    r.timestamp = ts;
    ASSERT_TRUE(topics_.Append(std::move(r)).ok());
  }
  void L(int key, const std::string& a, int64_t ts) {
    Produce("left", key, "{\"A\":\"" + a + "\"}", ts);
  }
  void R(int key, const std::string& b, int64_t ts) {
    Produce("right", key, "{\"B\":\"" + b + "\"}", ts);
  }

  void Run(const skein::v1::PhysicalPlan& plan) {
    if (!runner_) {
      runner_ = std::make_unique<LocalRunner>(&topics_, &log_);
      absl::Status s = runner_->AddPlan(plan);
      ASSERT_TRUE(s.ok()) << s;
    }
    absl::Status s = runner_->RunUntilIdle();
    ASSERT_TRUE(s.ok()) << s;
  }

  // (key, value or "<null>", timestamp) of every output record.
  std::vector<Out> Output() {
    auto all = topics_.ReadAll("output");
    EXPECT_TRUE(all.ok()) << all.status();
    std::vector<Out> out;
    if (!all.ok()) return out;
    for (const Record& r : *all) {
      out.emplace_back(r.key.value_or("<null>"), r.value.value_or("<null>"), r.timestamp);
    }
    return out;
  }

  InMemoryTopics topics_;
  InMemoryProcessingLog log_;
  std::unique_ptr<LocalRunner> runner_;
};

TEST_F(JoinTest, StreamStreamInnerJoinsWithinTheWindowAtTheLaterTimestamp) {
  L(1, "a", 1000);
  R(1, "b", 5000);   // within 10 s of a
  R(1, "c", 20000);  // 19 s after a: no match
  R(2, "d", 5000);   // other key
  L(1, "e", 15000);  // matches b (10 s) and c (5 s)
  Run(JoinPlan(skein::v1::JoinOp::KIND_STREAM_STREAM, skein::v1::JoinOp::TYPE_INNER, 10000));
  EXPECT_EQ(Output(), (std::vector<Out>{{"1", R"({"A":"a","B":"b"})", 5000},
                                        {"1", R"({"A":"e","B":"b"})", 15000},
                                        {"1", R"({"A":"e","B":"c"})", 20000}}));
}

TEST_F(JoinTest, StreamStreamLeftWithoutGraceEmitsUnmatchedAtOnce) {
  L(1, "a", 1000);
  R(1, "b", 2000);
  R(2, "x", 3000);  // unmatched right records of a LEFT join emit nothing
  Run(JoinPlan(skein::v1::JoinOp::KIND_STREAM_STREAM, skein::v1::JoinOp::TYPE_LEFT, 10000));
  EXPECT_EQ(Output(), (std::vector<Out>{{"1", R"({"A":"a","B":null})", 1000},
                                        {"1", R"({"A":"a","B":"b"})", 2000}}));
}

TEST_F(JoinTest, StreamStreamOuterWithGraceWaitsForTheWindowToClose) {
  L(1, "a", 0);
  R(2, "b", 1000);
  L(2, "c", 2000);  // matches b: neither is emitted unmatched
  R(3, "d", 9000);  // closes a's window (0 + 5 s + 2 s < 9 s), not d's
  Run(JoinPlan(skein::v1::JoinOp::KIND_STREAM_STREAM, skein::v1::JoinOp::TYPE_OUTER, 5000, 2000));
  EXPECT_EQ(Output(), (std::vector<Out>{{"2", R"({"A":"c","B":"b"})", 2000},
                                        {"1", R"({"A":"a","B":null})", 0}}));
}

TEST_F(JoinTest, StreamTableLooksUpTheCurrentTableRow) {
  L(1, "a", 100);   // no table row yet: dropped by INNER
  R(1, "t1", 200);  // table updates emit nothing
  L(1, "b", 300);
  Produce("right", 1, std::nullopt, 400);  // tombstone deletes the row
  L(1, "c", 500);
  Run(JoinPlan(skein::v1::JoinOp::KIND_STREAM_TABLE, skein::v1::JoinOp::TYPE_INNER));
  EXPECT_EQ(Output(), (std::vector<Out>{{"1", R"({"A":"b","B":"t1"})", 300}}));
}

TEST_F(JoinTest, StreamTableLeftJoinKeepsUnmatchedStreamRows) {
  L(1, "a", 100);
  R(1, "t1", 200);
  L(1, "b", 300);
  Run(JoinPlan(skein::v1::JoinOp::KIND_STREAM_TABLE, skein::v1::JoinOp::TYPE_LEFT));
  EXPECT_EQ(Output(), (std::vector<Out>{{"1", R"({"A":"a","B":null})", 100},
                                        {"1", R"({"A":"b","B":"t1"})", 300}}));
}

TEST_F(JoinTest, TableTableLeftJoinUpdatesAndTombstones) {
  R(1, "r1", 50);  // no left row: nothing (LEFT join)
  L(1, "a", 100);
  R(1, "r2", 200);
  Produce("right", 1, std::nullopt, 300);  // right deleted: left row with NULLs
  Produce("left", 1, std::nullopt, 400);   // left deleted: tombstone
  Run(JoinPlan(skein::v1::JoinOp::KIND_TABLE_TABLE, skein::v1::JoinOp::TYPE_LEFT));
  EXPECT_EQ(Output(), (std::vector<Out>{{"1", R"({"A":"a","B":"r1"})", 100},
                                        {"1", R"({"A":"a","B":"r2"})", 200},
                                        {"1", R"({"A":"a","B":null})", 300},
                                        {"1", "<null>", 400}}));
}

TEST_F(JoinTest, TableTableInnerJoinRunsIncrementally) {
  L(1, "a", 100);
  Run(JoinPlan(skein::v1::JoinOp::KIND_TABLE_TABLE, skein::v1::JoinOp::TYPE_INNER));
  EXPECT_TRUE(Output().empty());
  R(1, "b", 200);  // the stores keep the left row between runs
  Run(JoinPlan(skein::v1::JoinOp::KIND_TABLE_TABLE, skein::v1::JoinOp::TYPE_INNER));
  EXPECT_EQ(Output(), (std::vector<Out>{{"1", R"({"A":"a","B":"b"})", 200}}));
}

TEST(RowCodecTest, RowsRoundTrip) {
  RowRecord row;
  row.values = {Value::Integer(-7),
                Value::String("text"),
                Value(),
                Value::Double(1.5),
                Value::Decimal(12345, 2),
                Value::Array({Value::Bigint(1), Value()}),
                Value::MapInterleaved({Value::String("k"), Value::Boolean(true)})};
  row.timestamp = 42;
  row.offset = 3;
  RowRecord tombstone;
  tombstone.value_null = true;
  tombstone.values = {Value::Integer(1)};
  std::vector<RowRecord> decoded;
  ASSERT_TRUE(internal::DecodeRows(internal::EncodeRows({row, tombstone}), &decoded));
  ASSERT_EQ(decoded.size(), 2u);
  EXPECT_EQ(decoded[0].values, row.values);
  EXPECT_EQ(decoded[0].timestamp, 42);
  EXPECT_EQ(decoded[0].offset, 3);
  EXPECT_TRUE(decoded[1].value_null);
  EXPECT_FALSE(internal::DecodeRows("\x05", &decoded));  // truncated input is rejected
  EXPECT_EQ(internal::EncodeKey(Value::Integer(5)), internal::EncodeKey(Value::Integer(5)));
  EXPECT_NE(internal::EncodeKey(Value::Integer(5)), internal::EncodeKey(Value::Bigint(5)));
}

}  // namespace
}  // namespace skein::runtime
