// Every Skein server answers gRPC health checks and server reflection, so standard tooling
// (grpcurl, load balancers, Kubernetes probes) works against it. The calls are made with the
// generic stub and hand-encoded messages, as a tool that knows only the public protocols would.

#include <string>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "support/cluster.h"

namespace skein::testing {
namespace {

using ::testing::HasSubstr;

std::string ToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

// Runs one request/response exchange of `method` (unary or bidi streaming) with raw bytes.
grpc::Status Exchange(const std::string& address, const std::string& method,
                      const std::string& request, std::string* response) {
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, method, &cq);
  auto step = [&cq](intptr_t want) {
    void* tag = nullptr;
    bool ok = false;
    return cq.Next(&tag, &ok) && reinterpret_cast<intptr_t>(tag) == want && ok;
  };
  grpc::Status status;
  call->StartCall(reinterpret_cast<void*>(1));
  bool ok = step(1);
  if (ok) {
    grpc::Slice slice(request);
    grpc::ByteBuffer buffer(&slice, 1);
    call->Write(buffer, reinterpret_cast<void*>(2));
    ok = step(2);
  }
  if (ok) {
    call->WritesDone(reinterpret_cast<void*>(3));
    ok = step(3);
  }
  grpc::ByteBuffer reply;
  if (ok) {
    call->Read(&reply, reinterpret_cast<void*>(4));
    if (step(4)) *response = ToString(reply);
  }
  call->Finish(&status, reinterpret_cast<void*>(5));
  step(5);
  cq.Shutdown();
  void* tag;
  bool drained;
  while (cq.Next(&tag, &drained)) {
  }
  return status;
}

void ExpectHealthyAndReflective(const std::string& address,
                                const std::vector<std::string>& services) {
  std::string response;
  // grpc.health.v1.HealthCheckRequest{service: ""} is empty; SERVING is status = 1 (08 01).
  grpc::Status health = Exchange(address, "/grpc.health.v1.Health/Check", "", &response);
  ASSERT_TRUE(health.ok()) << address << ": " << health.error_message();
  EXPECT_EQ(response, std::string("\x08\x01", 2)) << address;

  // ServerReflectionRequest{list_services: ""}: field 7, length-delimited, empty.
  grpc::Status reflection =
      Exchange(address, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
               std::string("\x3a\x00", 2), &response);
  ASSERT_TRUE(reflection.ok()) << address << ": " << reflection.error_message();
  EXPECT_THAT(response, HasSubstr("grpc.health.v1.Health"));
  for (const std::string& service : services) EXPECT_THAT(response, HasSubstr(service)) << address;
}

TEST(GrpcServicesTest, CoordinatorAndExecutorServeHealthAndReflection) {
  TestCluster cluster("grpc-services", 3000);
  ASSERT_NO_FATAL_FAILURE(cluster.StartCoordinator());
  cluster.StartExecutor("exec-h");
  absl::StatusOr<v1::ExecutorView> executor =
      cluster.AwaitState("exec-h", v1::EXECUTOR_STATE_ALIVE, absl::Seconds(30));
  ASSERT_TRUE(executor.ok()) << executor.status();

  ExpectHealthyAndReflective(cluster.coordinator_address(),
                             {"skein.v1.Admin", "skein.v1.ExecutorControl"});
  ExpectHealthyAndReflective(executor->info().address(), {});

  std::string response;
  grpc::Status unknown =
      Exchange(cluster.coordinator_address(), "/skein.v1.Admin/NoSuchMethod", "", &response);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

}  // namespace
}  // namespace skein::testing
