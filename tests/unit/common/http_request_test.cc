#include "skein/common/http_request.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "absl/strings/escaping.h"
#include "skein/common/metrics_server.h"
#include "skein/common/prometheus_text.h"

namespace skein {
namespace {

TEST(HttpRequestTest, ParsesAGetWithHeadersAndQuery) {
  absl::StatusOr<HttpRequestHead> head = ParseHttpRequestHead(
      "GET /metrics?name=x HTTP/1.1\r\nHost: 127.0.0.1:9464\r\nAccept:  text/plain \r\n\r\n");
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->method, "GET");
  EXPECT_EQ(head->path, "/metrics");
  EXPECT_EQ(head->version, "HTTP/1.1");
  ASSERT_EQ(head->headers.size(), 2u);
  EXPECT_EQ(head->headers[1].first, "Accept");
  EXPECT_EQ(head->headers[1].second, "text/plain");
}

TEST(HttpRequestTest, AcceptsBareLineFeeds) {
  absl::StatusOr<HttpRequestHead> head = ParseHttpRequestHead("GET /healthz HTTP/1.0\n\n");
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->path, "/healthz");
}

TEST(HttpRequestTest, RejectsMalformedHeads) {
  for (const char* bad :
       {"", "\r\n\r\n", "GET\r\n\r\n", "GET /metrics\r\n\r\n", "GET /metrics HTTP/2.0\r\n\r\n",
        "GET metrics HTTP/1.1\r\n\r\n", "GET  /metrics HTTP/1.1\r\n\r\n",
        "G(T /metrics HTTP/1.1\r\n\r\n", "GET /me\x01trics HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nNoColon\r\n\r\n", "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
        "GET / HTTP/1.1\r\nX: a\x02z\r\n\r\n"}) {
    EXPECT_EQ(ParseHttpRequestHead(bad).status().code(), absl::StatusCode::kInvalidArgument)
        << absl::CEscape(bad);
  }
}

TEST(HttpRequestTest, FindsTheEndOfTheHead) {
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\nHost: x\r\n"), absl::string_view::npos);
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\n\r\nbody"), 18u);
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\n\nbody"), 16u);
}

TEST(HttpRequestTest, SerializesAResponse) {
  HttpResponse r;
  r.status = 404;
  r.body = "nope\n";
  EXPECT_EQ(SerializeHttpResponse(r),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 5\r\nConnection: close\r\n\r\nnope\n");
  EXPECT_EQ(SerializeHttpResponse(r, /*head_only=*/true).find("nope"), std::string::npos);
}

TEST(MetricsResponseTest, RoutesByMethodAndPath) {
  const MetricsServer::Renderer render = [] { return std::string("skein_up 1\n"); };
  bool head_only = false;
  HttpResponse r =
      RespondToMetricsRequest("GET /metrics HTTP/1.1\r\n\r\n", true, render, &head_only);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, kPrometheusContentType);
  EXPECT_EQ(r.body, "skein_up 1\n");
  EXPECT_EQ(
      RespondToMetricsRequest("GET /healthz HTTP/1.1\r\n\r\n", true, render, &head_only).status,
      200);
  EXPECT_EQ(RespondToMetricsRequest("GET /other HTTP/1.1\r\n\r\n", true, render, &head_only).status,
            404);
  EXPECT_EQ(
      RespondToMetricsRequest("POST /metrics HTTP/1.1\r\n\r\n", true, render, &head_only).status,
      405);
  RespondToMetricsRequest("HEAD /metrics HTTP/1.1\r\n\r\n", true, render, &head_only);
  EXPECT_TRUE(head_only);
  EXPECT_EQ(RespondToMetricsRequest("garbage\r\n\r\n", true, render, &head_only).status, 400);
  EXPECT_EQ(RespondToMetricsRequest("GET /met", false, render, &head_only).status, 400);
  EXPECT_EQ(RespondToMetricsRequest(std::string(8192, 'A'), false, render, &head_only).status, 431);
  const MetricsServer::Renderer throws = []() -> std::string { throw std::runtime_error("boom"); };
  EXPECT_EQ(
      RespondToMetricsRequest("GET /metrics HTTP/1.1\r\n\r\n", true, throws, &head_only).status,
      500);
}

// Random bytes, and random mutations of a valid request, never crash the parser, and the answer
// is always one of the statuses the server documents.
TEST(MetricsResponseTest, FuzzedRequestsGetAStatusNeverACrash) {
  std::mt19937 rng(7);
  const MetricsServer::Renderer render = [] { return std::string("x 1\n"); };
  const std::string valid = "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n";
  int ok = 0, bad = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string input;
    if (i % 2 == 0) {
      input.resize(rng() % 300);
      for (char& c : input) c = static_cast<char>(rng() % 256);
      if (i % 4 == 0) input += "\r\n\r\n";
    } else {
      input = valid;
      for (int m = 0, n = 1 + static_cast<int>(rng() % 4); m < n; ++m) {
        input[rng() % input.size()] = static_cast<char>(rng() % 256);
      }
    }
    const size_t end = FindHeadEnd(input);
    const bool complete = end != absl::string_view::npos;
    bool head_only = false;
    const HttpResponse r = RespondToMetricsRequest(
        complete ? absl::string_view(input).substr(0, end) : absl::string_view(input), complete,
        render, &head_only);
    ASSERT_TRUE(r.status == 200 || r.status == 400 || r.status == 404 || r.status == 405 ||
                r.status == 408 || r.status == 431)
        << r.status;
    (r.status == 400 ? bad : ok)++;
    EXPECT_FALSE(SerializeHttpResponse(r, head_only).empty());
  }
  EXPECT_GT(bad, 0);  // the fuzzer did reach the error paths
  EXPECT_GT(ok, 0);   // and some mutations stayed valid
}

TEST(PrometheusTextTest, WritesFamiliesAndEscapedLabels) {
  PrometheusText text;
  text.Family("skein_task_records_in_total", "counter", "Records read.");
  text.Sample("skein_task_records_in_total", {{"tenant", "a\"b\\c\nd"}, {"query", "Q1"}}, 42);
  text.Sample("skein_task_records_in_total", {}, 0.25);
  EXPECT_EQ(text.text(),
            "# HELP skein_task_records_in_total Records read.\n"
            "# TYPE skein_task_records_in_total counter\n"
            "skein_task_records_in_total{tenant=\"a\\\"b\\\\c\\nd\",query=\"Q1\"} 42\n"
            "skein_task_records_in_total 0.25\n");
  EXPECT_EQ(FormatSampleValue(1e20), "1e+20");
  EXPECT_EQ(FormatSampleValue(-3), "-3");
}

}  // namespace
}  // namespace skein
