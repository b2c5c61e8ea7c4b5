#include "java_time_format.h"

#include "expr_nodes.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "skein/types/text.h"

namespace skein::runtime::internal {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;
constexpr const char* kMonths[] = {"January", "February", "March",     "April",
                                   "May",     "June",     "July",      "August",
                                   "September", "October", "November", "December"};
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

std::string JavaTimeFormat::Format(int64_t epoch_ms, int64_t offset_ms,
                                   std::string_view zone_name) const {
  int64_t local = epoch_ms + offset_ms;
  int64_t days = FloorDiv(local, kMsPerDay);
  int64_t ms_of_day = local - days * kMsPerDay;
  int64_t year = 0;
  int month = 0, day = 0;
  types::CivilFromDays(days, &year, &month, &day);
  int hour = static_cast<int>(ms_of_day / 3600000), minute = static_cast<int>(ms_of_day / 60000 % 60);
  int second = static_cast<int>(ms_of_day / 1000 % 60), millis = static_cast<int>(ms_of_day % 1000);
  std::string out;
  for (const Token& t : tokens_) {
    switch (t.letter) {
      case 0: out += t.literal; break;
      case 'y':
      case 'u':
        if (t.count == 2) AppendPadded(((year % 100) + 100) % 100, 2, &out);
        else AppendPadded(year, t.count, &out);
        break;
      case 'M':
      case 'L':
        if (t.count >= 4) out += kMonths[month - 1];
        else if (t.count == 3) out += std::string_view(kMonths[month - 1]).substr(0, 3);
        else AppendPadded(month, t.count, &out);
        break;
      case 'd': AppendPadded(day, t.count, &out); break;
      case 'D': AppendPadded(days - types::DaysFromCivil(year, 1, 1) + 1, t.count, &out); break;
      case 'H': AppendPadded(hour, t.count, &out); break;
      case 'k': AppendPadded(hour == 0 ? 24 : hour, t.count, &out); break;
      case 'K': AppendPadded(hour % 12, t.count, &out); break;
      case 'h': AppendPadded(hour % 12 == 0 ? 12 : hour % 12, t.count, &out); break;
      case 'm': AppendPadded(minute, t.count, &out); break;
      case 's': AppendPadded(second, t.count, &out); break;
      case 'S': {
        std::string frac;
        AppendPadded(millis, 3, &frac);
        while (static_cast<int>(frac.size()) < t.count) frac.push_back('0');
        out += frac.substr(0, t.count);
        break;
      }
      case 'a': out += hour < 12 ? "AM" : "PM"; break;
      case 'E': {
        int dow = static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
        out += t.count >= 4 ? std::string(kDays[dow]) : std::string(kDays[dow]).substr(0, 3);
        break;
      }
      case 'z':
      case 'V': out += zone_name; break;
      case 'X': out += OffsetText(offset_ms, t.count >= 3, true); break;
      case 'x': out += OffsetText(offset_ms, t.count >= 3, false); break;
      case 'Z': out += OffsetText(offset_ms, t.count >= 4, t.count >= 4); break;
    }
  }
  return out;
}

absl::StatusOr<int64_t> JavaTimeFormat::Parse(std::string_view text,
                                              int64_t default_offset_ms) const {
  auto fail = [&]() {
    return absl::InvalidArgumentError(absl::StrCat("Text '", AV(text),
                                                   "' could not be parsed with pattern '",
                                                   pattern_, "'"));
  };
  int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0;
  int day_of_year = 0;
  bool pm = false, has_ampm = false;
  int64_t offset = default_offset_ms;
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
        case 'u': year = (t.count == 2 && n == 2) ? 2000 + v : v; break;
        case 'M':
        case 'L': month = static_cast<int>(v); break;
        case 'd': day = static_cast<int>(v); break;
        case 'D': day_of_year = static_cast<int>(v); break;
        case 'H':
        case 'k':
        case 'K':
        case 'h': hour = static_cast<int>(v % 24); break;
        case 'm': minute = static_cast<int>(v); break;
        case 's': second = static_cast<int>(v); break;
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
        if (absl::EqualsIgnoreCase(AV(text.substr(pos, 2)), "PM")) pm = true;
        else if (!absl::EqualsIgnoreCase(AV(text.substr(pos, 2)), "AM")) return fail();
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
        if (!off.ok()) {
          // Common North-American abbreviations ksqlDB users write in tests.
          std::string_view zone = text.substr(pos, end - pos);
          if (zone == "PST") off = -8 * 3600000LL;
          else if (zone == "PDT") off = -7 * 3600000LL;
          else if (zone == "EST") off = -5 * 3600000LL;
          else if (zone == "EDT") off = -4 * 3600000LL;
          else if (zone == "CET") off = 1 * 3600000LL;
          else return fail();
        }
        offset = *off;
        pos = end;
        break;
      }
    }
  }
  if (pos != text.size()) return fail();
  if (has_ampm && pm && hour < 12) hour += 12;
  if (has_ampm && !pm && hour == 12) hour = 0;
  if (month < 1 || month > 12 || day < 1 || day > 31 || minute > 59 || second > 59) {
    return fail();
  }
  int64_t days = day_of_year > 0 ? types::DaysFromCivil(year, 1, 1) + day_of_year - 1
                                 : types::DaysFromCivil(year, month, day);
  return days * kMsPerDay + hour * 3600000LL + minute * 60000LL + second * 1000LL + millis -
         offset;
}

}  // namespace skein::runtime::internal
