// Stage tasks on hand-built plans over InMemoryTopics, through LocalRunner.

#include "skein/runtime/operators.h"

#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "plan_builder.h"
#include "skein/runtime/in_memory_topics.h"
#include "skein/runtime/local_runner.h"
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

class StageTest : public ::testing::Test {
 protected:
  void Produce(const std::string& topic, Opt key, Opt value, int64_t ts = 0,
               int32_t partition = 0) {
    if (!topics_.HasTopic(topic)) {
      ASSERT_TRUE(topics_.CreateTopic(topic, 1).ok());
    }
    Record r;
    r.topic = topic;
    r.partition = partition;
    r.key = std::move(key);
    r.value = std::move(value);
    r.timestamp = ts;
    ASSERT_TRUE(topics_.Append(std::move(r)).ok());
  }

  std::vector<Record> Output(const std::string& topic) {
    auto all = topics_.ReadAll(topic);
    EXPECT_TRUE(all.ok()) << all.status();
    return all.ok() ? *all : std::vector<Record>{};
  }

  void Run(const skein::v1::PhysicalPlan& plan) {
    LocalRunner runner(&topics_, &log_);
    absl::Status s = runner.AddPlan(plan);
    ASSERT_TRUE(s.ok()) << s;
    s = runner.RunUntilIdle();
    ASSERT_TRUE(s.ok()) << s;
    metrics_ = runner.Metrics(plan.query_id());
  }

  InMemoryTopics topics_;
  InMemoryProcessingLog log_;
  OperatorMetrics metrics_;
};

// INPUT (K STRING KEY, ID INT, NAME STRING) JSON; ROWTIME pseudo column.
skein::v1::SourceOp InputSource(bool is_table = false) {
  skein::v1::SourceOp src;
  *src.mutable_topic() = Topic("input", "KAFKA", "JSON");
  *src.mutable_schema() = MakeSchema(
      {KeyCol("K", kStr), Column("ID", kInt), Column("NAME", kStr), PseudoCol("ROWTIME", kBig)});
  src.set_is_table(is_table);
  src.set_timestamp_column(-1);
  return src;
}

skein::v1::PhysicalPlan OnePlan(std::vector<skein::v1::Operator> ops) {
  skein::v1::PhysicalPlan plan;
  plan.set_query_id("CSAS_OUTPUT_0");
  auto* stage = plan.add_stages();
  stage->set_id(0);
  for (auto& op : ops) *stage->add_operators() = std::move(op);
  return plan;
}

skein::v1::Operator SourceOperatorProto(skein::v1::SourceOp src) {
  skein::v1::Operator op;
  *op.mutable_source() = std::move(src);
  return op;
}

skein::v1::Operator Sink(skein::v1::Schema schema, bool is_table = false) {
  skein::v1::Operator op;
  *op.mutable_sink()->mutable_topic() = Topic("output", "KAFKA", "JSON");
  *op.mutable_sink()->mutable_schema() = std::move(schema);
  op.mutable_sink()->set_is_table(is_table);
  op.mutable_sink()->set_timestamp_column(-1);
  return op;
}

// SELECT K, NAME, ID * 2 AS D, ROWTIME AS T FROM INPUT WHERE ID > 1
skein::v1::PhysicalPlan FilterProjectPlan(bool is_table = false) {
  skein::v1::Operator filter;
  *filter.mutable_filter()->mutable_predicate() = Call(">", kBool, {Col(1, kInt), Int(1)});
  skein::v1::Operator project;
  auto* p = project.mutable_project();
  *p->add_exprs() = Col(0, kStr);
  *p->add_exprs() = Col(2, kStr);
  *p->add_exprs() = Call("*", kInt, {Col(1, kInt), Int(2)});
  *p->add_exprs() = Col(3, kBig);
  auto out =
      MakeSchema({KeyCol("K", kStr), Column("NAME", kStr), Column("D", kInt), Column("T", kBig)});
  *p->mutable_output() = out;
  std::vector<skein::v1::Operator> ops;
  ops.push_back(SourceOperatorProto(InputSource(is_table)));
  if (!is_table) ops.push_back(filter);
  ops.push_back(project);
  ops.push_back(Sink(out, is_table));
  return OnePlan(std::move(ops));
}

