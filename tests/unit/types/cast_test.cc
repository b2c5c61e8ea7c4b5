// Unit tests for implicit widening and CAST (semantics from ksqlDB's cast conformance cases).

#include "skein/types/cast.h"

#include "gtest/gtest.h"

namespace skein::types {
namespace {

Value CastOk(const Value& v, const SqlType& from, const SqlType& to) {
  auto r = CastValue(v, from, to);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Value();
}

TEST(CastTest, UnsupportedCastsNameTheTypes) {
  auto s = CheckCast(SqlType::String(), SqlType::Array(SqlType::Integer()));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "Cast of STRING to ARRAY<INTEGER> is not supported");
  s = CheckCast(SqlType::String(),
                SqlType::Struct({{"F0", SqlType::String()}, {"F1", SqlType::Integer()}}));
  EXPECT_EQ(s.message(), "Cast of STRING to STRUCT<`F0` STRING, `F1` INTEGER> is not supported");
  EXPECT_FALSE(
      CheckCast(SqlType::String(), SqlType::Map(SqlType::String(), SqlType::Integer())).ok());
  EXPECT_FALSE(CheckCast(SqlType::Integer(), SqlType::Boolean()).ok());
  EXPECT_TRUE(CheckCast(SqlType::Array(SqlType::Bigint()), SqlType::Array(SqlType::String())).ok());
}

TEST(CastTest, CompoundToString) {
  EXPECT_EQ(CastToString(Value::Array({Value::Integer(1), Value::Integer(3)}),
                         SqlType::Array(SqlType::Integer())),
            "[1, 3]");
  EXPECT_EQ(CastToString(Value::Map({{Value::String("this"), Value::Integer(1)}}),
                         SqlType::Map(SqlType::String(), SqlType::Integer())),
            "{this=1}");
  SqlType st = SqlType::Struct({{"F0", SqlType::Integer()}, {"f1", SqlType::Integer()}});
  EXPECT_EQ(CastToString(Value::Struct({Value::Integer(1), Value::Integer(3)}), st),
            "Struct{F0=1,f1=3}");
  EXPECT_EQ(CastToString(Value::Struct({Value::Null(), Value::Integer(3)}), st), "Struct{f1=3}");
}

TEST(CastTest, NarrowingFollowsJava) {
  SqlType from = SqlType::Array(SqlType::Bigint());
  Value in = Value::Array({Value::Bigint(1), Value::Bigint(3), Value::Bigint(2147483648LL)});
  Value out = CastOk(in, from, SqlType::Array(SqlType::Integer()));
  ASSERT_EQ(out.items().size(), 3u);
  EXPECT_EQ(out.items()[2].integer(), -2147483648);
  Value strs = CastOk(in, from, SqlType::Array(SqlType::String()));
  EXPECT_EQ(strs.items()[2].str(), "2147483648");
  EXPECT_EQ(CastOk(Value::Double(3.3 - 2.1), SqlType::Double(), SqlType::Integer()).integer(), 1);
  EXPECT_EQ(CastOk(Value::Double(1e20), SqlType::Double(), SqlType::Integer()).integer(),
            2147483647);
  EXPECT_EQ(CastOk(Value::Decimal(1001, 2), SqlType::Decimal(4, 2), SqlType::Bigint()).bigint(),
            10);
  EXPECT_EQ(CastOk(Value::Integer(-1), SqlType::Integer(), SqlType::String()).str(), "-1");
}

TEST(CastTest, Decimals) {
  SqlType d21 = SqlType::Decimal(2, 1);
  EXPECT_EQ(CastToString(CastOk(Value::Integer(1), SqlType::Integer(), d21), d21), "1.0");
  EXPECT_EQ(CastToString(CastOk(Value::Integer(-1), SqlType::Integer(), d21), d21), "-1.0");
  EXPECT_FALSE(CastValue(Value::Integer(10), SqlType::Integer(), d21).ok());  // overflow -> NULL
  EXPECT_EQ(CastToString(CastOk(Value::Double(0.99), SqlType::Double(), d21), d21), "1.0");
  EXPECT_EQ(CastToString(CastOk(Value::String("0.99"), SqlType::String(), d21), d21), "1.0");
  SqlType d53 = SqlType::Decimal(5, 3);
  EXPECT_EQ(CastToString(CastOk(Value::Decimal(1012, 2), SqlType::Decimal(4, 2), d53), d53),
            "10.120");
  EXPECT_DOUBLE_EQ(CastOk(Value::Decimal(1001, 2), SqlType::Decimal(4, 2), SqlType::Double()).dbl(),
                   10.01);
  EXPECT_EQ(CastOk(Value::Decimal(0, 2), SqlType::Decimal(4, 2), SqlType::String()).str(), "0.00");
}

TEST(CastTest, StringsToOtherTypes) {
  EXPECT_EQ(CastOk(Value::String(" 42 "), SqlType::String(), SqlType::Integer()).integer(), 42);
  EXPECT_FALSE(CastValue(Value::String("4x"), SqlType::String(), SqlType::Integer()).ok());
  EXPECT_FALSE(CastValue(Value::String("99999999999"), SqlType::String(), SqlType::Integer()).ok());
  EXPECT_EQ(CastOk(Value::String("1e3"), SqlType::String(), SqlType::Double()).dbl(), 1000.0);
  EXPECT_FALSE(CastValue(Value::String("inf"), SqlType::String(), SqlType::Double()).ok());
  EXPECT_TRUE(CastOk(Value::String("TRUE"), SqlType::String(), SqlType::Boolean()).boolean());
  EXPECT_EQ(
      CastOk(Value::String("2022-04-28T21:44:47.943Z"), SqlType::String(), SqlType::Timestamp())
          .timestamp(),
      1651182287943);
  SqlType from =
      SqlType::Map(SqlType::String(), SqlType::Map(SqlType::String(), SqlType::String()));
  SqlType to = SqlType::Map(SqlType::String(), SqlType::Map(SqlType::String(), SqlType::Integer()));
  Value m =
      Value::Map({{Value::String("k1"), Value::Map({{Value::String("k2"), Value::String("10")}})}});
  Value out = CastOk(m, from, to);
  EXPECT_EQ(out.map_value(0).map_value(0).integer(), 10);
}

TEST(CastTest, TimeTypes) {
  EXPECT_EQ(CastOk(Value::Timestamp(1651182287943), SqlType::Timestamp(), SqlType::String()).str(),
            "2022-04-28T21:44:47.943");
  EXPECT_EQ(CastOk(Value::Timestamp(1651182287943), SqlType::Timestamp(), SqlType::Date()).date(),
            19110);
  EXPECT_EQ(CastOk(Value::Timestamp(-1), SqlType::Timestamp(), SqlType::Date()).date(), -1);
  EXPECT_EQ(CastOk(Value::Timestamp(1651182287943), SqlType::Timestamp(), SqlType::Time()).time(),
            78287943);
  EXPECT_EQ(CastOk(Value::Date(1), SqlType::Date(), SqlType::Timestamp()).timestamp(), 86400000);
  EXPECT_EQ(CastOk(Value::Date(19110), SqlType::Date(), SqlType::String()).str(), "2022-04-28");
}

TEST(CastTest, StructByFieldName) {
  SqlType from = SqlType::Struct({{"F0", SqlType::Bigint()}, {"F1", SqlType::String()}});
  SqlType to = SqlType::Struct({{"F0", SqlType::String()}, {"F3", SqlType::String()}});
  Value out = CastOk(Value::Struct({Value::Bigint(1), Value::String("3")}), from, to);
  ASSERT_EQ(out.items().size(), 2u);
  EXPECT_EQ(out.items()[0].str(), "1");
  EXPECT_TRUE(out.items()[1].is_null());
  EXPECT_TRUE(CastOk(Value(), SqlType::String(), SqlType::Integer()).is_null());
}

TEST(CastTest, ImplicitWidening) {
  EXPECT_TRUE(CanImplicitlyCast(SqlType::Integer(), SqlType::Bigint()));
  EXPECT_TRUE(CanImplicitlyCast(SqlType::Integer(), SqlType::Double()));
  EXPECT_TRUE(CanImplicitlyCast(SqlType::Bigint(), SqlType::Decimal(19, 0)));
  EXPECT_FALSE(CanImplicitlyCast(SqlType::Bigint(), SqlType::Decimal(18, 0)));
  EXPECT_TRUE(CanImplicitlyCast(SqlType::Decimal(4, 2), SqlType::Decimal(6, 3)));
  EXPECT_FALSE(CanImplicitlyCast(SqlType::Decimal(4, 2), SqlType::Decimal(4, 3)));
  EXPECT_TRUE(CanImplicitlyCast(SqlType::Decimal(4, 2), SqlType::Double()));
  EXPECT_FALSE(CanImplicitlyCast(SqlType::Double(), SqlType::Decimal(38, 10)));
  EXPECT_FALSE(CanImplicitlyCast(SqlType::Bigint(), SqlType::Integer()));
  EXPECT_FALSE(CanImplicitlyCast(SqlType::Integer(), SqlType::String()));
  EXPECT_TRUE(
      CanImplicitlyCast(SqlType::Array(SqlType::Integer()), SqlType::Array(SqlType::Bigint())));
  EXPECT_EQ(*WiderNumericType(SqlType::Integer(), SqlType::Bigint()), SqlType::Bigint());
  EXPECT_EQ(*WiderNumericType(SqlType::Decimal(4, 2), SqlType::Double()), SqlType::Double());
  EXPECT_EQ(*WiderNumericType(SqlType::Decimal(4, 2), SqlType::Integer()), SqlType::Decimal(12, 2));
  EXPECT_EQ(*WiderNumericType(SqlType::Decimal(4, 2), SqlType::Decimal(5, 4)),
            SqlType::Decimal(6, 4));
  EXPECT_FALSE(WiderNumericType(SqlType::String(), SqlType::Integer()).has_value());
}

}  // namespace
}  // namespace skein::types
