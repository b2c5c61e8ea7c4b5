#include "skein/state/encoding.h"

namespace skein::state::encoding {
namespace {

constexpr char kEscape = '\x00';
constexpr char kEscapedNul = '\xff';
constexpr char kTerminator = '\x01';
constexpr uint64_t kSignBit = uint64_t{1} << 63;

}  // namespace

void AppendUint64(std::string* out, uint64_t v) {
  char buf[kInt64Size];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(buf, kInt64Size);
}

bool ConsumeUint64(absl::string_view* in, uint64_t* v) {
  if (in->size() < kInt64Size) return false;
  uint64_t r = 0;
  for (size_t i = 0; i < kInt64Size; ++i) {
    r = (r << 8) | static_cast<uint8_t>((*in)[i]);
  }
  in->remove_prefix(kInt64Size);
  *v = r;
  return true;
}

void AppendInt64(std::string* out, int64_t v) {
  AppendUint64(out, static_cast<uint64_t>(v) ^ kSignBit);
}

bool ConsumeInt64(absl::string_view* in, int64_t* v) {
  uint64_t u = 0;
  if (!ConsumeUint64(in, &u)) return false;
  *v = static_cast<int64_t>(u ^ kSignBit);
  return true;
}

std::string EncodeInt64(int64_t v) {
  std::string out;
  AppendInt64(&out, v);
  return out;
}

std::optional<int64_t> DecodeInt64(absl::string_view in) {
  int64_t v = 0;
  if (in.size() != kInt64Size || !ConsumeInt64(&in, &v)) return std::nullopt;
  return v;
}

void AppendLengthPrefixed(std::string* out, absl::string_view bytes) {
  const auto n = static_cast<uint32_t>(bytes.size());
  const char len[4] = {static_cast<char>(n >> 24), static_cast<char>((n >> 16) & 0xff),
                       static_cast<char>((n >> 8) & 0xff), static_cast<char>(n & 0xff)};
  out->append(len, 4);
  out->append(bytes.data(), bytes.size());
}

bool ConsumeLengthPrefixed(absl::string_view* in, absl::string_view* bytes) {
  if (in->size() < 4) return false;
  uint32_t n = 0;
  for (size_t i = 0; i < 4; ++i) n = (n << 8) | static_cast<uint8_t>((*in)[i]);
  if (in->size() - 4 < n) return false;
  *bytes = in->substr(4, n);
  in->remove_prefix(4 + static_cast<size_t>(n));
  return true;
}

void AppendOrderedBytes(std::string* out, absl::string_view bytes) {
  out->reserve(out->size() + bytes.size() + 2);
  for (char c : bytes) {
    out->push_back(c);
    if (c == kEscape) out->push_back(kEscapedNul);
  }
  out->push_back(kEscape);
  out->push_back(kTerminator);
}

bool SkipOrderedBytes(absl::string_view* in, absl::string_view* encoded) {
  for (size_t i = 0; i + 1 < in->size(); ++i) {
    if ((*in)[i] != kEscape) continue;
    const char next = (*in)[i + 1];
    if (next == kTerminator) {
      if (encoded != nullptr) *encoded = in->substr(0, i + 2);
      in->remove_prefix(i + 2);
      return true;
    }
    if (next != kEscapedNul) return false;  // a NUL followed by anything else is malformed
    ++i;
  }
  return false;
}

bool ConsumeOrderedBytes(absl::string_view* in, std::string* bytes) {
  absl::string_view encoded;
  if (!SkipOrderedBytes(in, &encoded)) return false;
  bytes->clear();
  bytes->reserve(encoded.size() - 2);
  for (size_t i = 0; i + 2 < encoded.size(); ++i) {
    bytes->push_back(encoded[i]);
    if (encoded[i] == kEscape) ++i;  // skip the 0xFF that follows every escaped NUL
  }
  return true;
}

std::optional<std::string> PrefixSuccessor(absl::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto last = static_cast<uint8_t>(s.back());
    if (last != 0xff) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return std::nullopt;
}

}  // namespace skein::state::encoding
