#include "java_time_format.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "expr_nodes.h"
#include "skein/types/text.h"

namespace skein::runtime::internal {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;
constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
constexpr const char* kDays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                 "Friday", "Saturday", "Sunday"};

bool IsNumericLetter(char c) {
  return c == 'y' || c == 'u' || c == 'd' || c == 'D' || c == 'H' || c == 'h' || c == 'k' ||
         c == 'K' || c == 'm' || c == 's' || c == 'S';
}

void AppendPadded(int64_t v, int width, std::string* out) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  if (v < 0) out->push_back('-');
  for (int i = static_cast<int>(digits.size()); i < width; ++i) out->push_back('0');
  *out += digits;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string OffsetText(int64_t offset_ms, bool colon, bool z_for_zero) {
  if (offset_ms == 0 && z_for_zero) return "Z";
  int64_t minutes = (offset_ms < 0 ? -offset_ms : offset_ms) / 60000;
  std::string out = offset_ms < 0 ? "-" : "+";
  AppendPadded(minutes / 60, 2, &out);
  if (colon) out.push_back(':');
  AppendPadded(minutes % 60, 2, &out);
  return out;
}

}  // namespace

absl::StatusOr<int64_t> ZoneOffsetMs(std::string_view zone) {
  std::string z = absl::AsciiStrToUpper(AV(zone));
  std::string_view rest = z;
  if (rest == "UTC" || rest == "GMT" || rest == "Z" || rest == "UT") return 0;
  for (std::string_view prefix : {"UTC", "GMT", "UT"}) {
    if (absl::StartsWith(AV(rest), AV(prefix))) {
      rest.remove_prefix(prefix.size());
      break;
    }
  }
  if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
    int sign = rest[0] == '-' ? -1 : 1;
    rest.remove_prefix(1);
    int h = 0, m = 0;
    size_t i = 0;
    while (i < rest.size() && absl::ascii_isdigit(rest[i]) && i < 2) h = h * 10 + (rest[i++] - '0');
    if (i < rest.size() && rest[i] == ':') ++i;
    size_t mstart = i;
    while (i < rest.size() && absl::ascii_isdigit(rest[i])) m = m * 10 + (rest[i++] - '0');
    if (i == rest.size() && mstart > 0 && h <= 18 && m < 60) {
      return sign * (h * 3600000LL + m * 60000LL);
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("Unknown time-zone ID: ", AV(zone)));
}

absl::StatusOr<JavaTimeFormat> JavaTimeFormat::Compile(std::string_view pattern) {
  JavaTimeFormat f;
  f.pattern_ = std::string(pattern);
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    if (c == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
        f.tokens_.push_back(Token{0, 0, "'"});
        i += 2;
        continue;
      }
      size_t j = i + 1;
      std::string lit;
      while (true) {
        if (j >= pattern.size()) {
          return absl::InvalidArgumentError(
              absl::StrCat("Unterminated quote in date/time pattern: ", AV(pattern)));
        }
        if (pattern[j] == '\'') {
          if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
            lit.push_back('\'');
            j += 2;
            continue;
          }
          break;
        }
        lit.push_back(pattern[j++]);
      }
      f.tokens_.push_back(Token{0, 0, lit});
      i = j + 1;
      continue;
    }
    if (absl::ascii_isalpha(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < pattern.size() && pattern[j] == c) ++j;
      static constexpr std::string_view kKnown = "yuMLdDHhkKmsSaEzXxZV";
      if (kKnown.find(c) == std::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("Unknown pattern letter: ", std::string(1, c)));
      }
      f.tokens_.push_back(Token{c, static_cast<int>(j - i), {}});
      i = j;
      continue;
    }
    f.tokens_.push_back(Token{0, 0, std::string(1, c)});
    ++i;
  }
  return f;
}

