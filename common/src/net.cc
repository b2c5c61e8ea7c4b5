#include "skein/common/net.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace skein {

std::string HostPort::ToString() const {
  if (host.find(':') != std::string::npos) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

absl::StatusOr<HostPort> ParseHostPort(absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("bad address '", text, "': ", why,
                                                   " (expected HOST:PORT, e.g. 127.0.0.1:7070)"));
  };
  size_t colon = text.rfind(':');
  if (colon == absl::string_view::npos) return bad("no port");
  absl::string_view host = text.substr(0, colon);
  absl::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) return bad("no host");
  uint32_t port = 0;
  if (!absl::SimpleAtoi(port_text, &port) || port > 65535) return bad("port is not 0-65535");
  return HostPort{std::string(host), static_cast<uint16_t>(port)};
}

absl::Status CheckCanListen(const HostPort& addr) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* result = nullptr;
  std::string port = std::to_string(addr.port);
  int rc = getaddrinfo(addr.host.c_str(), port.c_str(), &hints, &result);
  if (rc != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot resolve listen address ", addr.ToString(), ": ", gai_strerror(rc)));
  }
  absl::Status status = absl::OkStatus();
  int fd = socket(result->ai_family, result->ai_socktype, result->ai_protocol);
  if (fd < 0) {
    status = absl::FailedPreconditionError(
        absl::StrCat("cannot open a socket for ", addr.ToString(), ": ", std::strerror(errno)));
  } else {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, result->ai_addr, result->ai_addrlen) != 0) {
      status = absl::FailedPreconditionError(
          absl::StrCat("cannot listen on ", addr.ToString(), ": ", std::strerror(errno)));
    }
    close(fd);
  }
  freeaddrinfo(result);
  return status;
}

}  // namespace skein
