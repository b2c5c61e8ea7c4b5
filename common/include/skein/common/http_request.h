#pragma once

// The little HTTP/1.x a metrics endpoint needs: finding the end of a request head, parsing its
// request line and header lines strictly, and writing a complete response. Nothing here does
// I/O; MetricsServer (metrics_server.h) drives it over sockets.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace skein {

struct HttpRequestHead {
  std::string method;   // e.g. "GET"
  std::string path;     // the target without its query string, e.g. "/metrics"
  std::string version;  // "HTTP/1.0" or "HTTP/1.1"
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent, values trimmed
};

// The index just past the blank line that ends the request head in `buffer` ("\r\n\r\n", or
// "\n\n" from lenient clients), or absl::string_view::npos when the head is not complete yet.
size_t FindHeadEnd(absl::string_view buffer);

// Parses a request head (everything up to and including the blank line). INVALID_ARGUMENT,
// saying what is wrong, for anything that is not a well-formed HTTP/1.0 or 1.1 request head in
// origin form: bad request line, unknown version, control bytes, a header line without a colon
// or with an invalid name.
absl::StatusOr<HttpRequestHead> ParseHttpRequestHead(absl::string_view head);

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> extra_headers;
};

// The response as bytes on the wire: status line, Content-Type, Content-Length,
// "Connection: close", any extra headers, the blank line, and the body (omitted for HEAD when
// `head_only`).
std::string SerializeHttpResponse(const HttpResponse& response, bool head_only = false);

}  // namespace skein