std::string JavaTimeFormat::Format(int64_t epoch_ms, const TimeZone& zone) const {
  const int64_t offset_ms = zone.OffsetAtUtc(epoch_ms);
  const std::string zone_name = zone.NameAt(epoch_ms);
  int64_t local = epoch_ms + offset_ms;
  int64_t days = FloorDiv(local, kMsPerDay);
  int64_t ms_of_day = local - days * kMsPerDay;
  int64_t year = 0;
  int month = 0, day = 0;
  types::CivilFromDays(days, &year, &month, &day);
  int hour = static_cast<int>(ms_of_day / 3600000),
      minute = static_cast<int>(ms_of_day / 60000 % 60);
  int second = static_cast<int>(ms_of_day / 1000 % 60), millis = static_cast<int>(ms_of_day % 1000);
  std::string out;
  for (const Token& t : tokens_) {
    switch (t.letter) {
      case 0:
        out += t.literal;
        break;
      case 'y':
      case 'u':
        if (t.count == 2)
          AppendPadded(((year % 100) + 100) % 100, 2, &out);
        else
          AppendPadded(year, t.count, &out);
        break;
      case 'M':
      case 'L':
        if (t.count >= 4)
          out += kMonths[month - 1];
        else if (t.count == 3)
          out += std::string_view(kMonths[month - 1]).substr(0, 3);
        else
          AppendPadded(month, t.count, &out);
        break;
      case 'd':
        AppendPadded(day, t.count, &out);
        break;
      case 'D':
        AppendPadded(days - types::DaysFromCivil(year, 1, 1) + 1, t.count, &out);
        break;
      case 'H':
        AppendPadded(hour, t.count, &out);
        break;
      case 'k':
        AppendPadded(hour == 0 ? 24 : hour, t.count, &out);
        break;
      case 'K':
        AppendPadded(hour % 12, t.count, &out);
        break;
      case 'h':
        AppendPadded(hour % 12 == 0 ? 12 : hour % 12, t.count, &out);
        break;
      case 'm':
        AppendPadded(minute, t.count, &out);
        break;
      case 's':
        AppendPadded(second, t.count, &out);
        break;
      case 'S': {
        std::string frac;
        AppendPadded(millis, 3, &frac);
        while (static_cast<int>(frac.size()) < t.count) frac.push_back('0');
        out += frac.substr(0, t.count);
        break;
      }
      case 'a':
        out += hour < 12 ? "AM" : "PM";
        break;
      case 'E': {
        int dow = static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
        out += t.count >= 4 ? std::string(kDays[dow]) : std::string(kDays[dow]).substr(0, 3);
        break;
      }
      case 'z':
      case 'V':
        out += zone_name;
        break;
      case 'X':
        out += OffsetText(offset_ms, t.count >= 3, true);
        break;
      case 'x':
        out += OffsetText(offset_ms, t.count >= 3, false);
        break;
      case 'Z':
        out += OffsetText(offset_ms, t.count >= 4, t.count >= 4);
        break;
    }
  }
  return out;
}

