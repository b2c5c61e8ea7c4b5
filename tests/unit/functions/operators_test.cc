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
  EXPECT_EQ(*ArithmeticResultType(ArithmeticOp::kMultiply, SqlType::Decimal(4, 2),
                                  SqlType::Double()),
            SqlType::Double());
  EXPECT_EQ(*ArithmeticResultType(ArithmeticOp::kAdd, SqlType::String(), SqlType::String()),
            SqlType::String());
  EXPECT_FALSE(
      ArithmeticResultType(ArithmeticOp::kAdd, SqlType::String(), SqlType::Integer()).ok());
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
