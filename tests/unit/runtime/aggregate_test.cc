// The aggregate operator on hand-built plans over InMemoryTopics (through LocalRunner, so with
// the RocksDB stores in a temporary directory): per-update emission, windows and their keys,
// late records, session merges, table retraction, HAVING and EMIT FINAL.

#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "plan_builder.h"
#include "skein/runtime/in_memory_topics.h"
#include "skein/runtime/local_runner.h"
#include "skein/runtime/operators.h"
#include "skein/runtime/processing_log.h"

namespace skein::runtime {
namespace {

using namespace testing;  // NOLINT(build/namespaces): plan builders
using types::SqlType;

const SqlType kInt = SqlType::Integer();
const SqlType kBig = SqlType::Bigint();
const SqlType kStr = SqlType::String();
const SqlType kBool = SqlType::Boolean();

using Opt = std::optional<std::string>;

class AggregateTest : public ::testing::Test {
 protected:
  void Produce(Opt key, Opt value, int64_t ts) {
    if (!topics_.HasTopic("input")) {
      ASSERT_TRUE(topics_.CreateTopic("input", 1).ok());
    }
    Record r;
    r.topic = "input";
    r.key = std::move(key);
    r.value = std::move(value);
    r.timestamp = ts;
    ASSERT_TRUE(topics_.Append(std::move(r)).ok());
  }

  // (key bytes, value or "<null>", timestamp) of every output record.
  std::vector<std::tuple<std::string, std::string, int64_t>> Output() {
    auto all = topics_.ReadAll("output");
    EXPECT_TRUE(all.ok()) << all.status();
    std::vector<std::tuple<std::string, std::string, int64_t>> out;
    if (!all.ok()) return out;
    for (const Record& r : *all) {
      out.emplace_back(r.key.value_or("<null>"), r.value.value_or("<null>"), r.timestamp);
    }
    return out;
  }

  void Run(const skein::v1::PhysicalPlan& plan) {
    if (!runner_) runner_ = std::make_unique<LocalRunner>(&topics_, &log_);
    if (!added_) {
      absl::Status s = runner_->AddPlan(plan);
      ASSERT_TRUE(s.ok()) << s;
      added_ = true;
    }
    absl::Status s = runner_->RunUntilIdle();
    ASSERT_TRUE(s.ok()) << s;
    metrics_ = runner_->Metrics(plan.query_id());
  }

  InMemoryTopics topics_;
  InMemoryProcessingLog log_;
  std::unique_ptr<LocalRunner> runner_;
  bool added_ = false;
  OperatorMetrics metrics_;
};

// INPUT (K STRING KEY, ID INT, NAME STRING) JSON, with ROWTIME.
skein::v1::SourceOp Input(bool is_table = false) {
  skein::v1::SourceOp src;
  *src.mutable_topic() = Topic("input", "KAFKA", "JSON");
  *src.mutable_schema() = MakeSchema(
      {KeyCol("K", kStr), Column("ID", kInt), Column("NAME", kStr), PseudoCol("ROWTIME", kBig)});
  src.set_is_table(is_table);
  src.set_timestamp_column(-1);
  return src;
}

skein::v1::AggregateCall AggCall(const std::string& fn, std::vector<skein::v1::Expr> args,
                                 const SqlType& ret) {
  skein::v1::AggregateCall c;
  c.set_function(fn);
  for (auto& a : args) *c.add_args() = std::move(a);
  *c.mutable_return_type() = ToProto(ret);
  return c;
}

// GROUP BY `key` with COUNT(*) AS CNT and SUM(ID) AS TOTAL; optionally windowed.
skein::v1::AggregateOp CountSum(skein::v1::Expr key, const SqlType& key_type,
                                std::optional<skein::v1::AggregateWindow> window = {}) {
  skein::v1::AggregateOp agg;
  *agg.add_group_keys() = std::move(key);
  *agg.add_calls() = AggCall("COUNT", {}, kBig);
  *agg.add_calls() = AggCall("SUM", {Col(1, kInt)}, kInt);
  std::vector<skein::v1::Column> out = {KeyCol("G", key_type), Column("CNT", kBig),
                                        Column("TOTAL", kInt), PseudoCol("ROWTIME", kBig)};
  if (window) {
    *agg.mutable_window() = *window;
    out.push_back(PseudoCol("WINDOWSTART", kBig));
    out.push_back(PseudoCol("WINDOWEND", kBig));
  }
  *agg.mutable_output() = MakeSchema(out);
  return agg;
}

skein::v1::PhysicalPlan AggPlan(const skein::v1::SourceOp& src, const skein::v1::AggregateOp& agg,
                                skein::v1::WindowedKey::Kind windowed = {}, int64_t size = 0) {
  skein::v1::PhysicalPlan plan;
  plan.set_query_id("CTAS_OUTPUT_0");
  auto* stage = plan.add_stages();
  *stage->add_operators()->mutable_source() = src;
  *stage->add_operators()->mutable_aggregate() = agg;
  skein::v1::SinkOp sink;
  *sink.mutable_topic() = Topic("output", "KAFKA", "JSON");
  *sink.mutable_schema() = agg.output();
  sink.set_is_table(true);
  sink.set_timestamp_column(-1);
  sink.mutable_windowed_key()->set_kind(windowed);
  sink.mutable_windowed_key()->set_size_ms(size);
  *stage->add_operators()->mutable_sink() = sink;
  return plan;
}

std::string WindowedKey(const std::string& key, std::vector<int64_t> bounds) {
  std::string out = key;
  for (int64_t v : bounds) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((static_cast<uint64_t>(v) >> shift) & 0xff));
    }
  }
  return out;
}

