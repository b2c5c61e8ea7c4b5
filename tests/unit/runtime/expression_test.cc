#include "skein/runtime/expression.h"

#include <limits>

#include "gtest/gtest.h"
#include "plan_builder.h"
#include "test_util.h"

namespace skein::runtime {
namespace {

using namespace testing;  // NOLINT(build/namespaces): plan builders
using types::Int128;
using types::SqlType;
using types::Value;

const SqlType kBool = SqlType::Boolean();
const SqlType kInt = SqlType::Integer();
const SqlType kBig = SqlType::Bigint();
const SqlType kDbl = SqlType::Double();
const SqlType kStr = SqlType::String();

TEST(ExpressionTest, ThreeValuedLogic) {
  Value t = Value::Boolean(true), f = Value::Boolean(false), n = Value::Null();
  auto And = [&](Value a, Value b) {
    return Eval(Call("AND", kBool, {Col(0, kBool), Col(1, kBool)}), {a, b});
  };
  auto Or = [&](Value a, Value b) {
    return Eval(Call("OR", kBool, {Col(0, kBool), Col(1, kBool)}), {a, b});
  };
  EXPECT_EQ(And(t, t), t);
  EXPECT_EQ(And(t, n), n);
  EXPECT_EQ(And(f, n), f);
  EXPECT_EQ(And(n, f), f);
  EXPECT_EQ(Or(t, n), t);
  EXPECT_EQ(Or(n, t), t);
  EXPECT_EQ(Or(f, n), n);
  EXPECT_EQ(Or(f, f), f);
  EXPECT_EQ(Eval(Call("NOT", kBool, {Col(0, kBool)}), {n}), n);
  EXPECT_EQ(Eval(Call("NOT", kBool, {Col(0, kBool)}), {f}), t);
}

TEST(ExpressionTest, ComparisonsWithNullAreFalseAsInKsqlDb) {
  auto expr = Call("=", kBool, {Col(0, kInt), Col(1, kBig)});
  EXPECT_EQ(Eval(expr, {Value::Integer(1), Value::Null()}), Value::Boolean(false));
  auto ne = Call("<>", kBool, {Col(0, kInt), Col(1, kBig)});
  EXPECT_EQ(Eval(ne, {Value::Null(), Value::Null()}), Value::Boolean(false));
  EXPECT_EQ(Eval(expr, {Value::Integer(12), Value::Bigint(12)}), Value::Boolean(true));
  auto distinct = Call("IS_DISTINCT", kBool, {Col(0, kInt), Col(1, kInt)});
  EXPECT_EQ(Eval(distinct, {Value::Null(), Value::Null()}), Value::Boolean(false));
  EXPECT_EQ(Eval(distinct, {Value::Integer(1), Value::Null()}), Value::Boolean(true));
  EXPECT_EQ(Eval(Call("IS_NULL", kBool, {Col(0, kInt)}), {Value::Null()}), Value::Boolean(true));
  EXPECT_EQ(Eval(Call("IS_NOT_NULL", kBool, {Col(0, kInt)}), {Value::Null()}),
            Value::Boolean(false));
}

TEST(ExpressionTest, NumericComparisonAcrossTypes) {
  auto lt = Call("<", kBool, {Col(0, kInt), Col(1, kDbl)});
  EXPECT_EQ(Eval(lt, {Value::Integer(1), Value::Double(1.5)}), Value::Boolean(true));
  auto eq = Call("=", kBool, {Col(0, SqlType::Decimal(4, 2)), Col(1, kInt)});
  EXPECT_EQ(Eval(eq, {Value::Decimal(300, 2), Value::Integer(3)}), Value::Boolean(true));
  auto str = Call(">", kBool, {Col(0, kStr), Str("b2")});
  EXPECT_EQ(Eval(str, {Value::String("a1")}), Value::Boolean(false));
  EXPECT_EQ(Eval(str, {Value::String("c")}), Value::Boolean(true));
}

TEST(ExpressionTest, IntegerArithmeticWrapsLikeJava) {
  auto add = Call("+", kInt, {Col(0, kInt), Int(1)});
  EXPECT_EQ(Eval(add, {Value::Integer(std::numeric_limits<int32_t>::max())}),
            Value::Integer(std::numeric_limits<int32_t>::min()));
  auto mul = Call("*", kBig, {Col(0, kBig), Big(2)});
  EXPECT_EQ(Eval(mul, {Value::Bigint(std::numeric_limits<int64_t>::max())}), Value::Bigint(-2));
  auto widen = Call("+", kBig, {Col(0, kInt), Col(1, kBig)});
  EXPECT_EQ(Eval(widen, {Value::Integer(6), Value::Bigint(25)}), Value::Bigint(31));
  EXPECT_EQ(Eval(Call("%", kInt, {Int(-7), Int(3)})), Value::Integer(-1));
  EXPECT_EQ(Eval(Call("/", kInt, {Int(std::numeric_limits<int32_t>::min()), Int(-1)})),
            Value::Integer(std::numeric_limits<int32_t>::min()));
  EXPECT_EQ(Eval(Call("NEG", kInt, {Int(5)})), Value::Integer(-5));
}

TEST(ExpressionTest, IntegerDivisionByZeroIsARecordError) {
  EvalResult r = Evaluate(Call("/", kInt, {Col(0, kInt), Int(0)}), {Value::Integer(4)});
  EXPECT_TRUE(r.value.is_null());
  EXPECT_EQ(r.error, "/ by zero");
  EvalResult d = Evaluate(Call("/", kDbl, {Col(0, kDbl), Dbl(0)}), {Value::Double(1)});
  EXPECT_EQ(d.value, Value::Double(std::numeric_limits<double>::infinity()));
  EXPECT_TRUE(d.error.empty());
}

TEST(ExpressionTest, DoubleArithmeticWithMixedOperands) {
  auto e = Call("+", kDbl, {Col(0, kDbl), Int(10)});
  EXPECT_EQ(Eval(e, {Value::Double(3.21)}), Value::Double(3.21 + 10));
  EXPECT_TRUE(Eval(e, {Value::Null()}).is_null());
}

TEST(ExpressionTest, DecimalArithmeticAtResultScale) {
  SqlType d42 = SqlType::Decimal(4, 2), d52 = SqlType::Decimal(5, 2);
  auto add = Call("+", d52, {Col(0, d42), Col(1, d42)});
  EXPECT_EQ(Eval(add, {Value::Decimal(1050, 2), Value::Decimal(-25, 2)}), Value::Decimal(1025, 2));
  // 10.50 * 2.00 = 21.0000 at scale 4
  SqlType d94 = SqlType::Decimal(9, 4);
  auto mul = Call("*", d94, {Col(0, d42), Col(1, d42)});
  Value m = Eval(mul, {Value::Decimal(1050, 2), Value::Decimal(200, 2)});
  EXPECT_EQ(m.decimal_unscaled(), Int128(210000));
  EXPECT_EQ(m.decimal_scale(), 4);
  // 1.00 / 3.00 at DECIMAL(11, 8): 0.33333333; 2/3 rounds HALF_UP.
  SqlType d118 = SqlType::Decimal(11, 8);
  auto div = Call("/", d118, {Col(0, d42), Col(1, d42)});
  EXPECT_EQ(Eval(div, {Value::Decimal(100, 2), Value::Decimal(300, 2)}).decimal_unscaled(),
            Int128(33333333));
  EXPECT_EQ(Eval(div, {Value::Decimal(200, 2), Value::Decimal(300, 2)}).decimal_unscaled(),
            Int128(66666667));
  EvalResult z = Evaluate(div, {Value::Decimal(100, 2), Value::Decimal(0, 2)});
  EXPECT_TRUE(z.value.is_null());
  EXPECT_FALSE(z.error.empty());
  // INTEGER operand promoted: 1.50 + 2 = 3.50
  SqlType d132 = SqlType::Decimal(13, 2);
  EXPECT_EQ(Eval(Call("+", d132, {Col(0, d42), Int(2)}), {Value::Decimal(150, 2)}),
            Value::Decimal(350, 2));
  // Overflow of the result precision is a record error.
  SqlType d31 = SqlType::Decimal(3, 1);
  EvalResult o = Evaluate(Call("+", d31, {Col(0, d31), Col(1, d31)}),
                          {Value::Decimal(999, 1), Value::Decimal(999, 1)});
  EXPECT_TRUE(o.value.is_null());
  EXPECT_FALSE(o.error.empty());
}

TEST(ExpressionTest, StringPlusConcatenatesAndConcatSkipsNulls) {
  EXPECT_EQ(Eval(Call("+", kStr, {Str("prefix-"), Col(0, kStr)}), {Value::String("s1")}),
            Value::String("prefix-s1"));
  EXPECT_EQ(Eval(Call("CONCAT", kStr, {Str("a"), Col(0, kStr), Str("c")}), {Value::Null()}),
            Value::String("ac"));
}

TEST(ExpressionTest, CastUsesTypesCastAndReportsBadInput) {
  EXPECT_EQ(Eval(Cast(Col(0, kStr), kInt), {Value::String(" 42 ")}), Value::Integer(42));
  EvalResult bad = Evaluate(Cast(Col(0, kStr), kInt), {Value::String("nope")});
  EXPECT_TRUE(bad.value.is_null());
  EXPECT_FALSE(bad.error.empty());
  EXPECT_EQ(Eval(Cast(Col(0, kDbl), SqlType::Decimal(4, 1)), {Value::Double(1.25)}),
            Value::Decimal(13, 1));
  EXPECT_EQ(Eval(Cast(Col(0, kInt), kStr), {Value::Integer(7)}), Value::String("7"));
  EXPECT_TRUE(Eval(Cast(Null(), kInt)).is_null());
}

TEST(ExpressionTest, LikeWithWildcardsAndEscape) {
  auto like = Call("LIKE", kBool, {Col(0, kStr), Col(1, kStr)});
  auto m = [&](const char* text, const char* pattern) {
    return Eval(like, {Value::String(text), Value::String(pattern)});
  };
  EXPECT_EQ(m("barfoobaz", "%foo%"), Value::Boolean(true));
  EXPECT_EQ(m("foo", "f_o"), Value::Boolean(true));
  EXPECT_EQ(m("foobar", "%oba%"), Value::Boolean(true));
  EXPECT_EQ(m("bar", "foo"), Value::Boolean(false));
  EXPECT_EQ(m("Foo", "foo"), Value::Boolean(false));
  EXPECT_EQ(m("", "%"), Value::Boolean(true));
  EXPECT_EQ(m("abc", "a%c%"), Value::Boolean(true));
  EXPECT_EQ(m("ab", "a_c"), Value::Boolean(false));
  auto esc = Call("LIKE", kBool, {Col(0, kStr), Col(1, kStr), Str("!")});
  EXPECT_EQ(Eval(esc, {Value::String("%"), Value::String("!%")}), Value::Boolean(true));
  EXPECT_EQ(Eval(esc, {Value::String("x"), Value::String("!%")}), Value::Boolean(false));
  EXPECT_EQ(Eval(esc, {Value::String("a_b"), Value::String("a!_b")}), Value::Boolean(true));
  EXPECT_EQ(Eval(esc, {Value::String("axb"), Value::String("a!_b")}), Value::Boolean(false));
  EXPECT_TRUE(Eval(like, {Value::Null(), Value::String("%")}).is_null());
}

TEST(ExpressionTest, InAndBetween) {
  auto in = Call("IN", kBool, {Col(0, kInt), Int(11), Null(), Col(1, kInt)});
  EXPECT_EQ(Eval(in, {Value::Integer(10), Value::Integer(10)}), Value::Boolean(true));
  EXPECT_TRUE(Eval(in, {Value::Integer(10), Value::Integer(9)}).is_null());
  auto in2 = Call("IN", kBool, {Col(0, kInt), Int(1), Dec("2.0", 2, 1)});
  EXPECT_EQ(Eval(in2, {Value::Integer(2)}), Value::Boolean(true));
  EXPECT_EQ(Eval(in2, {Value::Integer(3)}), Value::Boolean(false));
  auto between = Call("BETWEEN", kBool, {Col(0, kInt), Int(2), Int(4)});
  EXPECT_EQ(Eval(between, {Value::Integer(2)}), Value::Boolean(true));
  EXPECT_EQ(Eval(between, {Value::Integer(5)}), Value::Boolean(false));
  EXPECT_EQ(Eval(between, {Value::Null()}), Value::Boolean(false));
  auto sb = Call("BETWEEN", kBool, {Col(0, kStr), Str("b"), Str("c")});
  EXPECT_EQ(Eval(sb, {Value::String("ba")}), Value::Boolean(true));
  EXPECT_EQ(Eval(sb, {Value::String("a")}), Value::Boolean(false));
}

TEST(ExpressionTest, CaseTakesFirstTrueBranch) {
  skein::v1::Expr e;
  *e.mutable_type() = ToProto(kStr);
  auto* c = e.mutable_case_expr();
  *c->add_when() = Call("<", kBool, {Col(0, kInt), Int(0)});
  *c->add_then() = Str("neg");
  *c->add_when() = Call("=", kBool, {Col(0, kInt), Int(0)});
  *c->add_then() = Str("zero");
  EXPECT_EQ(Eval(e, {Value::Integer(-3)}), Value::String("neg"));
  EXPECT_EQ(Eval(e, {Value::Integer(0)}), Value::String("zero"));
  EXPECT_TRUE(Eval(e, {Value::Integer(3)}).is_null());
  EXPECT_TRUE(Eval(e, {Value::Null()}).is_null());  // NULL condition is not true
  *c->mutable_else_expr() = Str("pos");
  EXPECT_EQ(Eval(e, {Value::Integer(3)}), Value::String("pos"));
}

TEST(ExpressionTest, ArraySubscriptsAreOneBasedWithNegativeFromEnd) {
  SqlType arr = SqlType::Array(kInt);
  auto at = [&](int32_t i) {
    return Eval(Call("SUBSCRIPT", kInt, {Col(0, arr), Int(i)}),
                {Value::Array({Value::Integer(10), Value::Integer(20), Value::Integer(30)})});
  };
  EXPECT_EQ(at(1), Value::Integer(10));
  EXPECT_EQ(at(3), Value::Integer(30));
  EXPECT_EQ(at(-1), Value::Integer(30));
  EXPECT_EQ(at(-3), Value::Integer(10));
  EXPECT_TRUE(at(0).is_null());
  EXPECT_TRUE(at(4).is_null());
  EXPECT_TRUE(at(-4).is_null());
  // Nested: col0[1][2] with a NULL inner array.
  SqlType nested = SqlType::Array(arr);
  auto e = Call("SUBSCRIPT", kInt, {Call("SUBSCRIPT", arr, {Col(0, nested), Int(1)}), Int(2)});
  EXPECT_EQ(Eval(e, {Value::Array({Value::Array({Value::Integer(0), Value::Integer(1)})})}),
            Value::Integer(1));
  EXPECT_TRUE(Eval(e, {Value::Array({Value::Null()})}).is_null());
  EXPECT_TRUE(Eval(e, {Value::Null()}).is_null());
}

TEST(ExpressionTest, MapSubscriptAndStructDeref) {
  SqlType map = SqlType::Map(kStr, kInt);
  Value m = Value::Map({{Value::String("expected"), Value::Integer(10)}});
  EXPECT_EQ(Eval(Call("SUBSCRIPT", kInt, {Col(0, map), Str("expected")}), {m}), Value::Integer(10));
  EXPECT_TRUE(Eval(Call("SUBSCRIPT", kInt, {Col(0, map), Str("missing")}), {m}).is_null());
  SqlType person = SqlType::Struct({{"Name", kStr}});
  SqlType outer = SqlType::Struct({{"Person", person}});
  auto deref =
      Call("DEREF", kStr, {Call("DEREF", person, {Col(0, outer), Str("Person")}), Str("Name")});
  EXPECT_EQ(Eval(deref, {Value::Struct({Value::Struct({Value::String("George")})})}),
            Value::String("George"));
  EXPECT_TRUE(Eval(deref, {Value::Null()}).is_null());
  EXPECT_FALSE(CompiledExpr::Compile(Call("DEREF", kStr, {Col(0, outer), Str("Nope")})).ok());
}

TEST(ExpressionTest, Constructors) {
  SqlType arr = SqlType::Array(kInt);
  EXPECT_EQ(Eval(Call("ARRAY", arr, {Int(10), Int(20)})),
            Value::Array({Value::Integer(10), Value::Integer(20)}));
  SqlType map = SqlType::Map(kStr, kInt);
  EXPECT_EQ(Eval(Call("MAP", map, {Str("a"), Int(1), Str("a"), Int(2)})),
            Value::Map({{Value::String("a"), Value::Integer(2)}}));
  SqlType st = SqlType::Struct({{"A", kInt}, {"B", kStr}});
  EXPECT_EQ(Eval(Call("STRUCT", st, {Int(1), Str("x")})),
            Value::Struct({Value::Integer(1), Value::String("x")}));
}

TEST(ExpressionTest, LambdasTransformFilterReduce) {
  SqlType arr = SqlType::Array(kInt);
  Value input = Value::Array({Value::Integer(1), Value::Integer(2), Value::Integer(3)});
  auto transform =
      Call("TRANSFORM", arr, {Col(0, arr), Lambda(1, Call("*", kInt, {Arg(0, kInt), Int(10)}))});
  EXPECT_EQ(Eval(transform, {input}),
            Value::Array({Value::Integer(10), Value::Integer(20), Value::Integer(30)}));
  auto filter =
      Call("FILTER", arr, {Col(0, arr), Lambda(1, Call(">", kBool, {Arg(0, kInt), Int(1)}))});
  EXPECT_EQ(Eval(filter, {input}), Value::Array({Value::Integer(2), Value::Integer(3)}));
  auto reduce =
      Call("REDUCE", kInt,
           {Col(0, arr), Int(0), Lambda(2, Call("+", kInt, {Arg(0, kInt), Arg(1, kInt)}))});
  EXPECT_EQ(Eval(reduce, {input}), Value::Integer(6));
  EXPECT_TRUE(Eval(transform, {Value::Null()}).is_null());

  // Map TRANSFORM with a key lambda and a value lambda.
  SqlType map = SqlType::Map(kStr, kInt);
  auto mt = Call("TRANSFORM", map,
                 {Col(0, map), Lambda(2, Call("UCASE", kStr, {Arg(0, kStr)})),
                  Lambda(2, Call("+", kInt, {Arg(1, kInt), Int(1)}))});
  EXPECT_EQ(Eval(mt, {Value::Map({{Value::String("a"), Value::Integer(1)}})}),
            Value::Map({{Value::String("A"), Value::Integer(2)}}));

  // Nested lambdas see the outer parameter: TRANSFORM(a, x => TRANSFORM(b, y => x + y)).
  SqlType arr2 = SqlType::Array(arr);
  auto nested = Call(
      "TRANSFORM", arr2,
      {Col(0, arr),
       Lambda(1, Call("TRANSFORM", arr,
                      {Col(1, arr), Lambda(1, Call("+", kInt, {Arg(0, kInt), Arg(1, kInt)}))}))});
  Value out = Eval(nested, {Value::Array({Value::Integer(1), Value::Integer(2)}),
                            Value::Array({Value::Integer(10), Value::Integer(20)})});
  EXPECT_EQ(out, Value::Array({Value::Array({Value::Integer(11), Value::Integer(21)}),
                               Value::Array({Value::Integer(12), Value::Integer(22)})}));
}

TEST(ExpressionTest, CoalesceAndIfNullAreLazy) {
  auto e = Call("COALESCE", kInt, {Col(0, kInt), Col(1, kInt), Int(7)});
  EXPECT_EQ(Eval(e, {Value::Null(), Value::Integer(2)}), Value::Integer(2));
  EXPECT_EQ(Eval(e, {Value::Null(), Value::Null()}), Value::Integer(7));
  // The division by zero is never evaluated.
  auto lazy = Call("IFNULL", kInt, {Int(1), Call("/", kInt, {Int(1), Int(0)})});
  EvalResult r = Evaluate(lazy);
  EXPECT_EQ(r.value, Value::Integer(1));
  EXPECT_TRUE(r.error.empty());
}

TEST(ExpressionTest, MalformedPlansAreRejectedAtCompileTime) {
  EXPECT_FALSE(CompiledExpr::Compile(Call("NO_SUCH_FN", kInt, {Int(1)})).ok());
  EXPECT_FALSE(CompiledExpr::Compile(Col(5, kInt), /*row_width=*/2).ok());
  EXPECT_FALSE(CompiledExpr::Compile(Call("+", kInt, {Int(1)})).ok());
  EXPECT_FALSE(CompiledExpr::Compile(Call("SUBSCRIPT", kInt, {Int(1), Int(1)})).ok());
}

}  // namespace
}  // namespace skein::runtime
