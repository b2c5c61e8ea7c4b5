// Feeds thousands of random and mutated byte strings (fixed seed) to every decoder: each call
// must return OK or INVALID_ARGUMENT, never crash or return another code. Valid seeds also
// check that what decodes re-encodes and decodes to the same values.

#include <random>

#include "gtest/gtest.h"
#include "serde_test_util.h"

namespace skein::serde {
namespace {

using types::SqlType;

std::vector<Column> RichColumns() {
  SqlType st =
      SqlType::Struct({{"A", SqlType::Integer()}, {"B", SqlType::Array(SqlType::Decimal(10, 2))}});
  return {Col("I", SqlType::Integer()),
          Col("L", SqlType::Bigint()),
          Col("D", SqlType::Double()),
          Col("N", SqlType::Decimal(10, 2)),
          Col("S", SqlType::String()),
          Col("Y", SqlType::Bytes()),
          Col("T", SqlType::Timestamp()),
          Col("DT", SqlType::Date()),
          Col("TM", SqlType::Time()),
          Col("B", SqlType::Boolean()),
          Col("M", SqlType::Map(SqlType::String(), st)),
          Col("X", st)};
}

std::vector<Column> PrimitiveColumns() {
  return {Col("I", SqlType::Integer()), Col("L", SqlType::Bigint()),
          Col("D", SqlType::Double()),  Col("N", SqlType::Decimal(10, 2)),
          Col("S", SqlType::String()),  Col("B", SqlType::Boolean())};
}

std::string Mutate(std::string s, std::mt19937_64& rng) {
  static constexpr char kAlphabet[] = "{}[]\",:\\0123456789.eE-+ tnulfrsa\x00\xff";
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    char c = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
    switch (rng() % 3) {
      case 0:
        s.insert(s.begin() + static_cast<ptrdiff_t>(pos), c);
        break;
      case 1:
        if (pos < s.size()) s.erase(pos, 1);
        break;
      default:
        if (pos < s.size()) s[pos] = c;
    }
  }
  return s;
}

void Hammer(Format& f, const std::vector<std::string>& seeds, int iterations, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Value> row(f.columns().size());
  int ok = 0;
  for (int i = 0; i < iterations; ++i) {
    std::string input;
    if (i % 5 == 0) {
      size_t n = rng() % 64;
      for (size_t k = 0; k < n; ++k) input.push_back(static_cast<char>(rng() & 0xff));
    } else {
      input = Mutate(seeds[rng() % seeds.size()], rng);
    }
    auto r = f.Decode(input, row);
    if (!r.ok()) {
      ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
      continue;
    }
    ++ok;
    // Whatever decoded must re-encode and decode to equal values.
    std::string enc;
    auto e = f.Encode(row, &enc);
    ASSERT_TRUE(e.ok()) << e.status();
    if (*e == RecordKind::kNull) continue;
    std::vector<Value> back(row.size());
    auto r2 = f.Decode(enc, back);
    ASSERT_TRUE(r2.ok()) << r2.status() << " for " << enc;
    for (size_t c = 0; c < row.size(); ++c) {
      ASSERT_EQ(back[c], row[c]) << "column " << c << " input " << input << " encoded " << enc;
    }
  }
  // The mutations keep many inputs valid, so the round trip is really exercised.
  EXPECT_GT(ok, iterations / 50);
}

TEST(RobustnessTest, Json) {
  auto f = Make("JSON", RichColumns());
  std::vector<std::string> seeds = {
      R"({"I":1,"L":-2,"D":1.5,"N":"12.34","S":"x","Y":"aGk=","T":5,"DT":3,"TM":7,"B":true,)"
      R"("M":{"k":{"A":1,"B":[1.25,null]}},"X":{"a":2,"b":[]}})",
      R"({"i":"7","n":3.1,"s":null,"x":null})",
      R"({"D":1e300,"L":9223372036854775807,"S":"\u00e9\n"})", "null", "{}"};
  Hammer(*f, seeds, 20000, 42);
}

TEST(RobustnessTest, JsonUnwrapped) {
  auto f = Make("JSON", {Col("A", SqlType::Array(SqlType::Struct({{"F", SqlType::Double()}})))},
                WithProps({{"WRAP_SINGLE_VALUE", "false"}}));
  Hammer(*f, {R"([{"F":1.5},{"f":null},null])", "[]", "null"}, 5000, 7);
}

TEST(RobustnessTest, Delimited) {
  auto f = Make("DELIMITED", PrimitiveColumns());
  Hammer(*f, {"1,2,3.5,12.34,hello,true", R"(,,,,"a ""q"", b",)", "-5,0,1e5,0.1,,false"}, 20000,
         43);
}

TEST(RobustnessTest, Kafka) {
  for (SqlType t : {SqlType::Integer(), SqlType::Bigint(), SqlType::Double(), SqlType::String(),
                    SqlType::Bytes()}) {
    auto f = Make("KAFKA", {Col("V", t)});
    Hammer(*f, {std::string("\x00\x00\x00\x01", 4), std::string(8, '\x01'), "abc"}, 3000, 44);
  }
}

}  // namespace
}  // namespace skein::serde
