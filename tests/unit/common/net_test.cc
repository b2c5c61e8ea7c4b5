#include "skein/common/net.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gtest/gtest.h"
#include "skein/common/blocking_queue.h"
#include "skein/common/status.h"

namespace skein {
namespace {

TEST(ParseHostPortTest, AcceptsHostAndPort) {
  absl::StatusOr<HostPort> hp = ParseHostPort("127.0.0.1:7070");
  ASSERT_TRUE(hp.ok());
  EXPECT_EQ(hp->host, "127.0.0.1");
  EXPECT_EQ(hp->port, 7070);
  EXPECT_EQ(hp->ToString(), "127.0.0.1:7070");
  absl::StatusOr<HostPort> v6 = ParseHostPort("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->ToString(), "[::1]:0");
}

TEST(ParseHostPortTest, RejectsMalformedWithTheExpectedForm) {
  for (const char* bad : {"7070", "host:", ":7070", "host:99999", "host:x"}) {
    absl::StatusOr<HostPort> hp = ParseHostPort(bad);
    ASSERT_FALSE(hp.ok()) << bad;
    EXPECT_EQ(hp.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(hp.status().message().find("expected HOST:PORT"), absl::string_view::npos);
  }
}

TEST(CheckCanListenTest, ReportsAPortInUse) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  HostPort taken{"127.0.0.1", ntohs(addr.sin_port)};
  absl::Status status = CheckCanListen(taken);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("Address already in use"), absl::string_view::npos) << status;
  close(fd);
  EXPECT_TRUE(CheckCanListen(taken).ok());
}

TEST(BlockingQueueTest, DeliversInOrderAndDrainsAfterClose) {
  BlockingQueue<int> queue(4);
  EXPECT_TRUE(queue.Push(1));
  EXPECT_TRUE(queue.Push(2));
  queue.Close();
  EXPECT_FALSE(queue.Push(3));
  EXPECT_EQ(queue.Pop(), 1);
  EXPECT_EQ(queue.Pop(), 2);
  EXPECT_EQ(queue.Pop(), std::nullopt);
  BlockingQueue<int> empty(1);
  EXPECT_EQ(empty.Pop(absl::Milliseconds(1)), std::nullopt);
}

absl::StatusOr<int> Half(int x) {
  if (x % 2 != 0) return absl::InvalidArgumentError("odd");
  return x / 2;
}

absl::StatusOr<int> Quarter(int x) {
  SKEIN_ASSIGN_OR_RETURN(int half, Half(x));
  SKEIN_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(StatusMacrosTest, PropagateErrorsAndValues) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Annotate(absl::NotFoundError("x"), "ctx").message(), "ctx: x");
}

}  // namespace
}  // namespace skein
