// Plans cross gRPC as bytes: the deepest statement the SQL parser accepts must parse back on
// the executor (protobuf's default recursion limit of 100 is too low for it).

#include "skein/proto/plan_bytes.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "compile_sql.h"
#include "skein/compiler/compiler.h"

namespace skein::compiler {
namespace {

TEST(PlanBytesTest, DeeplyNestedExpressionsRoundTrip) {
  std::string expr = "NAME";
  for (int i = 0; i < 90; ++i) expr = absl::StrCat("UCASE(", expr, ")");
  Compiler c("default");
  ASSERT_TRUE(RunSql(c,
                     "CREATE STREAM S (ID STRING KEY, NAME STRING) WITH "
                     "(kafka_topic='s', format='JSON', partitions=1);")
                  .ok());
  absl::StatusOr<StatementResult> r =
      RunSql(c, absl::StrCat("CREATE STREAM T AS SELECT ID, ", expr, " AS N FROM S;"));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->plan.has_value());
  const std::string bytes = r->plan->SerializeAsString();
  v1::PhysicalPlan default_limit;
  EXPECT_FALSE(default_limit.ParseFromString(bytes)) << "the case must exceed protobuf's default";
  absl::StatusOr<v1::PhysicalPlan> parsed = proto::ParsePlan(bytes, "the plan");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->SerializeAsString(), bytes);
}

TEST(PlanBytesTest, GarbageIsInvalidArgumentNamingWhat) {
  absl::StatusOr<v1::PhysicalPlan> parsed = proto::ParsePlan("\xff\xff\xff", "the plan");
  ASSERT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message(), "the plan does not parse");
}

}  // namespace
}  // namespace skein::compiler