TEST_F(AggregateTest, EveryRecordUpdatesItsGroupAndEmits) {
  Produce("a", R"({"ID":1,"NAME":"x"})", 10);
  Produce("b", R"({"ID":2,"NAME":"y"})", 5);
  Produce("a", R"({"ID":3,"NAME":"z"})", 7);
  Produce("a", std::nullopt, 20);      // a null stream value is not aggregated
  Produce("a", R"({"ID":null})", 30);  // SUM ignores NULL, COUNT(*) counts the row
  Run(AggPlan(Input(), CountSum(Col(0, kStr), kStr)));
  using R = std::tuple<std::string, std::string, int64_t>;
  EXPECT_EQ(Output(), (std::vector<R>{{"a", R"({"CNT":1,"TOTAL":1})", 10},
                                      {"b", R"({"CNT":1,"TOTAL":2})", 5},
                                      {"a", R"({"CNT":2,"TOTAL":4})", 10},
                                      {"a", R"({"CNT":3,"TOTAL":4})", 30}}));
}

TEST_F(AggregateTest, StateSurvivesBatches) {
  const auto plan = AggPlan(Input(), CountSum(Col(0, kStr), kStr));
  Produce("a", R"({"ID":1})", 1);
  Run(plan);
  Produce("a", R"({"ID":2})", 2);
  Run(plan);
  auto out = Output();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(std::get<1>(out[1]), R"({"CNT":2,"TOTAL":3})");
}

TEST_F(AggregateTest, NullGroupKeyIsSkippedAndLogged) {
  // GROUP BY NAME: a row whose NAME is NULL has no group.
  Produce("a", R"({"ID":1,"NAME":null})", 1);
  Produce("a", R"({"ID":1,"NAME":"n"})", 2);
  Run(AggPlan(Input(), CountSum(Col(2, kStr), kStr)));
  auto out = Output();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<0>(out[0]), "n");
  EXPECT_EQ(log_.Entries().size(), 1u);
}