absl::StatusOr<int64_t> JavaTimeFormat::Parse(std::string_view text, const TimeZone& default_zone,
                                              bool allow_trailing) const {
  auto fail = [&]() {
    return absl::InvalidArgumentError(
        absl::StrCat("Text '", AV(text), "' could not be parsed with pattern '", pattern_, "'"));
  };
  int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0;
  int day_of_year = 0;
  bool pm = false, has_ampm = false;
  std::shared_ptr<const TimeZone> zone_in_text;
  std::optional<int64_t> offset;  // from the text
  size_t pos = 0;
  for (size_t ti = 0; ti < tokens_.size(); ++ti) {
    const Token& t = tokens_[ti];
    if (t.letter == 0) {
      if (text.substr(pos, t.literal.size()) != t.literal) return fail();
      pos += t.literal.size();
      continue;
    }
    if (IsNumericLetter(t.letter) || ((t.letter == 'M' || t.letter == 'L') && t.count <= 2)) {
      bool fixed = ti + 1 < tokens_.size() && tokens_[ti + 1].letter != 0 &&
                   (IsNumericLetter(tokens_[ti + 1].letter) || tokens_[ti + 1].letter == 'M');
      size_t max_digits = fixed ? static_cast<size_t>(t.count) : 10;
      bool neg = false;
      if ((t.letter == 'y' || t.letter == 'u') && pos < text.size() && text[pos] == '-') {
        neg = true;
        ++pos;
      }
      size_t start = pos;
      int64_t v = 0;
      while (pos < text.size() && pos - start < max_digits && absl::ascii_isdigit(text[pos])) {
        v = v * 10 + (text[pos++] - '0');
      }
      size_t n = pos - start;
      if (n == 0 || (fixed && n != static_cast<size_t>(t.count))) return fail();
      if (neg) v = -v;
      switch (t.letter) {
        case 'y':
        case 'u':
          year = (t.count == 2 && n == 2) ? 2000 + v : v;
          break;
        case 'M':
        case 'L':
          month = static_cast<int>(v);
          break;
        case 'd':
          day = static_cast<int>(v);
          break;
        case 'D':
          day_of_year = static_cast<int>(v);
          break;
        case 'H':
        case 'k':
        case 'K':
        case 'h':
          hour = static_cast<int>(v % 24);
          break;
        case 'm':
          minute = static_cast<int>(v);
          break;
        case 's':
          second = static_cast<int>(v);
          break;
        case 'S': {
          int64_t ms = v;
          for (size_t i = n; i < 3; ++i) ms *= 10;
          for (size_t i = 3; i < n; ++i) ms /= 10;
          millis = static_cast<int>(ms);
          break;
        }
      }
      continue;
    }
    switch (t.letter) {
      case 'M':
      case 'L':
      case 'E': {
        bool found = false;
        const char* const* names = t.letter == 'E' ? kDays : kMonths;
        int count = t.letter == 'E' ? 7 : 12;
        for (int i = 0; i < count && !found; ++i) {
          std::string_view full = names[i];
          std::string_view name = t.count >= 4 ? full : full.substr(0, 3);
          if (absl::EqualsIgnoreCase(AV(text.substr(pos, name.size())), AV(name))) {
            if (t.letter != 'E') month = i + 1;
            pos += name.size();
            found = true;
          }
        }
        if (!found) return fail();
        break;
      }
      case 'a':
        if (absl::EqualsIgnoreCase(AV(text.substr(pos, 2)), "PM"))
          pm = true;
        else if (!absl::EqualsIgnoreCase(AV(text.substr(pos, 2)), "AM"))
          return fail();
        has_ampm = true;
        pos += 2;
        break;
      case 'z':
      case 'V':
      case 'X':
      case 'x':
      case 'Z': {
        size_t end = pos;
        while (end < text.size() && !absl::ascii_isspace(text[end])) ++end;
        absl::StatusOr<int64_t> off = ZoneOffsetMs(text.substr(pos, end - pos));
        std::shared_ptr<const TimeZone> region;
        if (!off.ok() && (t.letter == 'z' || t.letter == 'V')) {
          // Java resolves zone names to regions: "PST" means America/Los_Angeles, whose
          // offset at that date may well be daylight time.
          std::string_view name = text.substr(pos, end - pos);
          static constexpr std::pair<std::string_view, std::string_view> kAbbrev[] = {
              {"PST", "America/Los_Angeles"}, {"PDT", "America/Los_Angeles"},
              {"MST", "America/Denver"},      {"MDT", "America/Denver"},
              {"CST", "America/Chicago"},     {"CDT", "America/Chicago"},
              {"EST", "America/New_York"},    {"EDT", "America/New_York"},
              {"BST", "Europe/London"},       {"CET", "Europe/Paris"},
              {"CEST", "Europe/Paris"}};
          for (const auto& [abbrev, region_id] : kAbbrev) {
            if (name == abbrev) name = region_id;
          }
          auto found = TimeZone::Find(name);
          if (found.ok()) region = *found;
        }
        if (region) {
          zone_in_text = region;
        } else if (!off.ok()) {
          return fail();
        }
        if (!region) offset = *off;
        pos = end;
        break;
      }
    }
  }
  if (pos != text.size() && !allow_trailing) return fail();
  if (has_ampm && pm && hour < 12) hour += 12;
  if (has_ampm && !pm && hour == 12) hour = 0;
  if (month < 1 || month > 12 || day < 1 || day > 31 || minute > 59 || second > 59) {
    return fail();
  }
  int64_t days = day_of_year > 0 ? types::DaysFromCivil(year, 1, 1) + day_of_year - 1
                                 : types::DaysFromCivil(year, month, day);
  const int64_t local =
      days * kMsPerDay + hour * 3600000LL + minute * 60000LL + second * 1000LL + millis;
  if (offset) return local - *offset;
  const TimeZone& zone = zone_in_text ? *zone_in_text : default_zone;
  return local - zone.OffsetAtLocal(local);
}

