// The stores each compiled stage declares (proto::StageStateStores: what the coordinator
// creates changelog topics for and the executor restores) and the processing guarantee a plan
// resolves to, on plans the compiler produces from SQL.

#include "skein/proto/state_stores.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "compile_sql.h"
#include "skein/compiler/compiler.h"
#include "skein/proto/topics.h"

namespace skein::compiler {
namespace {

using proto::StoreKind;
using Stores = std::vector<std::pair<std::string, StoreKind>>;

constexpr char kSources[] =
    "CREATE STREAM VIEWS (USER_ID STRING KEY, PRODUCT_ID STRING, VIEW_MS BIGINT) "
    "WITH (kafka_topic='views', format='JSON', partitions=4);"
    "CREATE TABLE USERS (ID STRING PRIMARY KEY, TIER STRING) "
    "WITH (kafka_topic='users', format='JSON', partitions=4);";

v1::PhysicalPlan Plan(Compiler& c, const std::string& sql) {
  absl::StatusOr<StatementResult> r = RunSql(c, sql);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok() || !r->plan) return v1::PhysicalPlan();
  return *r->plan;
}

// Stores of every stage, in stage order.
std::vector<Stores> StoresOf(const v1::PhysicalPlan& plan) {
  std::vector<Stores> out;
  for (const v1::Stage& stage : plan.stages()) {
    Stores s;
    for (const proto::StateStoreSpec& spec : proto::StageStateStores(stage)) {
      s.emplace_back(spec.name, spec.kind);
    }
    out.push_back(std::move(s));
  }
  return out;
}

TEST(StateStoresTest, WindowedAggregateHasAWindowStoreAndItsClocksAfterTheRepartition) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  const v1::PhysicalPlan plan =
      Plan(c,
           "CREATE TABLE T AS SELECT USER_ID, PRODUCT_ID, SUM(VIEW_MS) AS S FROM VIEWS "
           "WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY USER_ID, PRODUCT_ID EMIT CHANGES;");
  EXPECT_EQ(
      StoresOf(plan),
      (std::vector<Stores>{
          {}, {{"aggregate", StoreKind::kWindow}, {"aggregate-meta", StoreKind::kKeyValue}}}));
  EXPECT_EQ(proto::ProcessingGuarantee(plan), proto::kExactlyOnceV2);
  EXPECT_EQ(proto::ChangelogTopic("acme", plan.query_id(), 1, "aggregate"),
            "_skein-acme-" + plan.query_id() + "-1-aggregate-changelog");
}

TEST(StateStoresTest, SessionsTableInputsAndEmitFinalEachAddTheirStore) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  EXPECT_EQ(StoresOf(Plan(c,
                          "CREATE TABLE S AS SELECT USER_ID, COUNT(*) AS N FROM VIEWS "
                          "WINDOW SESSION (5 MINUTES) GROUP BY USER_ID EMIT CHANGES;")),
            (std::vector<Stores>{
                {{"aggregate", StoreKind::kSession}, {"aggregate-meta", StoreKind::kKeyValue}}}));
  EXPECT_EQ(StoresOf(Plan(c,
                          "CREATE TABLE F AS SELECT USER_ID, COUNT(*) AS N FROM VIEWS "
                          "WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY USER_ID EMIT FINAL;")),
            (std::vector<Stores>{{{"aggregate", StoreKind::kWindow},
                                  {"suppress", StoreKind::kKeyValue},
                                  {"aggregate-meta", StoreKind::kKeyValue}}}));
  const std::vector<Stores> by_tier = StoresOf(
      Plan(c, "CREATE TABLE BY_TIER AS SELECT TIER, COUNT(*) AS N FROM USERS GROUP BY TIER;"));
  ASSERT_EQ(by_tier.size(), 2u);
  EXPECT_EQ(by_tier[0], (Stores{{"group-by-input", StoreKind::kKeyValue}}));
  EXPECT_EQ(by_tier[1], (Stores{{"aggregate", StoreKind::kKeyValue},
                                {"aggregate-meta", StoreKind::kKeyValue}}));
}

TEST(StateStoresTest, StreamTableJoinMaterializesTheTableSide) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  const v1::PhysicalPlan plan =
      Plan(c,
           "CREATE STREAM E AS SELECT V.USER_ID, V.VIEW_MS, U.TIER FROM VIEWS V "
           "JOIN USERS U ON V.USER_ID = U.ID EMIT CHANGES;");
  const std::vector<Stores> stores = StoresOf(plan);
  ASSERT_EQ(stores.size(), 1u);
  ASSERT_EQ(stores[0].size(), 1u);
  EXPECT_TRUE(stores[0][0].first.ends_with("-T")) << stores[0][0].first;
  EXPECT_EQ(stores[0][0].second, StoreKind::kKeyValue);
}

TEST(StateStoresTest, GuaranteeIsAtLeastOnceWithoutStateOrWhenSetAndEmptyWhenUnknown) {
  Compiler c;
  ASSERT_TRUE(RunSql(c, kSources).ok());
  const v1::PhysicalPlan filter =
      Plan(c, "CREATE STREAM LONG_VIEWS AS SELECT * FROM VIEWS WHERE VIEW_MS > 100;");
  EXPECT_EQ(StoresOf(filter), (std::vector<Stores>{{}}));
  EXPECT_EQ(proto::ProcessingGuarantee(filter), proto::kAtLeastOnce);
  const v1::PhysicalPlan alo =
      Plan(c,
           "SET 'processing.guarantee'='at_least_once';"
           "CREATE TABLE C AS SELECT USER_ID, COUNT(*) AS N FROM VIEWS GROUP BY USER_ID;");
  EXPECT_EQ(proto::ProcessingGuarantee(alo), proto::kAtLeastOnce);
  const v1::PhysicalPlan bad =
      Plan(c,
           "SET 'processing.guarantee'='exactly_twice';"
           "CREATE TABLE D AS SELECT USER_ID, COUNT(*) AS N FROM VIEWS GROUP BY USER_ID;");
  EXPECT_EQ(proto::ProcessingGuarantee(bad), "");
}

}  // namespace
}  // namespace skein::compiler
