#include <cmath>

#include "gtest/gtest.h"
#include "plan_builder.h"
#include "skein/runtime/function_registry.h"
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

Value S(const char* s) { return Value::String(s); }

TEST(StringFunctionsTest, Substring) {
  auto sub2 = Call("SUBSTRING", kStr, {Col(0, kStr), Col(1, kInt)});
  auto sub3 = Call("SUBSTRING", kStr, {Col(0, kStr), Col(1, kInt), Col(2, kInt)});
  EXPECT_EQ(Eval(sub2, {S("some_string"), Value::Integer(6)}), S("string"));
  EXPECT_EQ(Eval(sub2, {S("short"), Value::Integer(6)}), S(""));
  EXPECT_EQ(Eval(sub3, {S("some_string"), Value::Integer(6), Value::Integer(3)}), S("str"));
  EXPECT_EQ(Eval(sub3, {S("MiXeD"), Value::Integer(2), Value::Integer(5)}), S("iXeD"));
  EXPECT_EQ(Eval(sub3, {S("some string"), Value::Integer(0), Value::Integer(2)}), S("so"));
  EXPECT_EQ(Eval(sub2, {S("abcdef"), Value::Integer(-2)}), S("ef"));
  EXPECT_TRUE(Eval(sub2, {S("abc"), Value::Null()}).is_null());
}

TEST(StringFunctionsTest, CaseTrimLenInitcapConcatWs) {
  EXPECT_EQ(Eval(Call("UCASE", kStr, {Str("MiXeD")})), S("MIXED"));
  EXPECT_EQ(Eval(Call("LCASE", kStr, {Str("MiXeD")})), S("mixed"));
  EXPECT_EQ(Eval(Call("TRIM", kStr, {Str("  x y \t")})), S("x y"));
  EXPECT_EQ(Eval(Call("LEN", kInt, {Str("héllo")})), Value::Integer(5));
  EXPECT_EQ(Eval(Call("INITCAP", kStr, {Str("the QUICK brown")})), S("The Quick Brown"));
  auto ws = Call("CONCAT_WS", kStr, {Col(0, kStr), Col(1, kStr), Col(2, kStr), Str("literal")});
  EXPECT_EQ(Eval(ws, {S("SEP"), S("foo"), Value::Null()}), S("fooSEPliteral"));
  EXPECT_TRUE(Eval(ws, {Value::Null(), S("foo"), S("bar")}).is_null());
  EXPECT_EQ(Eval(Call("REPLACE", kStr, {Str("aXbXc"), Str("X"), Str("--")})), S("a--b--c"));
  EXPECT_EQ(Eval(Call("SPLIT", SqlType::Array(kStr), {Str("a,b,,c"), Str(",")})),
            Value::Array({S("a"), S("b"), S(""), S("c")}));
  EXPECT_EQ(Eval(Call("LPAD", kStr, {Str("7"), Int(3), Str("0")})), S("007"));
}

TEST(MathFunctionsTest, AbsCeilFloorSign) {
  EXPECT_EQ(Eval(Call("ABS", kInt, {Int(-3)})), Value::Integer(3));
  EXPECT_EQ(Eval(Call("ABS", kDbl, {Dbl(-3.1)})), Value::Double(3.1));
  SqlType d21 = SqlType::Decimal(2, 1);
  EXPECT_EQ(Eval(Call("ABS", d21, {Dec("-3.2", 2, 1)})), Value::Decimal(32, 1));
  EXPECT_EQ(Eval(Call("CEIL", kDbl, {Dbl(1.1)})), Value::Double(2.0));
  EXPECT_EQ(Eval(Call("FLOOR", kDbl, {Dbl(-1.1)})), Value::Double(-2.0));
  EXPECT_EQ(Eval(Call("CEIL", d21, {Dec("1.1", 2, 1)})), Value::Decimal(20, 1));
  EXPECT_EQ(Eval(Call("FLOOR", d21, {Dec("-1.1", 2, 1)})), Value::Decimal(-20, 1));
  EXPECT_EQ(Eval(Call("SIGN", kInt, {Dbl(-3.0)})), Value::Integer(-1));
  EXPECT_TRUE(Eval(Call("ABS", kInt, {Col(0, kInt)}), {Value::Null()}).is_null());
}