namespace {

int64_t ReadBig(const std::string& d, size_t off, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(d[off + i]);
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

}  // namespace

absl::StatusOr<std::shared_ptr<const TimeZone>> TimeZone::Find(std::string_view id) {
  static std::mutex mu;
  static auto* cache = new std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>>();
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache->find(id); it != cache->end()) return it->second;
  auto zone = std::make_shared<TimeZone>();
  zone->id_ = std::string(id);
  absl::StatusOr<int64_t> fixed = ZoneOffsetMs(id);
  if (fixed.ok()) {
    zone->types_.push_back(Type{*fixed, std::string(id)});
  } else {
    // Region ids only: letters, digits, '/', '_', '-', '+'; never a path that climbs out.
    bool safe = !id.empty() && id.find("..") == std::string_view::npos && id[0] != '/';
    for (char c : id) {
      safe &= absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' ||
              c == '-' || c == '+';
    }
    std::ifstream in(safe ? absl::StrCat("/usr/share/zoneinfo/", AV(id)) : std::string(),
                     std::ios::binary);
    std::stringstream buf;
    if (in) buf << in.rdbuf();
    const std::string d = buf.str();
    auto bad = [&] {
      return absl::InvalidArgumentError(absl::StrCat("Unknown time-zone ID: ", AV(id)));
    };
    if (d.size() < 44 || d.compare(0, 4, "TZif") != 0 || d[4] < '2') return bad();
    // Skip the v1 block (32-bit times), then read the v2 block (64-bit times).
    auto counts = [&](size_t off, int64_t c[6]) {
      for (int i = 0; i < 6; ++i) c[i] = ReadBig(d, off + 20 + 4 * i, 4);
    };
    int64_t c[6];
    counts(0, c);  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
    size_t off = 44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (d.size() < off + 44 || d.compare(off, 4, "TZif") != 0) return bad();
    counts(off, c);
    size_t p = off + 44;
    const int64_t timecnt = c[3], typecnt = c[4], charcnt = c[5];
    if (typecnt <= 0 || d.size() < p + static_cast<size_t>(timecnt * 9 + typecnt * 6 + charcnt)) {
      return bad();
    }
    for (int64_t i = 0; i < timecnt; ++i)
      zone->transitions_ms_.push_back(ReadBig(d, p + 8 * i, 8) * 1000);
    p += timecnt * 8;
    for (int64_t i = 0; i < timecnt; ++i) {
      uint8_t t = static_cast<uint8_t>(d[p + i]);
      if (t >= typecnt) return bad();
      zone->transition_types_.push_back(t);
    }
    p += timecnt;
    const size_t chars = p + typecnt * 6;
    for (int64_t i = 0; i < typecnt; ++i) {
      Type t;
      t.offset_ms = ReadBig(d, p + 6 * i, 4) * 1000;
      size_t abbr = static_cast<unsigned char>(d[p + 6 * i + 5]);
      if (abbr < static_cast<size_t>(charcnt)) t.abbrev = std::string(d.c_str() + chars + abbr);
      zone->types_.push_back(std::move(t));
    }
  }
  (*cache)[std::string(id)] = zone;
  return std::shared_ptr<const TimeZone>(zone);
}

size_t TimeZone::TypeAt(int64_t utc_ms) const {
  if (transitions_ms_.empty() || utc_ms < transitions_ms_.front()) return initial_type_;
  size_t lo = 0, hi = transitions_ms_.size();
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (transitions_ms_[mid] <= utc_ms)
      lo = mid;
    else
      hi = mid;
  }
  return transition_types_[lo];
}

int64_t TimeZone::OffsetAtUtc(int64_t utc_ms) const { return types_[TypeAt(utc_ms)].offset_ms; }

int64_t TimeZone::OffsetAtLocal(int64_t local_ms) const {
  // Try the offsets in force around the local time; the earlier valid one wins.
  int64_t first = OffsetAtUtc(local_ms - OffsetAtUtc(local_ms));
  if (OffsetAtUtc(local_ms - first) == first) return first;
  return OffsetAtUtc(local_ms - first);
}

std::string TimeZone::NameAt(int64_t utc_ms) const {
  const std::string& a = types_[TypeAt(utc_ms)].abbrev;
  return a.empty() ? id_ : a;
}

}  // namespace skein::runtime::internal
