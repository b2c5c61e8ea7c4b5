#include "skein/common/http_request.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace skein {
namespace {

// RFC 9110 tchar: the characters of a method or header name.
bool IsTokenChar(char c) {
  if (absl::ascii_isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// A request target in origin form: "/" followed by visible ASCII.
bool IsOriginForm(absl::string_view s) {
  if (s.empty() || s[0] != '/') return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  return true;
}

// A header value: visible ASCII, spaces, tabs and obs-text (bytes >= 0x80); no other controls.
bool IsFieldValue(absl::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

}  // namespace

size_t FindHeadEnd(absl::string_view buffer) {
  const size_t crlf = buffer.find("\r\n\r\n");
  const size_t lf = buffer.find("\n\n");
  if (crlf == absl::string_view::npos && lf == absl::string_view::npos) {
    return absl::string_view::npos;
  }
  if (lf == absl::string_view::npos || (crlf != absl::string_view::npos && crlf < lf)) {
    return crlf + 4;
  }
  return lf + 2;
}

absl::StatusOr<HttpRequestHead> ParseHttpRequestHead(absl::string_view head) {
  std::vector<absl::string_view> lines = absl::StrSplit(head, '\n');
  // The head ends with its blank line: drop the empty pieces after it.
  while (!lines.empty() && absl::StripSuffix(lines.back(), "\r").empty()) lines.pop_back();
  if (lines.empty()) return absl::InvalidArgumentError("empty request");
  for (absl::string_view& line : lines) {
    line = absl::StripSuffix(line, "\r");
    if (line.empty()) return absl::InvalidArgumentError("blank line inside the request head");
  }
  HttpRequestHead out;
  const std::vector<absl::string_view> parts = absl::StrSplit(lines[0], ' ');
  if (parts.size() != 3) {
    return absl::InvalidArgumentError("request line is not 'METHOD TARGET HTTP/1.x'");
  }
  if (!IsToken(parts[0])) return absl::InvalidArgumentError("invalid method");
  if (!IsOriginForm(parts[1])) {
    return absl::InvalidArgumentError("request target must be a path starting with '/'");
  }
  if (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0") {
    return absl::InvalidArgumentError("unsupported HTTP version");
  }
  out.method = std::string(parts[0]);
  out.path = std::string(parts[1].substr(0, parts[1].find('?')));
  out.version = std::string(parts[2]);
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("header line ", i, " has no ':'"));
    }
    const absl::string_view name = lines[i].substr(0, colon);
    const absl::string_view value = absl::StripAsciiWhitespace(lines[i].substr(colon + 1));
    if (!IsToken(name)) {
      return absl::InvalidArgumentError(absl::StrCat("header line ", i, " has an invalid name"));
    }
    if (!IsFieldValue(value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("header line ", i, " has a control character in its value"));
    }
    out.headers.emplace_back(std::string(name), std::string(value));
  }
  return out;
}

std::string SerializeHttpResponse(const HttpResponse& response, bool head_only) {
  std::string out =
      absl::StrCat("HTTP/1.1 ", response.status, " ", ReasonPhrase(response.status),
                   "\r\nContent-Type: ", response.content_type,
                   "\r\nContent-Length: ", response.body.size(), "\r\nConnection: close\r\n");
  for (const auto& [name, value] : response.extra_headers) {
    absl::StrAppend(&out, name, ": ", value, "\r\n");
  }
  absl::StrAppend(&out, "\r\n");
  if (!head_only) absl::StrAppend(&out, response.body);
  return out;
}

}  // namespace skein