TEST(MathFunctionsTest, RoundAndTrunc) {
  auto r0 = [](double v) { return Eval(Call("ROUND", kBig, {Dbl(v)})); };
  EXPECT_EQ(r0(1.5), Value::Bigint(2));
  EXPECT_EQ(r0(1.2), Value::Bigint(1));
  EXPECT_EQ(r0(-1.5), Value::Bigint(-1));  // Math.round: half towards +infinity
  auto rn = [](double v, int n) { return Eval(Call("ROUND", kDbl, {Dbl(v), Int(n)})); };
  EXPECT_EQ(rn(1.25, 1), Value::Double(1.3));
  EXPECT_EQ(rn(1.2, 10), Value::Double(1.2));
  EXPECT_EQ(rn(1.2, -1), Value::Double(0.0));
  EXPECT_EQ(rn(15.0, -1), Value::Double(20.0));
  // Ties go towards positive infinity for negative values too (ksqlDB's ROUND).
  EXPECT_EQ(rn(-1.5, 0), Value::Double(-1.0));
  EXPECT_EQ(rn(-1.25, 1), Value::Double(-1.2));
  EXPECT_EQ(rn(-1.26, 1), Value::Double(-1.3));
  SqlType d3316 = SqlType::Decimal(33, 16);
  std::string big = "12345678987654321.2345678987654321";
  Value r2 = Eval(Call("ROUND", d3316, {Dec(big, 33, 16), Int(2)}));
  EXPECT_EQ(types::FormatDecimal(r2.decimal_unscaled(), r2.decimal_scale()),
            "12345678987654321.2300000000000000");
  Value rm1 = Eval(Call("ROUND", d3316, {Dec(big, 33, 16), Int(-1)}));
  EXPECT_EQ(types::FormatDecimal(rm1.decimal_unscaled(), rm1.decimal_scale()),
            "12345678987654320.0000000000000000");
  EXPECT_EQ(Eval(Call("TRUNC", kBig, {Dbl(1.7)})), Value::Bigint(1));
  EXPECT_EQ(Eval(Call("TRUNC", kDbl, {Dbl(1.77), Int(1)})), Value::Double(1.7));
}

TEST(MathFunctionsTest, TranscendentalEdgeCases) {
  EXPECT_TRUE(std::isnan(Eval(Call("LN", kDbl, {Int(-1)})).dbl()));
  EXPECT_EQ(Eval(Call("LN", kDbl, {Int(0)})),
            Value::Double(-std::numeric_limits<double>::infinity()));
  EXPECT_EQ(Eval(Call("LOG", kDbl, {Int(1)})), Value::Double(0.0));
  EXPECT_EQ(Eval(Call("LOG", kDbl, {Int(13)})), Value::Double(std::log(13.0)));  // natural
  EXPECT_EQ(Eval(Call("LOG", kDbl, {Int(10), Int(100)})), Value::Double(2.0));
  EXPECT_TRUE(std::isnan(Eval(Call("LOG", kDbl, {Int(1), Int(13)})).dbl()));
  EXPECT_TRUE(std::isnan(Eval(Call("LOG", kDbl, {Int(0), Int(13)})).dbl()));
  EXPECT_EQ(Eval(Call("SQRT", kDbl, {Int(4)})), Value::Double(2.0));
  EXPECT_EQ(Eval(Call("CBRT", kDbl, {Int(-8)})), Value::Double(-2.0));
  EXPECT_EQ(Eval(Call("POWER", kDbl, {Int(15), Int(-1)})), Value::Double(1.0 / 15));
  EXPECT_EQ(Eval(Call("COT", kDbl, {Int(0)})),
            Value::Double(std::numeric_limits<double>::infinity()));
  EXPECT_EQ(Eval(Call("PI", kDbl, {})), Value::Double(3.141592653589793));
}

TEST(MathFunctionsTest, GreatestLeastNullIf) {
  EXPECT_EQ(Eval(Call("GREATEST", kInt, {Int(1), Null(), Int(5), Int(3)})), Value::Integer(5));
  EXPECT_EQ(Eval(Call("LEAST", kInt, {Int(4), Int(2)})), Value::Integer(2));
  EXPECT_TRUE(Eval(Call("NULLIF", kInt, {Int(10), Int(10)})).is_null());
  EXPECT_EQ(Eval(Call("NULLIF", kInt, {Int(1), Int(10)})), Value::Integer(1));
}