TEST_F(AggregateTest, TumblingWindowsKeyOutputAndDropLateRecords) {
  skein::v1::AggregateWindow w;
  w.set_kind(skein::v1::AggregateWindow::KIND_TUMBLING);
  w.set_size_ms(10);
  w.set_grace_ms(5);
  Produce("a", R"({"ID":1})", 3);
  Produce("a", R"({"ID":2})", 12);
  Produce("a", R"({"ID":4})", 9);   // window [0,10) still open: 10 + 5 > 12
  Produce("a", R"({"ID":8})", 30);  // stream time 30
  Produce("a", R"({"ID":16})", 8);  // late: 10 + 5 <= 30
  Run(AggPlan(Input(), CountSum(Col(0, kStr), kStr, w), skein::v1::WindowedKey::KIND_TIME, 10));
  using R = std::tuple<std::string, std::string, int64_t>;
  EXPECT_EQ(Output(), (std::vector<R>{{WindowedKey("a", {0}), R"({"CNT":1,"TOTAL":1})", 3},
                                      {WindowedKey("a", {10}), R"({"CNT":1,"TOTAL":2})", 12},
                                      {WindowedKey("a", {0}), R"({"CNT":2,"TOTAL":5})", 9},
                                      {WindowedKey("a", {30}), R"({"CNT":1,"TOTAL":8})", 30}}));
  EXPECT_EQ(metrics_.late_records_dropped, 1u);
}

TEST_F(AggregateTest, HoppingWindowsUpdateEveryWindowOfTheRecord) {
  skein::v1::AggregateWindow w;
  w.set_kind(skein::v1::AggregateWindow::KIND_HOPPING);
  w.set_size_ms(10);
  w.set_advance_ms(5);
  w.set_grace_ms(100);
  Produce("a", R"({"ID":1})", 7);
  Run(AggPlan(Input(), CountSum(Col(0, kStr), kStr, w), skein::v1::WindowedKey::KIND_TIME, 10));
  auto out = Output();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(std::get<0>(out[0]), WindowedKey("a", {0}));
  EXPECT_EQ(std::get<0>(out[1]), WindowedKey("a", {5}));
}

TEST_F(AggregateTest, SessionsMergeWithTombstonesForTheMergedSessions) {
  skein::v1::AggregateWindow w;
  w.set_kind(skein::v1::AggregateWindow::KIND_SESSION);
  w.set_size_ms(10);  // inactivity gap
  w.set_grace_ms(1000);
  Produce("a", R"({"ID":1})", 0);
  Produce("a", R"({"ID":2})", 30);
  Produce("a", R"({"ID":4})", 20);  // within the gap of [30,30] only: merges into [20,30]
  Run(AggPlan(Input(), CountSum(Col(0, kStr), kStr, w), skein::v1::WindowedKey::KIND_SESSION));
  using R = std::tuple<std::string, std::string, int64_t>;
  EXPECT_EQ(Output(), (std::vector<R>{{WindowedKey("a", {0, 0}), R"({"CNT":1,"TOTAL":1})", 0},
                                      {WindowedKey("a", {30, 30}), R"({"CNT":1,"TOTAL":2})", 30},
                                      {WindowedKey("a", {30, 30}), "<null>", 30},
                                      {WindowedKey("a", {30, 20}), R"({"CNT":2,"TOTAL":6})", 30}}));
}

TEST_F(AggregateTest, TableInputRetractsThePreviousRow) {
  // GROUP BY NAME over a table keyed by K: COUNT and SUM follow the table's current rows.
  Produce("k1", R"({"ID":1,"NAME":"x"})", 1);
  Produce("k2", R"({"ID":2,"NAME":"x"})", 2);
  Produce("k1", R"({"ID":5,"NAME":"y"})", 3);  // moves from x to y
  Produce("k2", std::nullopt, 4);              // deleted from x
  Produce("k1", R"({"ID":6,"NAME":"y"})", 5);  // stays in y: one update
  auto agg = CountSum(Col(2, kStr), kStr);
  agg.set_input_is_table(true);
  agg.add_input_key_columns(0);
  Run(AggPlan(Input(/*is_table=*/true), agg));
  using R = std::tuple<std::string, std::string, int64_t>;
  EXPECT_EQ(Output(), (std::vector<R>{{"x", R"({"CNT":1,"TOTAL":1})", 1},
                                      {"x", R"({"CNT":2,"TOTAL":3})", 2},
                                      {"x", R"({"CNT":1,"TOTAL":2})", 3},
                                      {"y", R"({"CNT":1,"TOTAL":5})", 3},
                                      {"x", R"({"CNT":0,"TOTAL":0})", 4},
                                      {"y", R"({"CNT":1,"TOTAL":6})", 5}}));
}

