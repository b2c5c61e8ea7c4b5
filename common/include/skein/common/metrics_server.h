#pragma once

// A minimal HTTP/1.1 server for Prometheus: GET /metrics (text exposition 0.0.4) and
// GET /healthz. One connection at a time on its own thread, one request per connection
// (Connection: close), a request head of at most 8 KiB read within 2 s. Anything else gets a
// precise status: 400 malformed, 404 unknown path, 405 a method other than GET/HEAD, 408 too
// slow, 431 head too large; a renderer that throws gives 500. Bad input never stops it.
//
// Owned by the process's node (ExecutorNode, CoordinatorServer); Start() and Stop() from the
// owner's thread; the renderer runs on the server's thread and must be thread-safe.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "skein/common/http_request.h"
#include "skein/common/net.h"

namespace skein {

class MetricsServer {
 public:
  // Returns the exposition text of the process's metrics.
  using Renderer = std::function<std::string()>;

  // Binds `addr` (port 0: any free port) and starts serving. FAILED_PRECONDITION naming the
  // address and the reason when it cannot listen.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const HostPort& addr,
                                                              Renderer render);
  ~MetricsServer();  // Stop()
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const { return port_; }
  // Closes the listener and joins the thread. Idempotent.
  void Stop();

 private:
  MetricsServer(int listen_fd, int wake_read, int wake_write, int port, Renderer render);
  void Run();
  void Serve(int fd);

  const int listen_fd_;
  const int wake_read_, wake_write_;  // a pipe: Stop() writes to end the poll
  const int port_;
  const Renderer render_;
  std::atomic<bool> stopped_{false};
  std::thread thread_;
};

// What the server answers to the bytes of one request (`raw`: the head as read, possibly
// incomplete when `complete` is false). Exposed for tests.
HttpResponse RespondToMetricsRequest(absl::string_view raw, bool complete,
                                     const MetricsServer::Renderer& render, bool* head_only);

}  // namespace skein
