#include "skein/functions/operators.h"

#include <gtest/gtest.h>

namespace skein::functions {
namespace {

using types::SqlType;

TEST(OperatorsTest, IntegerPromotion) {
  EXPECT_EQ(*ArithmeticResultType(ArithmeticOp::kAdd, SqlType::Integer(), SqlType::Integer()),
            SqlType::Integer());
  EXPECT_EQ(*ArithmeticResultType(ArithmeticOp::kAdd, SqlType::Integer(), SqlType::Bigint()),
            SqlType::Bigint());
  EXPECT_EQ(
      *ArithmeticResultType(ArithmeticOp::kMultiply, SqlType::Decimal(4, 2), SqlType::Double()),
      SqlType::Double());
  EXPECT_EQ(*ArithmeticResultType(ArithmeticOp::kAdd, SqlType::String(), SqlType::String()),
            SqlType::String());
  EXPECT_FALSE(
      ArithmeticResultType(ArithmeticOp::kAdd, SqlType::String(), SqlType::Integer()).ok());
}

TEST(OperatorsTest, StructCommonSuperTypeIsFieldWise) {
  const SqlType narrow = SqlType::Struct({{"W", SqlType::Integer()}, {"H", SqlType::Bigint()}});
  const SqlType wide = SqlType::Struct({{"W", SqlType::Bigint()}, {"H", SqlType::Integer()}});
  EXPECT_EQ(*CommonSuperType(narrow, wide),
            SqlType::Struct({{"W", SqlType::Bigint()}, {"H", SqlType::Bigint()}}));
  const SqlType renamed = SqlType::Struct({{"w", SqlType::Integer()}, {"H", SqlType::Bigint()}});
  EXPECT_FALSE(CommonSuperType(narrow, renamed).has_value());
  const SqlType fewer = SqlType::Struct({{"W", SqlType::Integer()}});
  EXPECT_FALSE(CommonSuperType(narrow, fewer).has_value());
}

TEST(OperatorsTest, DecimalRules) {
  const SqlType a = SqlType::Decimal(4, 2), b = SqlType::Decimal(3, 1);
  EXPECT_EQ(DecimalArithmeticType(ArithmeticOp::kAdd, a, b), SqlType::Decimal(5, 2));
  EXPECT_EQ(DecimalArithmeticType(ArithmeticOp::kMultiply, a, b), SqlType::Decimal(8, 3));
  EXPECT_EQ(DecimalArithmeticType(ArithmeticOp::kDivide, a, b), SqlType::Decimal(9, 6));
  EXPECT_EQ(DecimalArithmeticType(ArithmeticOp::kModulus, a, b), SqlType::Decimal(4, 2));
  // INTEGER counts as DECIMAL(10, 0).
  EXPECT_EQ(*ArithmeticResultType(ArithmeticOp::kAdd, a, SqlType::Integer()),
            SqlType::Decimal(13, 2));
}

TEST(OperatorsTest, Comparisons) {
  EXPECT_TRUE(ComparisonType(ComparisonOp::kLess, SqlType::Integer(), SqlType::Double()));
  EXPECT_FALSE(ComparisonType(ComparisonOp::kLess, SqlType::Integer(), SqlType::String()));
  const SqlType arr = SqlType::Array(SqlType::Integer());
  EXPECT_TRUE(ComparisonType(ComparisonOp::kEqual, arr, arr));
  EXPECT_FALSE(ComparisonType(ComparisonOp::kLess, arr, arr));
  EXPECT_EQ(ComparisonOpName(ComparisonOp::kGreaterOrEqual), "GREATER_THAN_OR_EQUAL");
}

}  // namespace
}  // namespace skein::functions