TEST(DateTimeFunctionsTest, FormatAndParseTimestamps) {
  auto fmt = Call("TIMESTAMPTOSTRING", kStr, {Col(0, kBig), Str("yyyy-MM-dd HH:mm:ss.SSS")});
  EXPECT_EQ(Eval(fmt, {Value::Bigint(1526075913000)}), S("2018-05-11 21:58:33.000"));
  auto fmt_tz =
      Call("FORMAT_TIMESTAMP", kStr,
           {Col(0, SqlType::Timestamp()), Str("yyyy-MM-dd'T'HH:mm:ssXXX"), Str("+05:30")});
  EXPECT_EQ(Eval(fmt_tz, {Value::Timestamp(1526075913000)}), S("2018-05-12T03:28:33+05:30"));
  auto parse = Call("STRINGTOTIMESTAMP", kBig, {Col(0, kStr), Str("yyyy-MM-dd'T'HH:mm:ssX")});
  EXPECT_EQ(Eval(parse, {S("2018-05-11T21:58:33Z")}), Value::Bigint(1526075913000));
  auto parse_ts =
      Call("PARSE_TIMESTAMP", SqlType::Timestamp(), {Col(0, kStr), Str("yyyy-MM-dd'T'HH:mm:ss")});
  EXPECT_EQ(Eval(parse_ts, {S("2019-05-11T21:58:33")}), Value::Timestamp(1557611913000));
  EvalResult bad = Evaluate(parse_ts, {S("not a time")});
  EXPECT_TRUE(bad.value.is_null());
  EXPECT_FALSE(bad.error.empty());
}

TEST(DateTimeFunctionsTest, RegionTimeZonesFromTheTzDatabase) {
  auto fmt =
      Call("TIMESTAMPTOSTRING", kStr, {Col(0, kBig), Str("yyyy-MM-dd HH:mm:ss zzz"), Col(1, kStr)});
  EXPECT_EQ(Eval(fmt, {Value::Bigint(1526075913000), S("America/Los_Angeles")}),
            S("2018-05-11 14:58:33 PDT"));
  EXPECT_EQ(Eval(fmt, {Value::Bigint(1526075913000), S("Europe/London")}),
            S("2018-05-11 22:58:33 BST"));
  EXPECT_EQ(Eval(fmt, {Value::Bigint(1515715200000), S("America/Los_Angeles")}),
            S("2018-01-11 16:00:00 PST"));
  EvalResult bad = Evaluate(fmt, {Value::Bigint(0), S("Mars/Olympus_Mons")});
  EXPECT_TRUE(bad.value.is_null());
  EXPECT_EQ(bad.error, "Unknown time-zone ID: Mars/Olympus_Mons");
  EXPECT_TRUE(Evaluate(fmt, {Value::Bigint(0), S("../../etc/passwd")}).value.is_null());
  // "PST" in the text means the Los Angeles region: daylight time in May.
  auto parse = Call("PARSE_TIMESTAMP", SqlType::Timestamp(),
                    {Col(0, kStr), Str("yyyy-MM-dd'T'HH:mm:ss zzz")});
  EXPECT_EQ(Eval(parse, {S("2018-05-11T21:58:33 PST")}), Value::Timestamp(1526101113000));
  auto parse_in = Call("STRINGTOTIMESTAMP", kBig,
                       {Col(0, kStr), Str("yyyy-MM-dd HH:mm:ss"), Str("America/New_York")});
  EXPECT_EQ(Eval(parse_in, {S("2018-05-11 17:58:33")}), Value::Bigint(1526075913000));
}

TEST(DateTimeFunctionsTest, Dates) {
  auto parse = Call("PARSE_DATE", SqlType::Date(), {Col(0, kStr), Str("yyyy-MM-dd")});
  EXPECT_EQ(Eval(parse, {S("2003-12-24")}), Value::Date(12410));
  EXPECT_TRUE(Eval(parse, {S("2004")}).is_null());
  EXPECT_EQ(Eval(parse, {S("2003-12-24-01-01")}), Value::Date(12410));  // trailing text ignored
  auto fmt = Call("FORMAT_DATE", kStr, {Col(0, SqlType::Date()), Str("dd/MM/yyyy EEE")});
  EXPECT_EQ(Eval(fmt, {Value::Date(12410)}), S("24/12/2003 Wed"));
  auto md = Call("PARSE_DATE", SqlType::Date(), {Col(0, kStr), Str("MMM d, yyyy")});
  EXPECT_EQ(Eval(md, {S("Dec 24, 2003")}), Value::Date(12410));
}