TEST_F(StageTest, FilterProjectEncode) {
  Produce("input", "a", R"({"ID": 1, "NAME": "one"})", 100);
  Produce("input", "b", R"({"ID": 2, "NAME": "two"})", 200);
  Produce("input", "c", R"({"id": 3})", 300);  // case-insensitive field, NAME missing
  Run(FilterProjectPlan());
  auto out = Output("output");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].key, Opt("b"));
  EXPECT_EQ(out[0].value, Opt(R"({"NAME":"two","D":4,"T":200})"));
  EXPECT_EQ(out[0].timestamp, 200);
  EXPECT_EQ(out[1].key, Opt("c"));
  EXPECT_EQ(out[1].value, Opt(R"({"NAME":null,"D":6,"T":300})"));
  EXPECT_EQ(metrics_.records_in, 3u);
  EXPECT_EQ(metrics_.records_out, 2u);
  EXPECT_EQ(metrics_.filtered, 1u);
  EXPECT_EQ(log_.total(), 0u);
}

TEST_F(StageTest, MalformedRecordsGoToTheProcessingLogAndProcessingContinues) {
  Produce("input", "a", R"({"ID": "not a number"})");
  Produce("input", "b", "{broken json");
  Produce("input", "c", R"({"ID": 5, "NAME": "ok"})");
  Run(FilterProjectPlan());
  auto out = Output("output");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key, Opt("c"));
  EXPECT_EQ(metrics_.deserialization_errors, 2u);
  auto entries = log_.Entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].kind, ProcessingLogEntry::Kind::kDeserialization);
  EXPECT_EQ(entries[0].topic, "input");
  EXPECT_EQ(entries[0].partition, 0);
  EXPECT_EQ(entries[0].offset, 0);
  EXPECT_EQ(entries[1].offset, 1);
  EXPECT_EQ(entries[0].query_id, "CSAS_OUTPUT_0");
  EXPECT_FALSE(entries[0].reason.empty());
}

TEST_F(StageTest, StreamNullValuesAreFilteredButProjectedThrough) {
  Produce("input", "a", std::nullopt);
  Run(FilterProjectPlan());
  EXPECT_TRUE(Output("output").empty());  // WHERE drops null rows
}

TEST_F(StageTest, TableTombstonesAreForwarded) {
  Produce("input", "a", std::nullopt);
  Produce("input", "b", R"({"ID": 2, "NAME": "x"})");
  Run(FilterProjectPlan(/*is_table=*/true));
  auto out = Output("output");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].key, Opt("a"));
  EXPECT_EQ(out[0].value, std::nullopt);  // tombstone forwarded
  EXPECT_EQ(out[1].value, Opt(R"({"NAME":"x","D":4,"T":0})"));
}

TEST_F(StageTest, TablesSkipRecordsWithoutAKey) {
  Produce("input", "a", R"({"ID": 5, "NAME": "x"})");
  Produce("input", std::nullopt, R"({"ID": 6, "NAME": "y"})");
  Run(FilterProjectPlan(/*is_table=*/true));
  auto out = Output("output");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key, Opt("a"));
  EXPECT_EQ(metrics_.null_key_dropped, 1u);
  EXPECT_EQ(log_.total(), 0u);
}

TEST_F(StageTest, TableFilterTurnsNonMatchingRowsIntoTombstones) {
  skein::v1::Operator filter;
  *filter.mutable_filter()->mutable_predicate() = Call(">", kBool, {Col(1, kInt), Int(1)});
  auto out = MakeSchema(
      {KeyCol("K", kStr), Column("ID", kInt), Column("NAME", kStr), PseudoCol("ROWTIME", kBig)});
  Produce("input", "a", R"({"ID": 5, "NAME": "x"})");
  Produce("input", "a", R"({"ID": 0, "NAME": "x"})");
  Produce("input", "b", std::nullopt);
  Run(OnePlan(
      {SourceOperatorProto(InputSource(/*is_table=*/true)), filter, Sink(out, /*is_table=*/true)}));
  auto records = Output("output");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].value, Opt(R"({"ID":5,"NAME":"x"})"));
  EXPECT_EQ(records[1].key, Opt("a"));
  EXPECT_EQ(records[1].value, std::nullopt);
  EXPECT_EQ(records[2].key, Opt("b"));
  EXPECT_EQ(records[2].value, std::nullopt);
}

