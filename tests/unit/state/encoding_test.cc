#include "skein/state/encoding.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace skein::state::encoding {
namespace {

TEST(EncodingTest, Int64RoundTripsAtTheEdges) {
  for (int64_t v : {std::numeric_limits<int64_t>::min(), int64_t{-1}, int64_t{0}, int64_t{1},
                    std::numeric_limits<int64_t>::max()}) {
    std::string s = EncodeInt64(v);
    ASSERT_EQ(s.size(), kInt64Size);
    EXPECT_EQ(DecodeInt64(s), v);
  }
  EXPECT_EQ(EncodeInt64(0), std::string("\x80\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(EncodeInt64(-1), std::string(8, '\xff').replace(0, 1, 1, '\x7f'));
  EXPECT_FALSE(DecodeInt64("short").has_value());
}

TEST(EncodingTest, RandomInt64sSortTheSameEncoded) {
  std::mt19937_64 rng(42);
  std::vector<int64_t> values = {std::numeric_limits<int64_t>::min(), -1, 0, 1,
                                 std::numeric_limits<int64_t>::max()};
  for (int i = 0; i < 2000; ++i) {
    values.push_back(static_cast<int64_t>(rng()));
    values.push_back(static_cast<int64_t>(rng() % 2001) - 1000);  // many near zero
  }
  std::vector<std::string> encoded;
  for (int64_t v : values) encoded.push_back(EncodeInt64(v));
  std::sort(values.begin(), values.end());
  std::sort(encoded.begin(), encoded.end());
  ASSERT_EQ(values.size(), encoded.size());
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_EQ(DecodeInt64(encoded[i]), values[i]) << "position " << i;
  }
}

TEST(EncodingTest, Uint64IsBigEndian) {
  std::string s;
  AppendUint64(&s, 0x0102030405060708ULL);
  EXPECT_EQ(s, std::string("\x01\x02\x03\x04\x05\x06\x07\x08"));
  absl::string_view in = s;
  uint64_t v = 0;
  ASSERT_TRUE(ConsumeUint64(&in, &v));
  EXPECT_EQ(v, 0x0102030405060708ULL);
  EXPECT_TRUE(in.empty());
}

// Random byte strings over a tiny alphabet that includes the escape bytes, so that NULs,
// 0x01 and 0xFF and shared prefixes are common.
std::string RandomBytes(std::mt19937_64& rng) {
  static constexpr char kAlphabet[] = {'\x00', '\x01', '\x02', 'a', '\xfe', '\xff'};
  std::string s(rng() % 7, '\0');
  for (char& c : s) c = kAlphabet[rng() % sizeof(kAlphabet)];
  return s;
}

TEST(EncodingTest, RandomOrderedBytesSortTheSameEncoded) {
  std::mt19937_64 rng(7);
  std::vector<std::string> raw;
  for (int i = 0; i < 3000; ++i) raw.push_back(RandomBytes(rng));
  std::vector<std::string> encoded;
  for (const std::string& r : raw) {
    std::string e;
    AppendOrderedBytes(&e, r);
    encoded.push_back(e);
  }
  std::sort(raw.begin(), raw.end());
  std::sort(encoded.begin(), encoded.end());
  for (size_t i = 0; i < raw.size(); ++i) {
    absl::string_view in = encoded[i];
    std::string decoded;
    ASSERT_TRUE(ConsumeOrderedBytes(&in, &decoded));
    EXPECT_TRUE(in.empty());
    ASSERT_EQ(decoded, raw[i]) << "position " << i;
  }
}

TEST(EncodingTest, CompositeKeysSortByKeyThenTime) {
  // (key, time) tuples must sort field by field even when one key is a prefix of another.
  std::mt19937_64 rng(99);
  std::vector<std::pair<std::string, int64_t>> tuples;
  for (int i = 0; i < 2000; ++i) {
    tuples.emplace_back(RandomBytes(rng), static_cast<int64_t>(rng() % 200) - 100);
  }
  std::vector<std::string> encoded;
  for (const auto& [k, t] : tuples) {
    std::string e;
    AppendOrderedBytes(&e, k);
    AppendInt64(&e, t);
    encoded.push_back(e);
  }
  std::sort(tuples.begin(), tuples.end());
  std::sort(encoded.begin(), encoded.end());
  for (size_t i = 0; i < tuples.size(); ++i) {
    absl::string_view in = encoded[i];
    std::string key;
    int64_t t = 0;
    ASSERT_TRUE(ConsumeOrderedBytes(&in, &key));
    ASSERT_TRUE(ConsumeInt64(&in, &t));
    ASSERT_EQ(key, tuples[i].first) << "position " << i;
    ASSERT_EQ(t, tuples[i].second) << "position " << i;
  }
}

TEST(EncodingTest, OrderedBytesEscapesNulAndRejectsMalformed) {
  std::string e;
  AppendOrderedBytes(&e, absl::string_view("a\0b", 3));
  EXPECT_EQ(e, std::string("a\x00\xff"
                           "b\x00\x01",
                           6));
  absl::string_view encoded;
  absl::string_view in = e;
  ASSERT_TRUE(SkipOrderedBytes(&in, &encoded));
  EXPECT_EQ(encoded, e);

  std::string out;
  absl::string_view unterminated("abc", 3);
  EXPECT_FALSE(ConsumeOrderedBytes(&unterminated, &out));
  absl::string_view bad_escape("a\x00\x05", 3);
  EXPECT_FALSE(ConsumeOrderedBytes(&bad_escape, &out));
}

TEST(EncodingTest, LengthPrefixedRoundTripsAndRejectsTruncation) {
  std::string s;
  AppendLengthPrefixed(&s, "hello");
  AppendLengthPrefixed(&s, "");
  AppendLengthPrefixed(&s, absl::string_view("\0\0", 2));
  absl::string_view in = s;
  absl::string_view a, b, c;
  ASSERT_TRUE(ConsumeLengthPrefixed(&in, &a));
  ASSERT_TRUE(ConsumeLengthPrefixed(&in, &b));
  ASSERT_TRUE(ConsumeLengthPrefixed(&in, &c));
  EXPECT_EQ(a, "hello");
  EXPECT_EQ(b, "");
  EXPECT_EQ(c, absl::string_view("\0\0", 2));
  EXPECT_TRUE(in.empty());

  absl::string_view truncated(s.data(), 7);  // length 5 but only 3 bytes follow
  EXPECT_FALSE(ConsumeLengthPrefixed(&truncated, &a));
}

TEST(EncodingTest, PrefixSuccessor) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff\xff")), "b");
  EXPECT_FALSE(PrefixSuccessor(std::string("\xff\xff")).has_value());
  EXPECT_FALSE(PrefixSuccessor("").has_value());
}

}  // namespace
}  // namespace skein::state::encoding
