// Multi-tenancy over real gRPC/TCP with a real broker: two tenants and the platform admin. Every
// Admin and Tenants RPC against the other tenant's objects and topics, and every RPC with a
// revoked, unknown or missing token, must end in PERMISSION_DENIED, NOT_FOUND or
// UNAUTHENTICATED, while each tenant's own calls succeed. Also admission (max queries / tasks)
// and TLS with a self-signed certificate generated here.

#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "skein/v1/admin.grpc.pb.h"
#include "skein/v1/executor.grpc.pb.h"
#include "skein/v1/pull.grpc.pb.h"
#include "skein/v1/rows.grpc.pb.h"
#include "skein/v1/tenants.grpc.pb.h"
#include "support/cluster.h"
#include "support/kafka_io.h"
#include "support/process.h"

namespace skein::testing {
namespace {

using ::testing::HasSubstr;

// Stubs of the coordinator's three services, each call carrying `token` (none when empty).
class Caller {
 public:
  explicit Caller(const std::string& address)
      : channel_(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())),
        admin_(v1::Admin::NewStub(channel_)),
        tenants_(v1::Tenants::NewStub(channel_)),
        control_(v1::ExecutorControl::NewStub(channel_)) {}

  void Prepare(grpc::ClientContext* context, const std::string& token,
               absl::Duration deadline = absl::Seconds(60)) const {
    context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  }

  template <typename Stub, typename Request, typename Response, typename Method>
  grpc::Status Call(Stub* stub, Method method, const std::string& token, const Request& request,
                    Response* response) const {
    grpc::ClientContext context;
    Prepare(&context, token);
    return (stub->*method)(&context, request, response);
  }

  grpc::Status Execute(const std::string& token, const std::string& sql,
                       v1::ExecuteStatementsResponse* out = nullptr,
                       const std::string& tenant = "") const {
    v1::ExecuteStatementsRequest request;
    request.set_tenant(tenant);
    request.set_sql(sql);
    v1::ExecuteStatementsResponse ignored;
    return Call(admin_.get(), &v1::Admin::Stub::ExecuteStatements, token, request,
                out != nullptr ? out : &ignored);
  }

  grpc::Status DescribeQuery(const std::string& token, const std::string& id, v1::QueryView* out,
                             const std::string& tenant = "") const {
    v1::DescribeQueryRequest request;
    request.set_tenant(tenant);
    request.set_query_id(id);
    return Call(admin_.get(), &v1::Admin::Stub::DescribeQuery, token, request, out);
  }

  grpc::Status ListQueries(const std::string& token, v1::ListQueriesResponse* out,
                           const std::string& tenant = "") const {
    v1::ListQueriesRequest request;
    request.set_tenant(tenant);
    return Call(admin_.get(), &v1::Admin::Stub::ListQueries, token, request, out);
  }

  grpc::Status PushQuery(const std::string& token, const std::string& sql,
                         const std::string& tenant) const {
    grpc::ClientContext context;
    Prepare(&context, token, absl::Seconds(30));
    v1::PushQueryRequest request;
    request.set_tenant(tenant);
    request.set_sql(sql);
    auto reader = admin_->PushQuery(&context, request);
    v1::PushQueryMessage message;
    while (reader->Read(&message)) {
    }
    return reader->Finish();
  }

  grpc::Status PullQuery(const std::string& token, const std::string& sql,
                         const std::string& tenant) const {
    grpc::ClientContext context;
    Prepare(&context, token, absl::Seconds(30));
    v1::PullQueryRequest request;
    request.set_tenant(tenant);
    request.set_sql(sql);
    auto reader = admin_->PullQuery(&context, request);
    v1::PullQueryMessage message;
    while (reader->Read(&message)) {
    }
    return reader->Finish();
  }

  grpc::Status Register(const std::string& token) const {
    v1::RegisterRequest request;
    request.mutable_info()->set_id("intruder");
    request.mutable_info()->set_address("127.0.0.1:1");
    v1::RegisterResponse response;
    return Call(control_.get(), &v1::ExecutorControl::Stub::Register, token, request, &response);
  }

  grpc::Status Session(const std::string& token) const {
    grpc::ClientContext context;
    Prepare(&context, token, absl::Seconds(10));
    auto stream = control_->Session(&context);
    v1::ExecutorMessage hello;
    hello.mutable_heartbeat();
    stream->Write(hello);
    stream->WritesDone();
    v1::CoordinatorMessage message;
    while (stream->Read(&message)) {
    }
    return stream->Finish();
  }

  v1::Admin::Stub* admin() const { return admin_.get(); }
  v1::Tenants::Stub* tenants() const { return tenants_.get(); }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Admin::Stub> admin_;
  std::unique_ptr<v1::Tenants::Stub> tenants_;
  std::unique_ptr<v1::ExecutorControl::Stub> control_;
};

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    default:
      return absl::StrCat("code ", static_cast<int>(code));
  }
}

