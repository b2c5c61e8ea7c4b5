#include "skein/functions/registry.h"

#include <gtest/gtest.h>

namespace skein::functions {
namespace {

using types::SqlType;

const FunctionRegistry& R() { return FunctionRegistry::Default(); }

TEST(RegistryTest, ResolvesExactOverload) {
  auto r = R().Resolve("substring", {SqlType::String(), SqlType::Integer(), SqlType::Integer()});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->name, "SUBSTRING");
  EXPECT_EQ(r->return_type, SqlType::String());
  EXPECT_EQ(r->Key(), "SUBSTRING(STRING, INTEGER, INTEGER)");
  EXPECT_EQ(r->overload, 1);
}

TEST(RegistryTest, WidensNumbersToTheClosestOverload) {
  auto r = R().Resolve("ABS", {SqlType::Integer()});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->return_type, SqlType::Integer());
  auto sqrt = R().Resolve("SQRT", {SqlType::Integer()});
  ASSERT_TRUE(sqrt.ok());
  EXPECT_EQ(sqrt->param_types[0], SqlType::Double());
  EXPECT_EQ(sqrt->return_type, SqlType::Double());
}

TEST(RegistryTest, RoundDecimalDropsScale) {
  auto r = R().Resolve("ROUND", {SqlType::Decimal(33, 16)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->return_type.ToString(), "DECIMAL(17, 0)");
  auto r2 = R().Resolve("ROUND", {SqlType::Decimal(33, 16), SqlType::Integer()});
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->return_type, SqlType::Decimal(33, 16));
  auto d = R().Resolve("ROUND", {SqlType::Double()});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->return_type, SqlType::Bigint());
}

TEST(RegistryTest, GenericsBindAndWiden) {
  auto r = R().Resolve("IFNULL", {SqlType::Integer(), SqlType::Bigint()});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->return_type, SqlType::Bigint());
  EXPECT_EQ(r->param_types[0], SqlType::Bigint());
  auto keys = R().Resolve("MAP_KEYS", {SqlType::Map(SqlType::String(), SqlType::Double())});
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->return_type, SqlType::Array(SqlType::String()));
  auto c = R().Resolve("COALESCE", {std::nullopt, SqlType::String(), SqlType::String()});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->return_type, SqlType::String());
  EXPECT_EQ(c->param_types.size(), 3u);
  EXPECT_EQ(c->param_types[0], SqlType::String());
}

TEST(RegistryTest, ErrorsAreWordedAsKsqlDb) {
  auto unknown = R().Resolve("WONT_FIND_ME", {});
  EXPECT_EQ(unknown.status().message(), "Can't find any functions with the name 'WONT_FIND_ME'");
  auto none = R().Resolve("COALESCE", {});
  EXPECT_EQ(none.status().message().substr(0, 50),
            "Function 'COALESCE' does not accept parameters ().");
  auto explode = R().Resolve("EXPLODE", {SqlType::Map(SqlType::String(), SqlType::Integer())});
  EXPECT_EQ(explode.status().message(),
            "Function 'explode' does not accept parameters (MAP<STRING, INTEGER>).\n"
            "Valid alternatives are:\nexplode(ARRAY<DECIMAL> input)\nexplode(ARRAY<T> list)");
}

TEST(RegistryTest, TableAndAggregateKinds) {
  auto e = R().Resolve("EXPLODE", {SqlType::Array(SqlType::Decimal(4, 2))});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->kind, FunctionKind::kTable);
  EXPECT_EQ(e->return_type, SqlType::Decimal(4, 2));
  auto count = R().Resolve("count", {});
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->kind, FunctionKind::kAggregate);
  EXPECT_EQ(count->return_type, SqlType::Bigint());
}

TEST(RegistryTest, EntriesBuildsStructArray) {
  auto e = R().Resolve("ENTRIES",
                       {SqlType::Map(SqlType::String(), SqlType::Integer()), SqlType::Boolean()});
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->return_type.ToString(), "ARRAY<STRUCT<`K` STRING, `V` INTEGER>>");
}

}  // namespace
}  // namespace skein::functions
