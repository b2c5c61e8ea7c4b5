#include "skein/common/metrics_server.h"

#include <gtest/gtest.h>

#include <string>

#include "support/http_exchange.h"

namespace skein {
namespace {

// Over a loopback socket: the status lines and bodies a scraper sees, and the server keeps
// answering after garbage and after a client that sends half a request and goes quiet.
TEST(MetricsServerTest, ServesMetricsAndHealthAndRejectsTheRest) {
  absl::StatusOr<std::unique_ptr<MetricsServer>> server =
      MetricsServer::Start(HostPort{"127.0.0.1", 0}, [] { return std::string("skein_up 1\n"); });
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  ASSERT_GT(port, 0);

  const std::string metrics =
      testing::HttpExchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(metrics.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << metrics;
  EXPECT_NE(metrics.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"),
            std::string::npos);
  EXPECT_NE(metrics.find("\r\n\r\nskein_up 1\n"), std::string::npos);
  EXPECT_NE(testing::HttpExchange(port, "GET /healthz HTTP/1.1\r\n\r\n").find("\r\n\r\nok\n"),
            std::string::npos);
  EXPECT_EQ(testing::HttpExchange(port, "GET /nope HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 404", 0), 0u);
  EXPECT_EQ(testing::HttpExchange(port, "\x16\x03\x01 garbage\r\n\r\n").rfind("HTTP/1.1 400", 0),
            0u);
  EXPECT_EQ(
      testing::HttpExchange(port, "DELETE /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 405", 0), 0u);
  // Half a request, then the client closes: a 400, and the next client is served.
  EXPECT_EQ(testing::HttpExchange(port, "GET /metr").rfind("HTTP/1.1 400", 0), 0u);
  EXPECT_EQ(testing::HttpExchange(port, "GET /metrics HTTP/1.0\r\n\r\n").rfind("HTTP/1.1 200", 0),
            0u);
  (*server)->Stop();
  (*server)->Stop();  // idempotent
}

TEST(MetricsServerTest, APortInUseIsAPreconditionFailure) {
  absl::StatusOr<std::unique_ptr<MetricsServer>> first =
      MetricsServer::Start(HostPort{"127.0.0.1", 0}, [] { return std::string(); });
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::unique_ptr<MetricsServer>> second = MetricsServer::Start(
      HostPort{"127.0.0.1", static_cast<uint16_t>((*first)->port())}, [] { return std::string(); });
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace skein