TEST_F(StageTest, ExpressionErrorsAreLoggedAndTheRowContinues) {
  skein::v1::Operator project;
  auto* p = project.mutable_project();
  *p->add_exprs() = Col(0, kStr);
  *p->add_exprs() = Call("/", kInt, {Int(10), Col(1, kInt)});
  auto out_schema = MakeSchema({KeyCol("K", kStr), Column("Q", kInt)});
  *p->mutable_output() = out_schema;
  Produce("input", "a", R"({"ID": 0})");
  Produce("input", "b", R"({"ID": 5})");
  Run(OnePlan({SourceOperatorProto(InputSource()), project, Sink(out_schema)}));
  auto out = Output("output");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].value, Opt(R"({"Q":null})"));
  EXPECT_EQ(out[1].value, Opt(R"({"Q":2})"));
  EXPECT_EQ(metrics_.expression_errors, 1u);
  ASSERT_EQ(log_.Entries().size(), 1u);
  EXPECT_EQ(log_.Entries()[0].kind, ProcessingLogEntry::Kind::kExpression);
  EXPECT_EQ(log_.Entries()[0].offset, 0);
}

TEST_F(StageTest, RekeyMovesTheKey) {
  // PARTITION BY NAME: output = [NAME KEY, K, ID, NAME, ROWTIME] (new key, then every input
  // column, the old key as a value).
  skein::v1::Operator rekey;
  *rekey.mutable_rekey()->add_key_exprs() = Col(2, kStr);
  auto rekeyed = MakeSchema({KeyCol("NEWKEY", kStr), Column("K", kStr), Column("ID", kInt),
                             Column("NAME", kStr), PseudoCol("ROWTIME", kBig)});
  *rekey.mutable_rekey()->mutable_output() = rekeyed;
  // The sink writes the new key and ID (the plan's sink schema lists the row's columns).
  auto sink_schema = MakeSchema({KeyCol("NEWKEY", kStr), PseudoCol("K", kStr), Column("ID", kInt),
                                 PseudoCol("NAME", kStr), PseudoCol("ROWTIME", kBig)});
  Produce("input", "a", R"({"ID": 1, "NAME": "n1"})");
  Produce("input", "b", R"({"ID": 2})");
  Run(OnePlan({SourceOperatorProto(InputSource()), rekey, Sink(sink_schema)}));
  auto out = Output("output");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].key, Opt("n1"));
  EXPECT_EQ(out[0].value, Opt(R"({"ID":1})"));
  EXPECT_EQ(out[1].key, std::nullopt);  // NULL key
  EXPECT_EQ(out[1].value, Opt(R"({"ID":2})"));
}

TEST_F(StageTest, RekeyOfANullValueRowGivesANullKey) {
  skein::v1::Operator rekey;
  *rekey.mutable_rekey()->add_key_exprs() = Call("COALESCE", kStr, {Col(2, kStr), Str("x")});
  *rekey.mutable_rekey()->mutable_output() =
      MakeSchema({KeyCol("NEWKEY", kStr), Column("K", kStr), Column("ID", kInt),
                  Column("NAME", kStr), PseudoCol("ROWTIME", kBig)});
  auto sink_schema = MakeSchema(
      {KeyCol("NEWKEY", kStr), Column("K", kStr), Column("ID", kInt), Column("NAME", kStr)});
  Produce("input", "a", std::nullopt);
  Run(OnePlan({SourceOperatorProto(InputSource()), rekey, Sink(sink_schema)}));
  auto out = Output("output");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key, std::nullopt);
  EXPECT_EQ(out[0].value, std::nullopt);
}