TEST_F(AggregateTest, TableGroupByThroughARepartitionOfGroupChanges) {
  // Stage 0: GroupByChangeOp over the table (GROUP BY NAME, argument ID) to a repartition
  // topic; stage 1: the aggregate reading the changes (COUNT(ID), SUM(ID)).
  skein::v1::GroupByChangeOp change;
  *change.add_group_keys() = Col(2, kStr);
  *change.add_args() = Col(1, kInt);
  change.add_input_key_columns(0);
  *change.mutable_output() =
      MakeSchema({KeyCol("G", kStr), Column("KSQL_CHANGE", kInt), Column("NEW0", kInt),
                  Column("OLD0", kInt), PseudoCol("ROWTIME", kBig)});
  skein::v1::SinkOp repart_sink;
  *repart_sink.mutable_topic() = Topic("repart", "JSON", "JSON");
  *repart_sink.mutable_schema() = change.output();
  repart_sink.set_timestamp_column(-1);
  skein::v1::SourceOp repart_source;
  *repart_source.mutable_topic() = repart_sink.topic();
  *repart_source.mutable_schema() = change.output();
  repart_source.set_timestamp_column(-1);

  skein::v1::AggregateOp agg;
  *agg.add_group_keys() = Col(0, kStr);
  for (const char* fn : {"COUNT", "SUM"}) {
    auto call = AggCall(fn, {Col(2, kInt)}, std::string(fn) == "COUNT" ? kBig : kInt);
    *call.add_undo_args() = Col(3, kInt);
    *agg.add_calls() = call;
  }
  agg.set_changelog_input(true);
  *agg.mutable_output() = MakeSchema(
      {KeyCol("G", kStr), Column("CNT", kBig), Column("TOTAL", kInt), PseudoCol("ROWTIME", kBig)});
  skein::v1::SinkOp sink;
  *sink.mutable_topic() = Topic("output", "KAFKA", "JSON");
  *sink.mutable_schema() = agg.output();
  sink.set_is_table(true);
  sink.set_timestamp_column(-1);

  skein::v1::PhysicalPlan plan;
  plan.set_query_id("CTAS_OUTPUT_0");
  auto* s0 = plan.add_stages();
  s0->set_id(0);
  *s0->add_operators()->mutable_source() = Input(/*is_table=*/true);
  *s0->add_operators()->mutable_group_by_change() = change;
  *s0->add_operators()->mutable_sink() = repart_sink;
  auto* s1 = plan.add_stages();
  s1->set_id(1);
  *s1->add_operators()->mutable_source() = repart_source;
  *s1->add_operators()->mutable_aggregate() = agg;
  *s1->add_operators()->mutable_sink() = sink;

  Produce("k1", R"({"ID":1,"NAME":"x"})", 1);
  Produce("k2", R"({"ID":2,"NAME":"x"})", 2);
  Produce("k1", R"({"ID":5,"NAME":"y"})", 3);  // moves from x to y
  Produce("k2", R"({"ID":3,"NAME":"x"})", 4);  // stays in x: one update
  Produce("k1", std::nullopt, 5);              // deleted from y
  Run(plan);
  using R = std::tuple<std::string, std::string, int64_t>;
  EXPECT_EQ(Output(), (std::vector<R>{{"x", R"({"CNT":1,"TOTAL":1})", 1},
                                      {"x", R"({"CNT":2,"TOTAL":3})", 2},
                                      {"x", R"({"CNT":1,"TOTAL":2})", 3},
                                      {"y", R"({"CNT":1,"TOTAL":5})", 3},
                                      {"x", R"({"CNT":1,"TOTAL":3})", 4},
                                      {"y", R"({"CNT":0,"TOTAL":0})", 5}}));
}

