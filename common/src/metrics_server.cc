#include "skein/common/metrics_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "absl/strings/str_cat.h"
#include "skein/common/logging.h"
#include "skein/common/prometheus_text.h"

namespace skein {
namespace {

constexpr size_t kMaxHead = 8192;
constexpr int kReadTimeoutMs = 2000;

HttpResponse Plain(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// Writes all of `data`, giving up on an error or a peer that stops reading.
void WriteAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

HttpResponse RespondToMetricsRequest(absl::string_view raw, bool complete,
                                     const MetricsServer::Renderer& render, bool* head_only) {
  *head_only = false;
  if (!complete) {
    if (raw.size() >= kMaxHead) return Plain(431, "request head over 8 KiB\n");
    return Plain(raw.empty() ? 408 : 400, "incomplete request\n");
  }
  absl::StatusOr<HttpRequestHead> head = ParseHttpRequestHead(raw);
  if (!head.ok()) return Plain(400, absl::StrCat(head.status().message(), "\n"));
  if (head->method != "GET" && head->method != "HEAD") {
    HttpResponse r = Plain(405, "only GET and HEAD\n");
    r.extra_headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  *head_only = head->method == "HEAD";
  if (head->path == "/healthz") return Plain(200, "ok\n");
  if (head->path != "/metrics") return Plain(404, "not found: try /metrics or /healthz\n");
  HttpResponse r;
  r.content_type = std::string(kPrometheusContentType);
  try {
    r.body = render();
  } catch (const std::exception& e) {
    return Plain(500, absl::StrCat("metrics failed: ", e.what(), "\n"));
  }
  return r;
}

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(const HostPort& addr,
                                                                    Renderer render) {
  auto fail = [&](absl::string_view what) {
    return absl::FailedPreconditionError(
        absl::StrCat("metrics endpoint ", addr.ToString(), ": ", what, ": ", std::strerror(errno)));
  };
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port_text = std::to_string(addr.port);
  if (int e = getaddrinfo(addr.host.empty() ? nullptr : addr.host.c_str(), port_text.c_str(),
                          &hints, &found);
      e != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("metrics endpoint ", addr.ToString(), ": ", gai_strerror(e)));
  }
  const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    freeaddrinfo(found);
    return fail("socket");
  }
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  const int bound = ::bind(fd, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  if (bound != 0 || ::listen(fd, 16) != 0) {
    absl::Status s = fail("cannot listen");
    ::close(fd);
    return s;
  }
  sockaddr_storage local{};
  socklen_t len = sizeof(local);
  getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
  const int port =
      ntohs(local.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&local)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&local)->sin_port);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    absl::Status s = fail("pipe");
    ::close(fd);
    return s;
  }
  return std::unique_ptr<MetricsServer>(
      new MetricsServer(fd, pipe_fds[0], pipe_fds[1], port, std::move(render)));
}

MetricsServer::MetricsServer(int listen_fd, int wake_read, int wake_write, int port,
                             Renderer render)
    : listen_fd_(listen_fd),
      wake_read_(wake_read),
      wake_write_(wake_write),
      port_(port),
      render_(std::move(render)) {
  thread_ = std::thread([this] { Run(); });
}

MetricsServer::~MetricsServer() { Stop(); }

void MetricsServer::Stop() {
  if (stopped_.exchange(true)) return;
  const char byte = 0;
  while (::write(wake_write_, &byte, 1) < 0 && errno == EINTR) {
  }
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
  ::close(wake_read_);
  ::close(wake_write_);
}

void MetricsServer::Run() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      Logger("metrics")->error("poll: {}", std::strerror(errno));
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;  // the peer went away, or out of descriptors: try again next time
    Serve(fd);
    ::close(fd);
  }
}

void MetricsServer::Serve(int fd) {
  std::string buffer;
  bool complete = false;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kReadTimeoutMs);
  while (buffer.size() < kMaxHead) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p = {fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char chunk[1024];
    const ssize_t n = ::recv(fd, chunk, std::min(sizeof(chunk), kMaxHead - buffer.size()), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
    if (const size_t end = FindHeadEnd(buffer); end != absl::string_view::npos) {
      buffer.resize(end);  // a body (none expected) is ignored
      complete = true;
      break;
    }
  }
  bool head_only = false;
  const HttpResponse response = RespondToMetricsRequest(buffer, complete, render_, &head_only);
  WriteAll(fd, SerializeHttpResponse(response, head_only));
}

}  // namespace skein