#define EXPECT_CODE(call, code)                               \
  do {                                                        \
    const grpc::Status status_ = (call);                      \
    EXPECT_EQ(CodeName(status_.error_code()), CodeName(code)) \
        << #call << ": " << status_.error_message();          \
  } while (0)

// One named RPC made with a given token; the matrix runs each with several tokens.
struct Rpc {
  std::string name;
  std::function<grpc::Status(const std::string& token)> call;
};

// Every Admin and Tenants RPC aimed at tenant `victim`'s objects and topics (`victim_query` is
// one of its query ids; `topic_suffix` makes this run's topics unique).
std::vector<Rpc> RpcsAgainst(const Caller& c, const std::string& victim,
                             const std::string& victim_query, const std::string& victim_token_id,
                             const std::string& topic_suffix) {
  using A = v1::Admin::Stub;
  using T = v1::Tenants::Stub;
  std::vector<Rpc> rpcs;
  auto add = [&](std::string name, std::function<grpc::Status(const std::string&)> f) {
    rpcs.push_back(Rpc{std::move(name), std::move(f)});
  };
  add("ExecuteStatements(tenant=victim)", [&c, victim](const std::string& t) {
    return c.Execute(t, "SHOW STREAMS;", nullptr, victim);
  });
  add("ExecuteStatements(source over victim topic)",
      [&c, victim, topic_suffix](const std::string& t) {
        return c.Execute(t, absl::StrCat("CREATE STREAM STEAL (V INT) WITH (KAFKA_TOPIC='", victim,
                                         ".clicks-", topic_suffix, "', VALUE_FORMAT='JSON');"));
      });
  add("ExecuteStatements(sink into victim topic)", [&c, victim,
                                                    topic_suffix](const std::string& t) {
    return c.Execute(
        t, absl::StrCat("CREATE STREAM POISON WITH (KAFKA_TOPIC='", victim, ".out-", topic_suffix,
                        "', VALUE_FORMAT='JSON') AS SELECT * FROM KSQL_PROCESSING_LOG;"));
  });
  add("ExecuteStatements(victim processing log)", [&c, victim](const std::string& t) {
    return c.Execute(t, absl::StrCat("CREATE STREAM SPY (REASON STRING) WITH (KAFKA_TOPIC='_skein-",
                                     victim, "-processing-log', VALUE_FORMAT='JSON');"));
  });
  add("ListQueries(tenant=victim)", [&c, victim](const std::string& t) {
    v1::ListQueriesResponse r;
    return c.ListQueries(t, &r, victim);
  });
  add("DescribeQuery(victim query)", [&c, victim_query](const std::string& t) {
    v1::QueryView v;
    return c.DescribeQuery(t, victim_query, &v);
  });
  add("DescribeQuery(tenant=victim)", [&c, victim, victim_query](const std::string& t) {
    v1::QueryView v;
    return c.DescribeQuery(t, victim_query, &v, victim);
  });
  add("TerminateQuery(victim query)", [&c, victim_query](const std::string& t) {
    v1::TerminateQueryRequest r;
    r.set_query_id(victim_query);
    v1::TerminateQueryResponse out;
    return c.Call(c.admin(), &A::TerminateQuery, t, r, &out);
  });
  add("TerminateQuery(tenant=victim)", [&c, victim, victim_query](const std::string& t) {
    v1::TerminateQueryRequest r;
    r.set_tenant(victim);
    r.set_query_id(victim_query);
    v1::TerminateQueryResponse out;
    return c.Call(c.admin(), &A::TerminateQuery, t, r, &out);
  });
  add("PushQuery(tenant=victim)", [&c, victim](const std::string& t) {
    return c.PushQuery(t, "SELECT * FROM KSQL_PROCESSING_LOG EMIT CHANGES LIMIT 1;", victim);
  });
  add("PullQuery(tenant=victim)", [&c, victim](const std::string& t) {
    return c.PullQuery(t, "SELECT * FROM KSQL_PROCESSING_LOG;", victim);
  });
  add("PullQuery(victim table name)",
      [&c](const std::string& t) { return c.PullQuery(t, "SELECT * FROM VICTIM_TOTALS;", ""); });
  add("ListExecutors", [&c](const std::string& t) {
    v1::ListExecutorsResponse r;
    return c.Call(c.admin(), &A::ListExecutors, t, v1::ListExecutorsRequest(), &r);
  });
  add("DescribeExecutor", [&c](const std::string& t) {
    v1::DescribeExecutorRequest r;
    r.set_id("exec-1");
    v1::ExecutorView v;
    return c.Call(c.admin(), &A::DescribeExecutor, t, r, &v);
  });
  add("DrainExecutor", [&c](const std::string& t) {
    v1::DrainExecutorRequest r;
    r.set_id("exec-1");
    v1::ExecutorView v;
    return c.Call(c.admin(), &A::DrainExecutor, t, r, &v);
  });
  add("UndrainExecutor", [&c](const std::string& t) {
    v1::UndrainExecutorRequest r;
    r.set_id("exec-1");
    v1::ExecutorView v;
    return c.Call(c.admin(), &A::UndrainExecutor, t, r, &v);
  });
  add("CreateTenant", [&c](const std::string& t) {
    v1::CreateTenantRequest r;
    r.set_name("mallory");
    v1::TenantView v;
    return c.Call(c.tenants(), &T::CreateTenant, t, r, &v);
  });
  add("ListTenants", [&c](const std::string& t) {
    v1::ListTenantsResponse r;
    return c.Call(c.tenants(), &T::ListTenants, t, v1::ListTenantsRequest(), &r);
  });
  add("DescribeTenant(victim)", [&c, victim](const std::string& t) {
    v1::DescribeTenantRequest r;
    r.set_name(victim);
    v1::TenantView v;
    return c.Call(c.tenants(), &T::DescribeTenant, t, r, &v);
  });
  add("DeleteTenant(victim)", [&c, victim](const std::string& t) {
    v1::DeleteTenantRequest r;
    r.set_name(victim);
    v1::DeleteTenantResponse out;
    return c.Call(c.tenants(), &T::DeleteTenant, t, r, &out);
  });
  add("SetQuota(victim)", [&c, victim](const std::string& t) {
    v1::SetQuotaRequest r;
    r.set_name(victim);
    r.mutable_quota()->set_max_queries(1);
    v1::TenantView v;
    return c.Call(c.tenants(), &T::SetQuota, t, r, &v);
  });
  add("CreateToken(victim)", [&c, victim](const std::string& t) {
    v1::CreateTokenRequest r;
    r.set_tenant(victim);
    v1::CreateTokenResponse out;
    return c.Call(c.tenants(), &T::CreateToken, t, r, &out);
  });
  add("RevokeToken(victim)", [&c, victim, victim_token_id](const std::string& t) {
    v1::RevokeTokenRequest r;
    r.set_tenant(victim);
    r.set_id(victim_token_id);
    v1::RevokeTokenResponse out;
    return c.Call(c.tenants(), &T::RevokeToken, t, r, &out);
  });
  add("GetUsage(victim)", [&c, victim](const std::string& t) {
    v1::GetUsageRequest r;
    r.set_tenant(victim);
    v1::TenantUsage u;
    return c.Call(c.tenants(), &T::GetUsage, t, r, &u);
  });
  add("ExecutorControl.Register", [&c](const std::string& t) { return c.Register(t); });
  add("ExecutorControl.Session", [&c](const std::string& t) { return c.Session(t); });
  return rpcs;
}