TEST_F(AggregateTest, HavingTurnsRejectedGroupsIntoTombstonesOnlyAfterAnEmittedRow) {
  auto agg = CountSum(Col(0, kStr), kStr);
  // HAVING COUNT(*) = 2 over the output row [G, CNT, TOTAL, ROWTIME].
  *agg.mutable_having() = Call("=", kBool, {Col(1, kBig), Big(2)});
  Produce("a", R"({"ID":1})", 1);  // count 1: rejected, nothing emitted before: no output
  Produce("a", R"({"ID":1})", 2);  // count 2: emitted
  Produce("a", R"({"ID":1})", 3);  // count 3: tombstone
  Produce("a", R"({"ID":1})", 4);  // count 4: nothing (already deleted)
  Run(AggPlan(Input(), agg));
  using R = std::tuple<std::string, std::string, int64_t>;
  EXPECT_EQ(Output(), (std::vector<R>{{"a", R"({"CNT":2,"TOTAL":2})", 2}, {"a", "<null>", 3}}));
}

TEST_F(AggregateTest, EmitFinalEmitsAWindowOnceWhenItCloses) {
  skein::v1::AggregateWindow w;
  w.set_kind(skein::v1::AggregateWindow::KIND_TUMBLING);
  w.set_size_ms(10);
  w.set_grace_ms(0);
  w.set_retention_ms(100);
  auto agg = CountSum(Col(0, kStr), kStr, w);
  agg.set_emit_final(true);
  Produce("a", R"({"ID":1})", 1);
  Produce("a", R"({"ID":2})", 5);
  Produce("b", R"({"ID":3})", 9);
  Produce("a", R"({"ID":4})", 12);  // closes [0,10)
  Run(AggPlan(Input(), agg, skein::v1::WindowedKey::KIND_TIME, 10));
  using R = std::tuple<std::string, std::string, int64_t>;
  EXPECT_EQ(Output(), (std::vector<R>{{WindowedKey("a", {0}), R"({"CNT":2,"TOTAL":3})", 5},
                                      {WindowedKey("b", {0}), R"({"CNT":1,"TOTAL":3})", 9}}));
}

TEST_F(AggregateTest, WindowedSourceKeysAreDecoded) {
  // A source over a windowed topic strips the window from the key into WINDOWSTART/WINDOWEND.
  skein::v1::SourceOp src;
  *src.mutable_topic() = Topic("input", "KAFKA", "JSON");
  *src.mutable_schema() =
      MakeSchema({KeyCol("K", kStr), Column("ID", kInt), PseudoCol("WINDOWSTART", kBig),
                  PseudoCol("WINDOWEND", kBig)});
  src.set_timestamp_column(-1);
  src.mutable_windowed_key()->set_kind(skein::v1::WindowedKey::KIND_TIME);
  src.mutable_windowed_key()->set_size_ms(10);
  skein::v1::ProjectOp project;
  *project.add_exprs() = Col(0, kStr);
  *project.add_exprs() = Col(3, kBig);
  *project.mutable_output() = MakeSchema({KeyCol("K", kStr), Column("WEND", kBig)});
  skein::v1::SinkOp sink;
  *sink.mutable_topic() = Topic("output", "KAFKA", "JSON");
  *sink.mutable_schema() = project.output();
  sink.set_timestamp_column(-1);
  skein::v1::PhysicalPlan plan;
  plan.set_query_id("CSAS_OUTPUT_0");
  auto* stage = plan.add_stages();
  *stage->add_operators()->mutable_source() = src;
  *stage->add_operators()->mutable_project() = project;
  *stage->add_operators()->mutable_sink() = sink;
  Produce(WindowedKey("a", {20}), R"({"ID":1})", 25);
  Produce(std::string("x"), R"({"ID":1})", 25);  // too short for a windowed key
  Run(plan);
  using R = std::tuple<std::string, std::string, int64_t>;
  EXPECT_EQ(Output(), (std::vector<R>{{"a", R"({"WEND":30})", 25}}));
  EXPECT_EQ(metrics_.deserialization_errors, 1u);
}

}  // namespace
}  // namespace skein::runtime
