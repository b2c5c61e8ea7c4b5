// The aggregate functions and the state value encoding (runtime internals).

#include "aggregators.h"

#include <vector>

#include "gtest/gtest.h"
#include "value_codec.h"

namespace skein::runtime::internal {
namespace {

using types::SqlType;
using types::Value;

std::unique_ptr<Aggregator> Make(const std::string& fn, std::vector<SqlType> args,
                                 const SqlType& ret, std::vector<Value> params = {}) {
  AggregatorSpec spec;
  spec.function = fn;
  spec.arg_types = std::move(args);
  spec.return_type = ret;
  spec.params = std::move(params);
  auto a = MakeAggregator(spec);
  EXPECT_TRUE(a.ok()) << a.status();
  return a.ok() ? *std::move(a) : nullptr;
}

// Folds `inputs` (one argument each) into a fresh state.
Value Fold(const Aggregator& a, const std::vector<Value>& inputs) {
  Value s = a.Init();
  int64_t seq = 0;
  for (const Value& v : inputs) {
    const Value args[] = {v};
    auto next = a.Add(s, args, seq++);
    EXPECT_TRUE(next.ok()) << next.status();
    if (next.ok()) s = *next;
  }
  return s;
}

TEST(AggregatorsTest, CountSumAvgAndTheirUndo) {
  auto count = Make("COUNT", {SqlType::Integer()}, SqlType::Bigint());
  Value s = Fold(*count, {Value::Integer(1), Value::Null(), Value::Integer(3)});
  EXPECT_EQ(count->Result(s), Value::Bigint(2));
  const Value one[] = {Value::Integer(1)};
  EXPECT_EQ(count->Result(*count->Undo(s, one)), Value::Bigint(1));

  auto sum = Make("SUM", {SqlType::Integer()}, SqlType::Integer());
  s = Fold(*sum, {Value::Integer(1), Value::Null(), Value::Integer(3)});
  EXPECT_EQ(sum->Result(s), Value::Integer(4));
  EXPECT_EQ(sum->Result(*sum->Undo(s, one)), Value::Integer(3));

  auto avg = Make("AVG", {SqlType::Bigint()}, SqlType::Double());
  s = Fold(*avg, {Value::Bigint(1), Value::Bigint(2)});
  EXPECT_EQ(avg->Result(s), Value::Double(1.5));
  EXPECT_EQ(avg->Result(avg->Init()), Value::Double(0));
}

TEST(AggregatorsTest, DecimalSumOverflowIsAnError) {
  auto sum = Make("SUM", {SqlType::Decimal(3, 1)}, SqlType::Decimal(3, 1));
  Value s = Fold(*sum, {Value::Decimal(505, 1)});  // 50.5
  const Value more[] = {Value::Decimal(508, 1)};   // + 50.8 = 101.3 > DECIMAL(3,1)
  EXPECT_FALSE(sum->Add(s, more, 0).ok());
}

TEST(AggregatorsTest, MinMaxIgnoreNulls) {
  auto min = Make("MIN", {SqlType::Integer()}, SqlType::Integer());
  auto max = Make("MAX", {SqlType::Integer()}, SqlType::Integer());
  const std::vector<Value> in = {Value::Null(), Value::Integer(5), Value::Integer(-2)};
  EXPECT_EQ(min->Result(Fold(*min, in)), Value::Integer(-2));
  EXPECT_EQ(max->Result(Fold(*max, in)), Value::Integer(5));
  EXPECT_TRUE(min->Result(min->Init()).is_null());
}

TEST(AggregatorsTest, CollectionsTopKAndHistogram) {
  const std::vector<Value> in = {Value::Integer(3), Value::Integer(1), Value::Integer(3),
                                 Value::Integer(2)};
  auto list = Make("COLLECT_LIST", {SqlType::Integer()}, SqlType::Array(SqlType::Integer()));
  EXPECT_EQ(list->Result(Fold(*list, in)), Value::Array(in));
  auto limited = Make("COLLECT_LIST", {SqlType::Integer()}, SqlType::Array(SqlType::Integer()),
                      {Value::Bigint(1)});
  EXPECT_EQ(limited->Result(Fold(*limited, in)), Value::Array({Value::Integer(3)}));
  auto set = Make("COLLECT_SET", {SqlType::Integer()}, SqlType::Array(SqlType::Integer()));
  EXPECT_EQ(set->Result(Fold(*set, in)),
            Value::Array({Value::Integer(3), Value::Integer(1), Value::Integer(2)}));
  auto topk =
      Make("TOPK", {SqlType::Integer()}, SqlType::Array(SqlType::Integer()), {Value::Integer(2)});
  EXPECT_EQ(topk->Result(Fold(*topk, in)), Value::Array({Value::Integer(3), Value::Integer(3)}));
  auto topkd = Make("TOPKDISTINCT", {SqlType::Integer()}, SqlType::Array(SqlType::Integer()),
                    {Value::Integer(2)});
  EXPECT_EQ(topkd->Result(Fold(*topkd, in)), Value::Array({Value::Integer(3), Value::Integer(2)}));
  auto distinct = Make("COUNT_DISTINCT", {SqlType::Integer()}, SqlType::Bigint());
  EXPECT_EQ(distinct->Result(Fold(*distinct, in)), Value::Bigint(3));
  auto hist =
      Make("HISTOGRAM", {SqlType::String()}, SqlType::Map(SqlType::String(), SqlType::Bigint()));
  Value h = Fold(*hist, {Value::String("a"), Value::String("b"), Value::String("a")});
  EXPECT_EQ(hist->Result(h), Value::Map({{Value::String("a"), Value::Bigint(2)},
                                         {Value::String("b"), Value::Bigint(1)}}));
  const Value b[] = {Value::String("b")};
  EXPECT_EQ(hist->Result(*hist->Undo(h, b)), Value::Map({{Value::String("a"), Value::Bigint(2)}}));
}

TEST(AggregatorsTest, ByOffsetAndSessionMerge) {
  const std::vector<Value> in = {Value::Integer(1), Value::Null(), Value::Integer(2)};
  auto latest = Make("LATEST_BY_OFFSET", {SqlType::Integer()}, SqlType::Integer());
  EXPECT_EQ(latest->Result(Fold(*latest, in)), Value::Integer(2));
  auto earliest = Make("EARLIEST_BY_OFFSET", {SqlType::Integer()}, SqlType::Integer());
  EXPECT_EQ(earliest->Result(Fold(*earliest, in)), Value::Integer(1));
  auto latest_nulls =
      Make("LATEST_BY_OFFSET", {SqlType::Integer()}, SqlType::Integer(), {Value::Boolean(false)});
  EXPECT_TRUE(
      latest_nulls->Result(Fold(*latest_nulls, {Value::Integer(1), Value::Null()})).is_null());
  auto last2 = Make("LATEST_BY_OFFSET", {SqlType::Integer()}, SqlType::Array(SqlType::Integer()),
                    {Value::Integer(2)});
  EXPECT_EQ(last2->Result(Fold(*last2, {Value::Integer(1), Value::Integer(2), Value::Integer(3)})),
            Value::Array({Value::Integer(2), Value::Integer(3)}));
  // Merging two sessions keeps input order by sequence number.
  Value a = earliest->Add(earliest->Init(), std::vector<Value>{Value::Integer(7)}, 5).value();
  Value b = earliest->Add(earliest->Init(), std::vector<Value>{Value::Integer(9)}, 2).value();
  EXPECT_EQ(earliest->Result(earliest->Merge(a, b)), Value::Integer(9));
}

TEST(AggregatorsTest, UnknownFunctionIsRejected) {
  AggregatorSpec spec;
  spec.function = "NOPE";
  spec.return_type = SqlType::Bigint();
  EXPECT_FALSE(MakeAggregator(spec).ok());
}

TEST(ValueCodecTest, RoundTripsEveryKind) {
  const std::vector<Value> values = {
      Value::Null(),
      Value::Boolean(true),
      Value::Integer(-5),
      Value::Bigint(1LL << 40),
      Value::Double(-0.25),
      Value::Decimal(-12345, 2),
      Value::String(std::string(300, 'x')),
      Value::Bytes(std::string("\0\1", 2)),
      Value::Timestamp(123),
      Value::Date(-3),
      Value::Time(1000),
      Value::Array({Value::Integer(1), Value::Null()}),
      Value::Map({{Value::String("k"), Value::Bigint(2)}}),
      Value::Struct({Value::String("s"), Value::Array({})}),
  };
  for (const Value& v : values) {
    std::string bytes = EncodeValue(v);
    std::string_view in = bytes;
    Value back;
    ASSERT_TRUE(DecodeValue(&in, &back)) << v.ToDebugString();
    EXPECT_EQ(back, v) << v.ToDebugString();
    EXPECT_EQ(back.kind(), v.kind());
    EXPECT_TRUE(in.empty());
    // Every truncation is rejected, never read past the end.
    for (size_t n = 0; n < bytes.size(); ++n) {
      std::string_view cut(bytes.data(), n);
      Value ignored;
      EXPECT_FALSE(DecodeValue(&cut, &ignored)) << v.ToDebugString() << " cut at " << n;
    }
  }
}

}  // namespace
}  // namespace skein::runtime::internal
