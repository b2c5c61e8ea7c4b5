// Unit tests for skein::types: type printing, values, decimals, schemas.

#include <cmath>
#include <limits>

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"
#include "skein/types/decimal.h"
#include "skein/types/schema.h"
#include "skein/types/sql_type.h"
#include "skein/types/text.h"
#include "skein/types/value.h"

namespace skein::types {
namespace {

TEST(SqlTypeTest, PrintsKsqlCanonicalNames) {
  EXPECT_EQ(SqlType::Boolean().ToString(), "BOOLEAN");
  EXPECT_EQ(SqlType::Integer().ToString(), "INTEGER");
  EXPECT_EQ(SqlType::Bigint().ToString(), "BIGINT");
  EXPECT_EQ(SqlType::Double().ToString(), "DOUBLE");
  EXPECT_EQ(SqlType::String().ToString(), "STRING");
  EXPECT_EQ(SqlType::Bytes().ToString(), "BYTES");
  EXPECT_EQ(SqlType::Timestamp().ToString(), "TIMESTAMP");
  EXPECT_EQ(SqlType::Date().ToString(), "DATE");
  EXPECT_EQ(SqlType::Time().ToString(), "TIME");
  EXPECT_EQ(SqlType::Decimal(4, 2).ToString(), "DECIMAL(4, 2)");
  EXPECT_EQ(SqlType::Array(SqlType::Integer()).ToString(), "ARRAY<INTEGER>");
  EXPECT_EQ(SqlType::Map(SqlType::Integer(), SqlType::Double()).ToString(), "MAP<INTEGER, DOUBLE>");
  EXPECT_EQ(SqlType::Struct({{"F0", SqlType::String()}, {"F1", SqlType::Integer()}}).ToString(),
            "STRUCT<`F0` STRING, `F1` INTEGER>");
  EXPECT_EQ(SqlType::Struct({{"F", SqlType::Map(SqlType::String(), SqlType::String())}}).ToString(),
            "STRUCT<`F` MAP<STRING, STRING>>");
  EXPECT_EQ(SqlType::Struct({}).ToString(), "STRUCT< >");
  EXPECT_EQ(SqlType::Array(SqlType::Map(SqlType::Integer(), SqlType::Double())).ToString(),
            "ARRAY<MAP<INTEGER, DOUBLE>>");
}

TEST(SqlTypeTest, EqualityIsStructural) {
  EXPECT_EQ(SqlType::Decimal(4, 2), SqlType::Decimal(4, 2));
  EXPECT_NE(SqlType::Decimal(4, 2), SqlType::Decimal(4, 3));
  EXPECT_EQ(SqlType::Array(SqlType::Integer()), SqlType::Array(SqlType::Integer()));
  EXPECT_NE(SqlType::Array(SqlType::Integer()), SqlType::Array(SqlType::Bigint()));
  EXPECT_NE(SqlType::Struct({{"A", SqlType::Integer()}}),
            SqlType::Struct({{"a", SqlType::Integer()}}));
  EXPECT_NE(SqlType::Integer(), SqlType::Bigint());
  EXPECT_TRUE(
      SqlType::Struct({{"A", SqlType::Array(SqlType::Map(SqlType::String(), SqlType::Integer()))}})
          .ContainsMap());
  EXPECT_FALSE(SqlType::Array(SqlType::Integer()).ContainsMap());
}

TEST(SqlTypeTest, ValidatesDecimalBounds) {
  EXPECT_TRUE(ValidateDecimal(38, 38).ok());
  EXPECT_EQ(ValidateDecimal(0, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateDecimal(39, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateDecimal(4, 5).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ValueTest, IsCompact) { EXPECT_LE(sizeof(Value), 48u); }

TEST(ValueTest, AccessorsRoundTrip) {
  EXPECT_TRUE(Value().is_null());
  EXPECT_EQ(Value::Integer(-7).integer(), -7);
  EXPECT_EQ(Value::Bigint(1LL << 40).bigint(), 1LL << 40);
  EXPECT_EQ(Value::Timestamp(1651182287943).timestamp(), 1651182287943);
  EXPECT_EQ(Value::Date(19000).date(), 19000);
  Int128 big = Pow10(37) * 3 + 12345;
  Value d = Value::Decimal(-big, 16);
  EXPECT_EQ(d.decimal_unscaled(), -big);
  EXPECT_EQ(d.decimal_scale(), 16);
  Value m = Value::Map({{Value::String("a"), Value::Integer(1)}});
  ASSERT_EQ(m.map_size(), 1u);
  EXPECT_EQ(m.map_key(0).str(), "a");
  EXPECT_EQ(m.map_value(0).integer(), 1);
}

TEST(ValueTest, EqualityHashAndOrder) {
  EXPECT_EQ(Value::Decimal(100, 2), Value::Decimal(1, 0));
  EXPECT_EQ(Value::Decimal(100, 2).Hash(), Value::Decimal(1, 0).Hash());
  EXPECT_NE(Value::Decimal(101, 2), Value::Decimal(1, 0));
  EXPECT_EQ(Value::Double(0.0), Value::Double(-0.0));
  EXPECT_EQ(Value::Double(0.0).Hash(), Value::Double(-0.0).Hash());
  double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Value::Double(nan), Value::Double(nan));
  EXPECT_LT(Value::Double(1e300), Value::Double(nan));
  EXPECT_LT(Value::Null(), Value::Integer(std::numeric_limits<int32_t>::min()));
  EXPECT_LT(Value::String("a"), Value::String("b"));
  EXPECT_LT(Value::Decimal(-5, 1), Value::Decimal(-4, 2) /* -0.04 > -0.5 */);
  EXPECT_NE(Value::Bigint(5), Value::Timestamp(5));  // kinds differ
  EXPECT_EQ(Value::Array({Value::Integer(1), Value::Null()}),
            Value::Array({Value::Integer(1), Value::Null()}));
  EXPECT_LT(Value::Array({Value::Integer(1)}), Value::Array({Value::Integer(1), Value::Null()}));

  absl::flat_hash_set<Value> set;
  set.insert(Value::String("x"));
  set.insert(Value::String("x"));
  set.insert(Value::Decimal(10, 1));
  set.insert(Value::Decimal(1, 0));
  EXPECT_EQ(set.size(), 2u);
}

TEST(ValueTest, DebugString) {
  EXPECT_EQ(Value().ToDebugString(), "NULL");
  EXPECT_EQ(Value::Double(1).ToDebugString(), "1.0");
  EXPECT_EQ(Value::Decimal(150, 2).ToDebugString(), "1.50");
  EXPECT_EQ(Value::Array({Value::String("a"), Value::Null()}).ToDebugString(), "['a', NULL]");
  EXPECT_EQ(Value::Timestamp(0).ToDebugString(), "TIMESTAMP(1970-01-01T00:00:00.000)");
}

TEST(DecimalTest, ParsesExactly) {
  EXPECT_EQ(*ParseDecimal("12.365", 6, 4, Rounding::kUnnecessary), 123650);
  EXPECT_EQ(*ParseDecimal("-0.5", 2, 1, Rounding::kUnnecessary), -5);
  EXPECT_EQ(*ParseDecimal("1e2", 5, 1, Rounding::kUnnecessary), 1000);
  EXPECT_EQ(*ParseDecimal("0.99", 2, 1, Rounding::kHalfUp), 10);
  EXPECT_EQ(*ParseDecimal("0.94", 2, 1, Rounding::kHalfUp), 9);
  EXPECT_EQ(*ParseDecimal("-0.95", 2, 1, Rounding::kHalfUp), -10);
  EXPECT_EQ(*ParseDecimal("0.004", 2, 1, Rounding::kHalfUp), 0);
  EXPECT_EQ(*ParseDecimal("12345678901234567.1234567890123456", 33, 16, Rounding::kUnnecessary),
            Int128{123456789012345671} * Pow10(15) + Int128{234567890123456});
  EXPECT_FALSE(ParseDecimal("0.99", 2, 1, Rounding::kUnnecessary).ok());
  EXPECT_FALSE(ParseDecimal("10", 2, 1, Rounding::kHalfUp).ok());  // needs 3 digits
  EXPECT_FALSE(ParseDecimal("abc", 2, 1, Rounding::kHalfUp).ok());
  EXPECT_FALSE(ParseDecimal("1.2.3", 5, 1, Rounding::kHalfUp).ok());
  EXPECT_FALSE(ParseDecimal("", 5, 1, Rounding::kHalfUp).ok());
  EXPECT_FALSE(ParseDecimal("1e", 5, 1, Rounding::kHalfUp).ok());
  EXPECT_FALSE(ParseDecimal("1e999999999", 38, 0, Rounding::kHalfUp).ok());
}

TEST(DecimalTest, FormatsPlain) {
  EXPECT_EQ(FormatDecimal(10120, 3), "10.120");
  EXPECT_EQ(FormatDecimal(-5, 2), "-0.05");
  EXPECT_EQ(FormatDecimal(0, 2), "0.00");
  EXPECT_EQ(FormatDecimal(42, 0), "42");
  EXPECT_EQ(Int128ToString(-(Pow10(38) - 1)), "-" + std::string(38, '9'));
}

TEST(DecimalTest, RescaleAndCompare) {
  EXPECT_EQ(*RescaleDecimal(1012, 2, 5, 3, Rounding::kUnnecessary), 10120);
  EXPECT_EQ(*RescaleDecimal(1015, 3, 3, 2, Rounding::kHalfUp), 102);
  EXPECT_EQ(*RescaleDecimal(-1015, 3, 3, 2, Rounding::kHalfUp), -102);
  EXPECT_FALSE(RescaleDecimal(1015, 3, 3, 2, Rounding::kUnnecessary).ok());
  EXPECT_FALSE(RescaleDecimal(10, 0, 2, 1, Rounding::kHalfUp).ok());
  EXPECT_EQ(CompareDecimal(150, 2, 15, 1), 0);
  EXPECT_LT(CompareDecimal(149, 2, 15, 1), 0);
  EXPECT_GT(CompareDecimal(-1, 3, -2, 2), 0);
  EXPECT_EQ(*DecimalFromDouble(0.99, 2, 1), 10);
  EXPECT_EQ(*DecimalFromDouble(1.1, 2, 1), 11);
  EXPECT_DOUBLE_EQ(DecimalToDouble(1001, 2), 10.01);
}

TEST(TextTest, JavaDoubleToString) {
  EXPECT_EQ(FormatDoubleJava(1.0), "1.0");
  EXPECT_EQ(FormatDoubleJava(-2.5), "-2.5");
  EXPECT_EQ(FormatDoubleJava(10.3), "10.3");
  EXPECT_EQ(FormatDoubleJava(0.001), "0.001");
  EXPECT_EQ(FormatDoubleJava(0.0001), "1.0E-4");
  EXPECT_EQ(FormatDoubleJava(1234567.0), "1234567.0");
  EXPECT_EQ(FormatDoubleJava(1e7), "1.0E7");
  EXPECT_EQ(FormatDoubleJava(1.5e10), "1.5E10");
  EXPECT_EQ(FormatDoubleJava(123456789.125), "1.23456789125E8");
  EXPECT_EQ(FormatDoubleJava(0.0), "0.0");
  EXPECT_EQ(FormatDoubleJava(-0.0), "-0.0");
  EXPECT_EQ(FormatDoubleJava(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(FormatDoubleJava(-std::numeric_limits<double>::infinity()), "-Infinity");
}

TEST(TextTest, DatesAndTimes) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  for (int64_t d = -800000; d < 800000; d += 997) {
    int64_t y;
    int m, dd;
    CivilFromDays(d, &y, &m, &dd);
    ASSERT_EQ(DaysFromCivil(y, m, dd), d);
  }
  EXPECT_EQ(FormatTimestamp(1651182287943), "2022-04-28T21:44:47.943");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999");
  EXPECT_EQ(FormatDate(19110), "2022-04-28");
  EXPECT_EQ(FormatTime(0), "00:00:00");
  EXPECT_EQ(FormatTime(78287943), "21:44:47.943");
  EXPECT_EQ(FormatTime(78287500), "21:44:47.5");
  EXPECT_EQ(*ParseTimestamp("2022-04-28T21:44:47.943"), 1651182287943);
  EXPECT_EQ(*ParseTimestamp("2022-04-28T21:44:47.943Z"), 1651182287943);
  EXPECT_EQ(*ParseTimestamp("2022-04-28T23:44:47.943+02:00"), 1651182287943);
  EXPECT_EQ(*ParseTimestamp("2022-04-28"), 1651104000000);
  EXPECT_FALSE(ParseTimestamp("2022-02-30").ok());
  EXPECT_FALSE(ParseTimestamp("2022-04-28T25:00").ok());
  EXPECT_FALSE(ParseTimestamp("yesterday").ok());
  EXPECT_EQ(*ParseDate("2022-04-28"), 19110);
  EXPECT_EQ(*ParseTime("21:44:47.943"), 78287943);
  EXPECT_EQ(*ParseTime("21:44"), 78240000);
  EXPECT_FALSE(ParseTime("21").ok());
}

TEST(SchemaTest, KeysFirstAndPrinting) {
  auto schema = Schema::Builder()
                    .Val("NAME", SqlType::String())
                    .Key("ID", SqlType::Bigint())
                    .Val("V", SqlType::Decimal(4, 2))
                    .Build();
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ(schema->num_keys(), 1u);
  EXPECT_EQ(schema->value_begin(), 1u);
  EXPECT_EQ(schema->IndexOf("NAME"), 1);
  EXPECT_EQ(schema->IndexOf("name"), -1);
  EXPECT_EQ(schema->ToString(), "`ID` BIGINT KEY, `NAME` STRING, `V` DECIMAL(4, 2)");
  EXPECT_EQ(schema->ToString(false), "ID BIGINT KEY, NAME STRING, V DECIMAL(4, 2)");
  auto dup = Schema::Builder().Key("A", SqlType::Integer()).Val("A", SqlType::Integer()).Build();
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace skein::types