// Creates tenant `name` and issues a token; returns {token id, secret}.
std::pair<std::string, std::string> CreateTenantWithToken(const Caller& c, const std::string& admin,
                                                          const std::string& name) {
  v1::CreateTenantRequest create;
  create.set_name(name);
  v1::TenantView view;
  grpc::Status s = c.Call(c.tenants(), &v1::Tenants::Stub::CreateTenant, admin, create, &view);
  EXPECT_TRUE(s.ok()) << s.error_message();
  v1::CreateTokenRequest token;
  token.set_tenant(name);
  token.set_description("test");
  v1::CreateTokenResponse issued;
  s = c.Call(c.tenants(), &v1::Tenants::Stub::CreateToken, admin, token, &issued);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return {issued.id(), issued.token()};
}

// Polls (tenant token) until query `id` is RUNNING.
bool AwaitRunning(const Caller& c, const std::string& token, const std::string& id) {
  const absl::Time deadline = absl::Now() + absl::Seconds(90);
  while (absl::Now() < deadline) {
    v1::QueryView view;
    if (c.DescribeQuery(token, id, &view).ok() && view.state() == v1::QUERY_STATE_RUNNING) {
      return true;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  return false;
}

TEST(TenantAuthTest, AuthorizationMatrix) {
  TestCluster cluster("tenant_auth_matrix", 3000);
  cluster.EnableAuth();
  cluster.StartCoordinator();
  cluster.StartExecutor("exec-1");
  ASSERT_TRUE(cluster.AwaitState("exec-1", v1::EXECUTOR_STATE_ALIVE, absl::Seconds(60)).ok());
  const std::string admin = cluster.admin_token();
  Caller c(cluster.coordinator_address());
  const std::string sfx = std::to_string(absl::ToUnixMillis(absl::Now()));

  auto [alpha_id, alpha] = CreateTenantWithToken(c, admin, "alpha");
  auto [bravo_id, bravo] = CreateTenantWithToken(c, admin, "bravo");
  auto [revoked_id, revoked] = CreateTenantWithToken(c, admin, "charlie");
  ASSERT_FALSE(alpha.empty() || bravo.empty() || revoked.empty());

  // Each tenant builds a pipeline in its own namespace.
  for (const auto& [name, token] : {std::pair{std::string("alpha"), alpha}, {"bravo", bravo}}) {
    const std::string upper = name == "alpha" ? "ALPHA" : "BRAVO";
    v1::ExecuteStatementsResponse r;
    grpc::Status s =
        c.Execute(token,
                  absl::StrCat("CREATE STREAM ", upper,
                               "_CLICKS (ID STRING KEY, V INT) WITH "
                               "(KAFKA_TOPIC='",
                               name, ".clicks-", sfx,
                               "', VALUE_FORMAT='JSON', PARTITIONS=2);"
                               "CREATE STREAM ",
                               upper, "_OUT WITH (KAFKA_TOPIC='", name, ".out-", sfx,
                               "') AS SELECT ID, V * 2 AS V2 FROM ", upper, "_CLICKS;"),
                  &r);
    ASSERT_TRUE(s.ok()) << name << ": " << s.error_message();
    ASSERT_EQ(r.results_size(), 2);
    EXPECT_EQ(r.results(1).query_id(), absl::StrCat("CSAS_", upper, "_OUT_0"));
  }
  const std::string alpha_query = "CSAS_ALPHA_OUT_0";
  ASSERT_TRUE(AwaitRunning(c, alpha, alpha_query));
  ASSERT_TRUE(AwaitRunning(c, bravo, "CSAS_BRAVO_OUT_0"));

  // A tenant's topic outside its prefix is refused with the name it should use.
  {
    grpc::Status s = c.Execute(alpha, "CREATE STREAM LOOSE (V INT) WITH (KAFKA_TOPIC='loose-" +
                                          sfx + "', VALUE_FORMAT='JSON', PARTITIONS=1);");
    EXPECT_EQ(CodeName(s.error_code()), "PERMISSION_DENIED");
    EXPECT_THAT(s.error_message(), HasSubstr("alpha.loose-"));
  }

  // Revoke charlie's token: from now on it is as good as no token.
  {
    v1::RevokeTokenRequest r;
    r.set_tenant("charlie");
    r.set_id(revoked_id);
    v1::RevokeTokenResponse out;
    ASSERT_TRUE(c.Call(c.tenants(), &v1::Tenants::Stub::RevokeToken, admin, r, &out).ok());
  }

  // The matrix: bravo against alpha's objects and topics, then no / unknown / revoked tokens.
  const std::vector<Rpc> rpcs = RpcsAgainst(c, "alpha", alpha_query, alpha_id, sfx);
  for (const Rpc& rpc : rpcs) {
    const grpc::Status s = rpc.call(bravo);
    const std::string code = CodeName(s.error_code());
    EXPECT_TRUE(code == "PERMISSION_DENIED" || code == "NOT_FOUND")
        << "bravo -> " << rpc.name << ": " << code << " " << s.error_message();
    for (const std::string& bad : {std::string(), std::string("skt_not-a-token"), revoked}) {
      const grpc::Status u = rpc.call(bad);
      EXPECT_EQ(CodeName(u.error_code()), "UNAUTHENTICATED")
          << "token '" << bad << "' -> " << rpc.name << ": " << u.error_message();
    }
  }
  // Cross-tenant query ids are simply not there.
  {
    v1::QueryView v;
    EXPECT_CODE(c.DescribeQuery(bravo, alpha_query, &v), grpc::StatusCode::NOT_FOUND);
  }
  // Nothing of alpha is visible to bravo, and alpha's query survived all of it.
  {
    v1::ExecuteStatementsResponse r;
    ASSERT_TRUE(c.Execute(bravo, "SHOW STREAMS;", &r).ok());
    EXPECT_THAT(r.results(0).text(), HasSubstr("BRAVO_CLICKS"));
    EXPECT_THAT(r.results(0).text(), ::testing::Not(HasSubstr("ALPHA")));
    v1::ListQueriesResponse list;
    ASSERT_TRUE(c.ListQueries(bravo, &list).ok());
    ASSERT_EQ(list.queries_size(), 1);
    EXPECT_EQ(list.queries(0).query_id(), "CSAS_BRAVO_OUT_0");
    EXPECT_TRUE(AwaitRunning(c, alpha, alpha_query));
  }

  // Legitimate calls: the admin acts for alpha; a tenant describes itself and reads its usage;
  // GetClusterInfo is open to any valid token.
  {
    v1::ListQueriesResponse list;
    ASSERT_TRUE(c.ListQueries(admin, &list, "alpha").ok());
    ASSERT_EQ(list.queries_size(), 1);
    EXPECT_EQ(list.queries(0).query_id(), alpha_query);
    EXPECT_CODE(c.ListQueries(admin, &list, "nobody"), grpc::StatusCode::NOT_FOUND);
    v1::TenantView self;
    ASSERT_TRUE(c.Call(c.tenants(), &v1::Tenants::Stub::DescribeTenant, alpha,
                       v1::DescribeTenantRequest(), &self)
                    .ok());
    EXPECT_EQ(self.name(), "alpha");
    ASSERT_EQ(self.tokens_size(), 1);
    EXPECT_EQ(self.tokens(0).id(), alpha_id);
    v1::TenantUsage usage;
    ASSERT_TRUE(
        c.Call(c.tenants(), &v1::Tenants::Stub::GetUsage, alpha, v1::GetUsageRequest(), &usage)
            .ok());
    EXPECT_EQ(usage.tenant(), "alpha");
    EXPECT_EQ(usage.queries_running(), 1u);
    EXPECT_EQ(usage.tasks_running(), 2u);
    v1::ClusterInfo info;
    EXPECT_TRUE(c.Call(c.admin(), &v1::Admin::Stub::GetClusterInfo, bravo,
                       v1::GetClusterInfoRequest(), &info)
                    .ok());
  }

  // Data flows through alpha's pipeline (its own topics work end to end).
  {
    std::vector<KafkaRecord> in;
    for (int i = 0; i < 10; ++i) {
      KafkaRecord r;
      r.key = absl::StrCat("k", i);
      r.value = absl::StrCat("{\"V\":", i, "}");
      in.push_back(r);
    }
    ASSERT_TRUE(ProduceAll(KafkaBootstrap(), "alpha.clicks-" + sfx, in).ok());
    absl::StatusOr<std::vector<KafkaRecord>> out =
        ReadTopic(KafkaBootstrap(), "alpha.out-" + sfx, 10, absl::Seconds(90));
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->size(), 10u);
    // The CPU its tasks used is metered: executors report it per tenant with their statuses.
    v1::TenantUsage usage;
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      ASSERT_TRUE(
          c.Call(c.tenants(), &v1::Tenants::Stub::GetUsage, alpha, v1::GetUsageRequest(), &usage)
              .ok());
      if (usage.cpu_seconds() > 0) break;
      absl::SleepFor(absl::Milliseconds(200));
    }
    EXPECT_GT(usage.cpu_seconds(), 0) << usage.DebugString();

    // INSERT VALUES with the tenant's token: an executor writes the row into alpha's topic.
    v1::ExecuteStatementsResponse r;
    grpc::Status s = c.Execute(alpha, "INSERT INTO ALPHA_CLICKS (ID, V) VALUES ('k10', 10);", &r);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(r.results(0).rows_inserted(), 1u);
    out = ReadTopic(KafkaBootstrap(), "alpha.out-" + sfx, 11, absl::Seconds(90));
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_TRUE(std::any_of(out->begin(), out->end(), [](const KafkaRecord& k) {
      return k.value == std::optional<std::string>("{\"V2\":20}");
    }));
  }

  // The executors' own services (pull-query reads, INSERT VALUES writes) take only the
  // cluster secret: no token, or a tenant's, is UNAUTHENTICATED.
  {
    v1::ListExecutorsResponse executors;
    ASSERT_TRUE(c.Call(c.admin(), &v1::Admin::Stub::ListExecutors, admin,
                       v1::ListExecutorsRequest(), &executors)
                    .ok());
    ASSERT_EQ(executors.executors_size(), 1);
    auto channel = grpc::CreateChannel(executors.executors(0).info().address(),
                                       grpc::InsecureChannelCredentials());
    auto reader = v1::TableReader::NewStub(channel);
    auto writer = v1::RowWriter::NewStub(channel);
    for (const std::string& token : {std::string(), bravo, alpha}) {
      grpc::ClientContext read_ctx, write_ctx;
      if (!token.empty()) {
        read_ctx.AddMetadata("authorization", "Bearer " + token);
        write_ctx.AddMetadata("authorization", "Bearer " + token);
      }
      v1::ReadTableRequest read;
      read.set_tenant("alpha");
      v1::ReadTableResponse rows;
      EXPECT_CODE(reader->ReadTable(&read_ctx, read, &rows), grpc::StatusCode::UNAUTHENTICATED);
      v1::WriteRowsRequest write;
      write.set_tenant("alpha");
      v1::WriteRowsResponse written;
      EXPECT_CODE(writer->WriteRows(&write_ctx, write, &written),
                  grpc::StatusCode::UNAUTHENTICATED);
    }
  }

  // Admission: max queries, then max tasks; a rejected statement leaves the catalog as it was.
  {
    v1::SetQuotaRequest quota;
    quota.set_name("alpha");
    quota.mutable_quota()->set_max_queries(1);
    v1::TenantView view;
    ASSERT_TRUE(c.Call(c.tenants(), &v1::Tenants::Stub::SetQuota, admin, quota, &view).ok());
    const std::string second = absl::StrCat("CREATE STREAM ALPHA_TWO WITH (KAFKA_TOPIC='alpha.two-",
                                            sfx, "') AS SELECT * FROM ALPHA_CLICKS;");
    grpc::Status s = c.Execute(alpha, second);
    EXPECT_EQ(CodeName(s.error_code()), "RESOURCE_EXHAUSTED");
    EXPECT_THAT(s.error_message(), HasSubstr("max_queries"));
    quota.mutable_quota()->set_max_queries(0);
    quota.mutable_quota()->set_max_tasks(3);  // holds 2, the next query needs 2 more
    ASSERT_TRUE(c.Call(c.tenants(), &v1::Tenants::Stub::SetQuota, admin, quota, &view).ok());
    s = c.Execute(alpha, second);
    EXPECT_EQ(CodeName(s.error_code()), "RESOURCE_EXHAUSTED");
    EXPECT_THAT(s.error_message(), HasSubstr("max_tasks"));
    quota.mutable_quota()->set_max_tasks(4);
    ASSERT_TRUE(c.Call(c.tenants(), &v1::Tenants::Stub::SetQuota, admin, quota, &view).ok());
    s = c.Execute(alpha, second);  // same sink name: the rejected attempts left no trace
    EXPECT_TRUE(s.ok()) << s.error_message();

    // Placement: a CPU reservation larger than any executor (2 cores here) fits nowhere, so
    // alpha's queries wait with the reason; a quota that fits lets them run again.
    quota.mutable_quota()->set_cpu_millicores(1'000'000);
    ASSERT_TRUE(c.Call(c.tenants(), &v1::Tenants::Stub::SetQuota, admin, quota, &view).ok());
    auto alpha_queries = [&] {
      v1::ListQueriesResponse list;
      EXPECT_TRUE(c.ListQueries(alpha, &list).ok());
      return list;
    };
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    bool all_waiting = false;
    while (!all_waiting && absl::Now() < deadline) {
      all_waiting = true;
      const v1::ListQueriesResponse list = alpha_queries();
      for (const v1::QueryView& q : list.queries()) {
        all_waiting = all_waiting && q.state() == v1::QUERY_STATE_PENDING &&
                      absl::StrContains(q.state_reason(), "no executor has room for tenant alpha");
      }
      if (!all_waiting) absl::SleepFor(absl::Milliseconds(100));
    }
    EXPECT_TRUE(all_waiting) << alpha_queries().DebugString();
    quota.mutable_quota()->set_cpu_millicores(500);
    ASSERT_TRUE(c.Call(c.tenants(), &v1::Tenants::Stub::SetQuota, admin, quota, &view).ok());
    const v1::ListQueriesResponse list = alpha_queries();
    for (const v1::QueryView& q : list.queries()) {
      EXPECT_TRUE(AwaitRunning(c, alpha, q.query_id())) << q.query_id();
    }
  }

  // Deleting a tenant terminates its queries and its token stops working.
  {
    v1::DeleteTenantRequest r;
    r.set_name("bravo");
    v1::DeleteTenantResponse out;
    grpc::Status s = c.Call(c.tenants(), &v1::Tenants::Stub::DeleteTenant, admin, r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(out.terminated_queries_size(), 1);
    EXPECT_EQ(out.terminated_queries(0), "CSAS_BRAVO_OUT_0");
    v1::ListQueriesResponse list;
    EXPECT_CODE(c.ListQueries(bravo, &list), grpc::StatusCode::UNAUTHENTICATED);
  }
}

// Writes a self-signed certificate for 127.0.0.1 into `dir` (cert.pem, key.pem).
void MakeSelfSignedCert(const std::string& dir) {
  std::string out;
  ASSERT_EQ(
      RunCommand({"/usr/bin/env", "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                  "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem", "-days", "1", "-subj",
                  "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"},
                 &out),
      0)
      << out;
}

TEST(TenantAuthTest, TlsAndCliWithTokens) {
  const std::string dir = ScratchDir("tenant_auth_tls");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/data");
  MakeSelfSignedCert(dir);
  const std::string token_file = dir + "/admin-token";
  const std::string admin = "tls-test-admin-token-0123456789";
  std::ofstream(token_file) << admin << "\n";
  const std::string address = absl::StrCat("127.0.0.1:", FreePort());
  Process coordinator({BinDir() + "/skein-coordinator", "--listen", address, "--bootstrap",
                       KafkaBootstrap(), "--admin-token-file", token_file, "--metadata-topic",
                       absl::StrCat("_skein-metadata-tls-", absl::ToUnixMillis(absl::Now())),
                       "--tls-cert", dir + "/cert.pem", "--tls-key", dir + "/key.pem"},
                      dir + "/coordinator.log");
  Process executor({BinDir() + "/skein-executor", "--id", "tls-exec", "--coordinator", address,
                    "--data-dir", dir + "/data", "--token-file", token_file, "--tls-ca",
                    dir + "/cert.pem", "--connect-timeout-ms", "30000"},
                   dir + "/executor.log");
  auto skein = [&](std::vector<std::string> args, std::string* out) {
    std::vector<std::string> argv{BinDir() + "/skein", "--coordinator", address, "--tls-ca",
                                  dir + "/cert.pem"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, out);
  };
  // The executor joins over TLS with the cluster secret.
  std::string out;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    if (skein({"--token", admin, "executors", "list"}, &out) == 0 &&
        absl::StrContains(out, "ALIVE")) {
      break;
    }
    ASSERT_TRUE(coordinator.running()) << coordinator.Log();
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_THAT(out, HasSubstr("tls-exec")) << coordinator.Log() << executor.Log();

  // A plaintext client cannot talk to the TLS listener.
  EXPECT_NE(RunCommand({BinDir() + "/skein", "--coordinator", address, "--token", admin, "cluster",
                        "info"},
                       &out),
            0);
  // No token: UNAUTHENTICATED, one clear line.
  EXPECT_EQ(skein({"cluster", "info"}, &out), 2);
  EXPECT_THAT(out, HasSubstr("no API token"));

  // The tenants commands, then a tenant token at work.
  ASSERT_EQ(skein({"--token", admin, "tenants", "create", "delta", "--max-queries", "5"}, &out), 0)
      << out;
  EXPECT_THAT(out, HasSubstr("queries=5"));
  ASSERT_EQ(skein({"--token", admin, "tenants", "quota", "delta", "--max-tasks", "8"}, &out), 0)
      << out;
  EXPECT_THAT(out, HasSubstr("queries=5 tasks=8"));
  ASSERT_EQ(skein({"--token", admin, "tenants", "token", "create", "delta"}, &out), 0) << out;
  const size_t at = out.find("skt_");
  ASSERT_NE(at, std::string::npos) << out;
  const std::string delta = out.substr(at, 68);
  ASSERT_EQ(skein({"--token", admin, "tenants", "list"}, &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("delta"));
  EXPECT_THAT(out, HasSubstr("default"));
  ASSERT_EQ(skein({"--token", delta, "sql",
                   "CREATE STREAM S (V INT) WITH (KAFKA_TOPIC='delta.s-" +
                       std::to_string(absl::ToUnixMillis(absl::Now())) +
                       "', VALUE_FORMAT='JSON', PARTITIONS=1);"},
                  &out),
            0)
      << out;
  ASSERT_EQ(skein({"--token", delta, "tenants", "usage"}, &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("Tenant:      delta"));
  EXPECT_EQ(skein({"--token", delta, "tenants", "list"}, &out), 2);
  EXPECT_THAT(out, HasSubstr("platform admin"));
  EXPECT_EQ(skein({"--token", delta, "--tenant", "default", "queries", "list"}, &out), 2);
  EXPECT_THAT(out, HasSubstr("cannot act for tenant 'default'"));

  executor.Signal(SIGTERM);
  executor.Wait(absl::Seconds(10));
  coordinator.Signal(SIGTERM);
  coordinator.Wait(absl::Seconds(10));
}

// Produces `n` JSON records {"V": i} to `topic`.
void ProduceValues(const std::string& topic, int from, int n) {
  std::vector<KafkaRecord> in;
  for (int i = from; i < from + n; ++i) {
    KafkaRecord r;
    r.key = absl::StrCat("k", i);
    r.value = absl::StrCat("{\"V\":", i, "}");
    in.push_back(r);
  }
  ASSERT_TRUE(ProduceAll(KafkaBootstrap(), topic, in).ok());
}

// The coordinator's metadata survives a restart: tenants, quotas, token digests (revocations
// too), and each tenant's statements, replayed so that the same queries with the same ids run
// again over the same topics (not re-created: their records are still there).
TEST(TenantAuthTest, MetadataSurvivesCoordinatorRestart) {
  TestCluster cluster("tenant_metadata_restart", 3000);
  cluster.EnableAuth();
  cluster.StartCoordinator();
  cluster.StartExecutor("exec-1");
  ASSERT_TRUE(cluster.AwaitState("exec-1", v1::EXECUTOR_STATE_ALIVE, absl::Seconds(60)).ok());
  const std::string admin = cluster.admin_token();
  const std::string sfx = std::to_string(absl::ToUnixMillis(absl::Now()));
  std::string token, revoked;
  {
    Caller c(cluster.coordinator_address());
    auto [id, secret] = CreateTenantWithToken(c, admin, "echo");
    auto [revoked_id, revoked_secret] = CreateTenantWithToken(c, admin, "foxtrot");
    token = secret;
    revoked = revoked_secret;
    v1::SetQuotaRequest quota;
    quota.set_name("echo");
    quota.mutable_quota()->set_max_queries(7);
    v1::TenantView view;
    ASSERT_TRUE(c.Call(c.tenants(), &v1::Tenants::Stub::SetQuota, admin, quota, &view).ok());
    v1::RevokeTokenRequest revoke;
    revoke.set_tenant("foxtrot");
    revoke.set_id(revoked_id);
    v1::RevokeTokenResponse out;
    ASSERT_TRUE(c.Call(c.tenants(), &v1::Tenants::Stub::RevokeToken, admin, revoke, &out).ok());

    grpc::Status s = c.Execute(
        token, absl::StrCat("CREATE STREAM E_IN (ID STRING KEY, V INT) WITH (KAFKA_TOPIC='echo.in-",
                            sfx, "', VALUE_FORMAT='JSON', PARTITIONS=2);",
                            "CREATE STREAM E_OUT WITH (KAFKA_TOPIC='echo.out-", sfx,
                            "') AS SELECT ID, V + 1 AS V1 FROM E_IN;",
                            "CREATE STREAM E_TWO WITH (KAFKA_TOPIC='echo.two-", sfx,
                            "') AS SELECT * FROM E_IN WHERE V > 100;", "TERMINATE CSAS_E_TWO_1;"));
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_TRUE(AwaitRunning(c, token, "CSAS_E_OUT_0"));
    ProduceValues("echo.in-" + sfx, 0, 5);
    absl::StatusOr<std::vector<KafkaRecord>> out5 =
        ReadTopic(KafkaBootstrap(), "echo.out-" + sfx, 5, absl::Seconds(90));
    ASSERT_TRUE(out5.ok()) << out5.status();
    ASSERT_EQ(out5->size(), 5u);
  }

  cluster.RestartCoordinator();
  Caller c(cluster.coordinator_address());

  // Tokens: the live one works, the revoked one stays revoked; the quota is back.
  v1::TenantView echo;
  ASSERT_TRUE(c.Call(c.tenants(), &v1::Tenants::Stub::DescribeTenant, token,
                     v1::DescribeTenantRequest(), &echo)
                  .ok());
  EXPECT_EQ(echo.name(), "echo");
  EXPECT_EQ(echo.quota().max_queries(), 7);
  v1::ListQueriesResponse list;
  EXPECT_CODE(c.ListQueries(revoked, &list), grpc::StatusCode::UNAUTHENTICATED);

  // The queries are back with their ids: the running one runs again, the terminated one is
  // still terminated.
  ASSERT_TRUE(AwaitRunning(c, token, "CSAS_E_OUT_0"));
  ASSERT_TRUE(c.ListQueries(token, &list).ok());
  ASSERT_EQ(list.queries_size(), 2) << list.DebugString();
  for (const v1::QueryView& q : list.queries()) {
    if (q.query_id() == "CSAS_E_TWO_1") {
      EXPECT_EQ(q.state(), v1::QUERY_STATE_TERMINATED);
    } else {
      EXPECT_EQ(q.query_id(), "CSAS_E_OUT_0");
      EXPECT_EQ(q.state(), v1::QUERY_STATE_RUNNING);
      EXPECT_EQ(q.tasks_size(), 2);
    }
  }
  // The output topic kept its records (not re-created) and the query carries on.
  ProduceValues("echo.in-" + sfx, 5, 5);
  absl::StatusOr<std::vector<KafkaRecord>> out10 =
      ReadTopic(KafkaBootstrap(), "echo.out-" + sfx, 10, absl::Seconds(90));
  ASSERT_TRUE(out10.ok()) << out10.status();
  EXPECT_EQ(out10->size(), 10u);
  // The catalog came back too: the next query id continues the sequence.
  v1::ExecuteStatementsResponse r;
  grpc::Status s = c.Execute(token,
                             absl::StrCat("CREATE STREAM E_THREE WITH (KAFKA_TOPIC='echo.three-",
                                          sfx, "') AS SELECT * FROM E_IN;"),
                             &r);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(r.results(0).query_id(), "CSAS_E_THREE_2");
}

}  // namespace
}  // namespace skein::testing
