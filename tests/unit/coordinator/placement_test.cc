#include "placement.h"

#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace skein::coordinator {
namespace {

using ::testing::HasSubstr;

// Task keys are "<tenant>/<n>".
std::string TenantOf(const std::string& task) { return task.substr(0, task.find('/')); }

std::function<Reservation(const std::string&)> Reservations(
    std::map<std::string, Reservation> by_tenant) {
  return [by_tenant](const std::string& tenant) {
    auto it = by_tenant.find(tenant);
    return it == by_tenant.end() ? Reservation{} : it->second;
  };
}

const std::map<std::string, Capacity> kTwoExecutors = {{"a", {2000, 1 << 30}},
                                                       {"b", {2000, 1 << 30}}};

TEST(PlacementTest, WithoutReservationsNothingMoves) {
  const std::map<std::string, std::string> target = {{"x/0", "a"}, {"x/1", "a"}, {"y/0", "b"}};
  Placement p = FitReservations(target, TenantOf, kTwoExecutors, Reservations({}));
  EXPECT_EQ(p.target, target);
  EXPECT_TRUE(p.unplaced.empty());
}

TEST(PlacementTest, AnOverFullExecutorShedsTheTenantWithFewestTasksThere) {
  // x (3 tasks) and y (1 task) reserve 1500 millicores each: both cannot share one executor.
  const std::map<std::string, std::string> target = {
      {"x/0", "a"}, {"x/1", "a"}, {"x/2", "a"}, {"y/0", "a"}};
  Placement p = FitReservations(target, TenantOf, kTwoExecutors,
                                Reservations({{"x", {1500, 0}}, {"y", {1500, 0}}}));
  const std::map<std::string, std::string> want = {
      {"x/0", "a"}, {"x/1", "a"}, {"x/2", "a"}, {"y/0", "b"}};
  EXPECT_EQ(p.target, want);
  EXPECT_TRUE(p.unplaced.empty());
  // Settled: placing the answer again changes nothing.
  Placement again = FitReservations(p.target, TenantOf, kTwoExecutors,
                                    Reservations({{"x", {1500, 0}}, {"y", {1500, 0}}}));
  EXPECT_EQ(again.target, want);
}

TEST(PlacementTest, MemoryCountsToo) {
  const std::map<std::string, Capacity> small = {{"a", {0, 100 << 20}}, {"b", {0, 100 << 20}}};
  const std::map<std::string, std::string> target = {{"x/0", "a"}, {"y/0", "a"}, {"z/0", "b"}};
  Placement p = FitReservations(
      target, TenantOf, small,
      Reservations({{"x", {0, 64 << 20}}, {"y", {0, 64 << 20}}, {"z", {0, 30 << 20}}}));
  // x leaves a (one task each: ties go by name); b has 70 MiB left, enough for x's 64.
  EXPECT_EQ(p.target.at("x/0"), "b");
  EXPECT_EQ(p.target.at("y/0"), "a");
  EXPECT_EQ(p.target.at("z/0"), "b");
}

TEST(PlacementTest, ATenantGoesWhereItAlreadyRunsWithoutReservingTwice) {
  // b is full with x's and y's reservations, but x already runs there.
  const std::map<std::string, std::string> target = {
      {"x/0", "a"}, {"w/0", "a"}, {"w/1", "a"}, {"x/1", "b"}, {"y/0", "b"}};
  Placement p =
      FitReservations(target, TenantOf, kTwoExecutors,
                      Reservations({{"x", {1000, 0}}, {"y", {1000, 0}}, {"w", {1500, 0}}}));
  EXPECT_EQ(p.target.at("x/0"), "b");
  EXPECT_EQ(p.target.at("w/0"), "a");
  EXPECT_TRUE(p.unplaced.empty());
}

TEST(PlacementTest, ATenantThatFitsNowhereIsUnplacedWithTheReason) {
  const std::map<std::string, std::string> target = {{"big/0", "a"}, {"big/1", "b"}, {"x/0", "a"}};
  Placement p = FitReservations(target, TenantOf, kTwoExecutors,
                                Reservations({{"big", {3000, 0}}, {"x", {500, 0}}}));
  EXPECT_EQ(p.target, (std::map<std::string, std::string>{{"x/0", "a"}}));
  ASSERT_EQ(p.unplaced.size(), 2u);
  EXPECT_THAT(p.unplaced.at("big/0"), HasSubstr("no executor has room for tenant big"));
  EXPECT_THAT(p.unplaced.at("big/1"), HasSubstr("3000 millicores"));
}

TEST(PlacementTest, UnlimitedCapacityNeverSheds) {
  const std::map<std::string, Capacity> unlimited = {{"a", {0, 0}}};
  const std::map<std::string, std::string> target = {{"x/0", "a"}, {"y/0", "a"}};
  Placement p = FitReservations(target, TenantOf, unlimited,
                                Reservations({{"x", {5000, 1 << 30}}, {"y", {5000, 1 << 30}}}));
  EXPECT_EQ(p.target, target);
}

}  // namespace
}  // namespace skein::coordinator
