// Records/s of one stateless stage on one core: JSON decode -> filter -> project -> JSON
// encode, on a hand-built plan, beside simdjson's raw parse rate of the same records (the
// ceiling the decode step can approach). Run: see bench/README.md.

#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "plan_builder.h"
#include "simdjson.h"
#include "skein/runtime/stage_task.h"

namespace skein::runtime {
namespace {

using namespace testing;  // NOLINT(build/namespaces): plan builders
using types::SqlType;

constexpr int kRecords = 4096;

// Orders-like records: ~150 bytes of JSON each, a mix of types.
std::vector<Record> MakeRecords() {
  std::mt19937 gen(42);
  std::uniform_int_distribution<int> qty(0, 100);
  std::uniform_real_distribution<double> price(1, 500);
  const char* regions[] = {"eu-west", "us-east", "ap-south", "sa-east"};
  std::vector<Record> out;
  for (int i = 0; i < kRecords; ++i) {
    Record r;
    r.topic = "orders";
    r.offset = i;
    r.timestamp = 1700000000000 + i;
    r.key = "order-" + std::to_string(i);
    r.value = "{\"ORDER_ID\": " + std::to_string(i) + ", \"CUSTOMER\": \"customer-" +
              std::to_string(i % 977) + "\", \"REGION\": \"" + regions[i % 4] +
              "\", \"QUANTITY\": " + std::to_string(qty(gen)) +
              ", \"PRICE\": " + std::to_string(price(gen)) +
              ", \"EXPRESS\": " + (i % 3 == 0 ? "true" : "false") + "}";
    out.push_back(std::move(r));
  }
  return out;
}

// SELECT K, CUSTOMER, UCASE(REGION) AS REGION, QUANTITY * PRICE AS TOTAL
// FROM ORDERS WHERE QUANTITY > 10 AND REGION <> 'us-east'
skein::v1::PhysicalPlan MakePlan() {
  const SqlType kStr = SqlType::String(), kInt = SqlType::Integer(), kDbl = SqlType::Double(),
                kBool = SqlType::Boolean(), kBig = SqlType::Bigint();
  skein::v1::PhysicalPlan plan;
  plan.set_query_id("CSAS_BENCH_0");
  auto* stage = plan.add_stages();
  auto* src = stage->add_operators()->mutable_source();
  *src->mutable_topic() = Topic("orders", "KAFKA", "JSON");
  *src->mutable_schema() =
      MakeSchema({KeyCol("K", kStr), Column("ORDER_ID", kBig), Column("CUSTOMER", kStr),
                  Column("REGION", kStr), Column("QUANTITY", kInt), Column("PRICE", kDbl),
                  Column("EXPRESS", kBool)});
  src->set_timestamp_column(-1);
  *stage->add_operators()->mutable_filter()->mutable_predicate() =
      Call("AND", kBool,
           {Call(">", kBool, {Col(4, kInt), Int(10)}),
            Call("<>", kBool, {Col(3, kStr), Str("us-east")})});
  auto* project = stage->add_operators()->mutable_project();
  *project->add_exprs() = Col(0, kStr);
  *project->add_exprs() = Col(2, kStr);
  *project->add_exprs() = Call("UCASE", kStr, {Col(3, kStr)});
  *project->add_exprs() = Call("*", kDbl, {Col(4, kInt), Col(5, kDbl)});
  auto out = MakeSchema(
      {KeyCol("K", kStr), Column("CUSTOMER", kStr), Column("REGION", kStr), Column("TOTAL", kDbl)});
  *project->mutable_output() = out;
  auto* sink = stage->add_operators()->mutable_sink();
  *sink->mutable_topic() = Topic("out", "KAFKA", "JSON");
  *sink->mutable_schema() = out;
  sink->set_timestamp_column(-1);
  return plan;
}

// Counts output instead of storing it, so the benchmark measures the operators.
class CountingSink final : public RecordSink {
 public:
  absl::StatusOr<int32_t> Partitions(std::string_view) override { return 1; }
  absl::Status Write(Record record) override {
    bytes += record.value ? record.value->size() : 0;
    ++records;
    return absl::OkStatus();
  }
  int64_t records = 0;
  int64_t bytes = 0;
};

void BM_StatelessPipeline(benchmark::State& state) {
  const std::vector<Record> records = MakeRecords();
  const skein::v1::PhysicalPlan plan = MakePlan();
  auto task = StageTask::Create(plan, plan.stages(0));
  if (!task.ok()) {
    state.SkipWithError(std::string(task.status().message()).c_str());
    return;
  }
  const size_t batch = static_cast<size_t>(state.range(0));
  CountingSink sink;
  for (auto _ : state) {
    for (size_t i = 0; i < records.size(); i += batch) {
      size_t n = std::min(batch, records.size() - i);
      absl::Status s = (*task)->ProcessBatch(std::span<const Record>(&records[i], n), &sink);
      if (!s.ok()) state.SkipWithError("sink failed");
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
  int64_t in_bytes = 0;
  for (const Record& r : records) in_bytes += static_cast<int64_t>(r.value->size());
  state.SetBytesProcessed(state.iterations() * in_bytes);
  state.counters["selectivity"] =
      static_cast<double>(sink.records) / static_cast<double>(state.iterations() * kRecords);
}
BENCHMARK(BM_StatelessPipeline)->Arg(1)->Arg(64)->Arg(512);

// simdjson On-Demand touching every field of the same records: the raw parse ceiling.
void BM_SimdjsonRawParse(benchmark::State& state) {
  const std::vector<Record> records = MakeRecords();
  std::vector<simdjson::padded_string> padded;
  for (const Record& r : records) padded.emplace_back(*r.value);
  simdjson::ondemand::parser parser;
  int64_t checksum = 0;
  for (auto _ : state) {
    for (const auto& json : padded) {
      simdjson::ondemand::document doc;
      if (parser.iterate(json).get(doc) != simdjson::SUCCESS) continue;
      simdjson::ondemand::object obj;
      if (doc.get_object().get(obj) != simdjson::SUCCESS) continue;
      for (auto field : obj) {
        simdjson::ondemand::value v;
        if (field.value().get(v) != simdjson::SUCCESS) continue;
        std::string_view raw = v.raw_json_token();
        checksum += static_cast<int64_t>(raw.size());
      }
    }
  }
  benchmark::DoNotOptimize(checksum);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
  int64_t in_bytes = 0;
  for (const Record& r : records) in_bytes += static_cast<int64_t>(r.value->size());
  state.SetBytesProcessed(state.iterations() * in_bytes);
}
BENCHMARK(BM_SimdjsonRawParse);

}  // namespace
}  // namespace skein::runtime

BENCHMARK_MAIN();