TEST_F(StageTest, RekeyOfANullValueRowStillComputesKeyOnlyExpressions) {
  skein::v1::Operator rekey;
  *rekey.mutable_rekey()->add_key_exprs() = Call("UCASE", kStr, {Col(0, kStr)});
  *rekey.mutable_rekey()->mutable_output() =
      MakeSchema({KeyCol("NEWKEY", kStr), Column("K", kStr), Column("ID", kInt),
                  Column("NAME", kStr), PseudoCol("ROWTIME", kBig)});
  auto sink_schema = MakeSchema(
      {KeyCol("NEWKEY", kStr), Column("K", kStr), Column("ID", kInt), Column("NAME", kStr)});
  Produce("input", "a", std::nullopt);
  Run(OnePlan({SourceOperatorProto(InputSource()), rekey, Sink(sink_schema)}));
  auto out = Output("output");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key, Opt("A"));
  EXPECT_EQ(out[0].value, std::nullopt);
}

TEST_F(StageTest, ExplodeEmitsOneRowPerElementPaddingShorterArrays) {
  skein::v1::SourceOp src;
  *src.mutable_topic() = Topic("arrays", "KAFKA", "JSON");
  SqlType arr = SqlType::Array(kInt);
  *src.mutable_schema() = MakeSchema({KeyCol("K", kStr), Column("A", arr), Column("B", arr)});
  src.set_timestamp_column(-1);
  skein::v1::Operator flat;
  *flat.mutable_flat_map()->add_exprs() = Col(0, kStr);
  *flat.mutable_flat_map()->add_exprs() = Call("EXPLODE", kInt, {Col(1, arr)});
  *flat.mutable_flat_map()->add_exprs() = Call("EXPLODE", kInt, {Col(2, arr)});
  auto out_schema = MakeSchema({KeyCol("K", kStr), Column("X", kInt), Column("Y", kInt)});
  *flat.mutable_flat_map()->mutable_output() = out_schema;
  Produce("arrays", "k", R"({"A": [1, 2, 3], "B": [10]})");
  Produce("arrays", "e", R"({"A": [], "B": null})");
  Run(OnePlan({SourceOperatorProto(src), flat, Sink(out_schema)}));
  auto out = Output("output");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].value, Opt(R"({"X":1,"Y":10})"));
  EXPECT_EQ(out[1].value, Opt(R"({"X":2,"Y":null})"));
  EXPECT_EQ(out[2].value, Opt(R"({"X":3,"Y":null})"));
}

TEST_F(StageTest, TimestampColumnSetsRowtimeAndOutputTimestamp) {
  skein::v1::SourceOp src = InputSource();
  // Use ID as the event time (BIGINT would be usual; INTEGER is accepted too).
  src.set_timestamp_column(1);
  skein::v1::Operator project;
  *project.mutable_project()->add_exprs() = Col(0, kStr);
  *project.mutable_project()->add_exprs() = Col(3, kBig);
  auto out_schema = MakeSchema({KeyCol("K", kStr), Column("RT", kBig)});
  *project.mutable_project()->mutable_output() = out_schema;
  Produce("input", "a", R"({"ID": 1234})", 5);
  Produce("input", "b", R"({"ID": -1})", 6);  // invalid timestamp: logged, skipped
  Run(OnePlan({SourceOperatorProto(src), project, Sink(out_schema)}));
  auto out = Output("output");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].timestamp, 1234);
  EXPECT_EQ(out[0].value, Opt(R"({"RT":1234})"));
  EXPECT_EQ(log_.total(), 1u);
}

TEST_F(StageTest, SinkTimestampColumnDropsNegativeTimes) {
  skein::v1::Operator project;
  *project.mutable_project()->add_exprs() = Col(0, kStr);
  *project.mutable_project()->add_exprs() = Cast(Col(1, kInt), kBig);
  auto out_schema = MakeSchema({KeyCol("K", kStr), Column("TS", kBig)});
  *project.mutable_project()->mutable_output() = out_schema;
  skein::v1::Operator sink = Sink(out_schema);
  sink.mutable_sink()->set_timestamp_column(1);
  Produce("input", "a", R"({"ID": 7})", 100);
  Produce("input", "b", R"({"ID": -2})", 100);
  Run(OnePlan({SourceOperatorProto(InputSource()), project, sink}));
  auto out = Output("output");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].timestamp, 7);
  EXPECT_EQ(log_.total(), 1u);
}