TEST(JsonFunctionsTest, ExtractJsonField) {
  auto ex = [](const char* json, const char* path) {
    return Eval(Call("EXTRACTJSONFIELD", kStr, {Col(0, kStr), Str(path)}), {S(json)});
  };
  const char* doc = R"({"name": "cdc", "version": "1", "@type": "UDF", "n": 1.23450,
                        "arr": [1, {"a": [true, null]}], "obj": {"x": 1, "y": "z"}})";
  EXPECT_EQ(ex(doc, "$.name"), S("cdc"));
  EXPECT_EQ(ex(doc, "$.@type"), S("UDF"));
  EXPECT_EQ(ex(doc, "$.n"), S("1.23450"));
  EXPECT_EQ(ex(doc, "$.arr[0]"), S("1"));
  EXPECT_EQ(ex(doc, "$.arr[1].a"), S("[true,null]"));
  EXPECT_EQ(ex(doc, "$.obj"), S(R"({"x":1,"y":"z"})"));
  EXPECT_TRUE(ex(doc, "$.arr[-1]").is_null());
  EXPECT_TRUE(ex(doc, "$.arr[5]").is_null());
  EXPECT_TRUE(ex(doc, "$.missing").is_null());
  EXPECT_TRUE(ex(doc, "$.arr[1].a[1]").is_null());
  EXPECT_TRUE(ex("{not json", "$.a").is_null());
}

TEST(CollectionFunctionsTest, ArraysAndMaps) {
  SqlType arr = SqlType::Array(kInt);
  Value a = Value::Array({Value::Integer(3), Value::Null(), Value::Integer(1)});
  EXPECT_EQ(Eval(Call("ARRAY_LENGTH", kInt, {Col(0, arr)}), {a}), Value::Integer(3));
  EXPECT_EQ(Eval(Call("ARRAY_CONTAINS", kBool, {Col(0, arr), Int(1)}), {a}), Value::Boolean(true));
  EXPECT_EQ(Eval(Call("ARRAY_CONTAINS", kBool, {Col(0, arr), Int(2)}), {a}), Value::Boolean(false));
  EXPECT_EQ(Eval(Call("ARRAY_SORT", arr, {Col(0, arr)}), {a}),
            Value::Array({Value::Integer(1), Value::Integer(3), Value::Null()}));
  EXPECT_EQ(Eval(Call("ARRAY_SORT", arr, {Col(0, arr), Str("desc")}), {a}),
            Value::Array({Value::Integer(3), Value::Integer(1), Value::Null()}));
  SqlType map = SqlType::Map(kStr, kInt);
  Value m = Value::Map({{S("b"), Value::Integer(2)}, {S("a"), Value::Integer(1)}});
  EXPECT_EQ(Eval(Call("MAP_KEYS", SqlType::Array(kStr), {Col(0, map)}), {m}),
            Value::Array({S("b"), S("a")}));
  SqlType entry = SqlType::Struct({{"K", kStr}, {"V", kInt}});
  EXPECT_EQ(Eval(Call("ENTRIES", SqlType::Array(entry), {Col(0, map), Bool(true)}), {m}),
            Value::Array({Value::Struct({S("a"), Value::Integer(1)}),
                          Value::Struct({S("b"), Value::Integer(2)})}));
  EXPECT_EQ(Eval(Call("GENERATE_SERIES", arr, {Int(1), Int(5), Int(2)})),
            Value::Array({Value::Integer(1), Value::Integer(3), Value::Integer(5)}));
}

TEST(FunctionRegistryTest, BuiltinsCoverConformanceNames) {
  const FunctionRegistry& r = FunctionRegistry::Builtins();
  for (const char* name : {"ROUND",
                           "SUBSTRING",
                           "EXTRACTJSONFIELD",
                           "ABS",
                           "TRUNC",
                           "LEN",
                           "IFNULL" /* compiled inline */,
                           "ARRAY_LENGTH",
                           "INITCAP",
                           "TRIM",
                           "ACOS",
                           "LOG",
                           "ENTRIES",
                           "PARSE_DATE",
                           "MAP_KEYS",
                           "CONCAT_WS",
                           "TIMESTAMPTOSTRING",
                           "FORMAT_TIMESTAMP",
                           "ARRAY_CONTAINS",
                           "PARSE_TIMESTAMP",
                           "STRINGTOTIMESTAMP",
                           "MAP_UNION",
                           "NULLIF"}) {
    if (std::string(name) == "IFNULL") continue;
    EXPECT_TRUE(r.HasScalar(name)) << name;
  }
  EXPECT_TRUE(r.FindTable("EXPLODE").ok());
  EXPECT_FALSE(r.FindTable("NOPE").ok());
}

}  // namespace
}  // namespace skein::runtime