TEST_F(StageTest, ThrowOnInvalidTimestampStopsTheTask) {
  skein::v1::SourceOp src = InputSource();
  src.set_timestamp_column(1);
  auto out_schema = MakeSchema({KeyCol("K", kStr), Column("ID", kInt)});
  skein::v1::PhysicalPlan plan = OnePlan({SourceOperatorProto(src), Sink(out_schema)});
  (*plan.mutable_properties())["ksql.timestamp.throw.on.invalid"] = "true";
  Produce("input", "a", R"({"ID": -1})");
  LocalRunner runner(&topics_, &log_);
  ASSERT_TRUE(runner.AddPlan(plan).ok());
  absl::Status s = runner.RunUntilIdle();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("Fatal user code error in TimestampExtractor"),
            absl::string_view::npos);
}

TEST_F(StageTest, PseudoColumnsPartitionAndOffset) {
  skein::v1::SourceOp src;
  *src.mutable_topic() = Topic("p", "KAFKA", "JSON", 2);
  *src.mutable_schema() =
      MakeSchema({KeyCol("K", kStr), Column("V", kInt), PseudoCol("ROWPARTITION", kInt),
                  PseudoCol("ROWOFFSET", kBig)});
  src.set_timestamp_column(-1);
  auto out_schema =
      MakeSchema({KeyCol("K", kStr), Column("V", kInt), Column("P", kInt), Column("O", kBig)});
  ASSERT_TRUE(topics_.CreateTopic("p", 2).ok());
  Produce("p", "x", R"({"V": 1})", 0, 1);
  Produce("p", "y", R"({"V": 2})", 0, 1);
  Run(OnePlan({SourceOperatorProto(src), Sink(out_schema)}));
  auto out = Output("output");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].value, Opt(R"({"V":2,"P":1,"O":1})"));
}

TEST_F(StageTest, BadPlansAreRejected) {
  skein::v1::PhysicalPlan plan = OnePlan({SourceOperatorProto(InputSource())});
  EXPECT_FALSE(StageTask::Create(plan, plan.stages(0)).ok());
  skein::v1::Operator filter;
  *filter.mutable_filter()->mutable_predicate() = Call("NO_SUCH", kBool, {});
  plan =
      OnePlan({SourceOperatorProto(InputSource()), filter, Sink(MakeSchema({KeyCol("K", kStr)}))});
  EXPECT_FALSE(StageTask::Create(plan, plan.stages(0)).ok());
}

TEST(InMemoryTopicsTest, AppendReadOffsets) {
  InMemoryTopics topics;
  ASSERT_TRUE(topics.CreateTopic("t", 2).ok());
  EXPECT_TRUE(topics.CreateTopic("t", 2).ok());
  EXPECT_EQ(topics.CreateTopic("t", 3).code(), absl::StatusCode::kAlreadyExists);
  Record r;
  r.topic = "t";
  r.partition = 1;
  r.value = "v0";
  EXPECT_EQ(*topics.Append(r), 0);
  EXPECT_EQ(*topics.Append(r), 1);
  r.partition = 5;
  EXPECT_EQ(topics.Append(r).status().code(), absl::StatusCode::kOutOfRange);
  r.topic = "missing";
  EXPECT_EQ(topics.Append(r).status().code(), absl::StatusCode::kNotFound);
  auto read = topics.Read("t", 1, 1);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].offset, 1);
  EXPECT_EQ(*topics.EndOffset("t", 1), 2);
  EXPECT_EQ(*topics.EndOffset("t", 0), 0);
}

TEST(KafkaPartitionTest, DeterministicAndInRange) {
  for (const char* key : {"", "a", "abc", "abcd", "abcde", "some longer key"}) {
    int32_t p = KafkaPartition(key, 7);
    EXPECT_GE(p, 0);
    EXPECT_LT(p, 7);
    EXPECT_EQ(p, KafkaPartition(key, 7));
  }
  EXPECT_EQ(KafkaPartition("anything", 1), 0);
}

}  // namespace
}  // namespace skein::runtime
