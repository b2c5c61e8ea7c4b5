#include "skein/types/text.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "sv.h"

namespace skein::types {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Small cursor over text being parsed.
struct Cursor {
  std::string_view s;
  size_t pos = 0;
  bool AtEnd() const { return pos >= s.size(); }
  bool Eat(char c) {
    if (!AtEnd() && s[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  // Exactly n digits.
  bool Digits(int n, int64_t* out) {
    int64_t v = 0;
    for (int i = 0; i < n; ++i) {
      if (AtEnd() || s[pos] < '0' || s[pos] > '9') return false;
      v = v * 10 + (s[pos++] - '0');
    }
    *out = v;
    return true;
  }
};

absl::Status Bad(std::string_view what, std::string_view text) {
  return absl::InvalidArgumentError(
      absl::StrCat("Cannot parse ", Sv(what), " from '", Sv(text), "'"));
}

// Parses "HH:mm[:ss[.fff...]]" at the cursor into ms of day; false on error.
bool ParseClock(Cursor* c, int64_t* ms, bool minutes_required) {
  int64_t h = 0, m = 0, sec = 0, frac_ms = 0;
  if (!c->Digits(2, &h) || h > 23) return false;
  if (c->Eat(':')) {
    if (!c->Digits(2, &m) || m > 59) return false;
    if (c->Eat(':')) {
      if (!c->Digits(2, &sec) || sec > 59) return false;
      if (c->Eat('.')) {
        int digits = 0;
        int64_t scale = 100;
        while (!c->AtEnd() && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
          if (digits < 3) frac_ms += (c->s[c->pos] - '0') * scale;
          scale /= 10;
          ++digits;
          ++c->pos;
        }
        if (digits == 0 || digits > 9) return false;
      }
    }
  } else if (minutes_required) {
    return false;
  }
  *ms = ((h * 60 + m) * 60 + sec) * 1000 + frac_ms;
  return true;
}

bool ParseCivilDate(Cursor* c, int64_t* days) {
  int64_t y = 0, mo = 0, d = 0;
  if (!c->Digits(4, &y) || !c->Eat('-') || !c->Digits(2, &mo) || !c->Eat('-') ||
      !c->Digits(2, &d)) {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1) return false;
  static constexpr int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kDaysIn[mo - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap) return false;
  *days = DaysFromCivil(y, static_cast<int>(mo), static_cast<int>(d));
  return true;
}

}  // namespace

void AppendDoubleJava(double d, std::string* out) {
  if (std::isnan(d)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(d)) {
    out->append(d > 0 ? "Infinity" : "-Infinity");
    return;
  }
  if (d == 0) {
    out->append(std::signbit(d) ? "-0.0" : "0.0");
    return;
  }
  // Shortest round-trip digits in scientific form: "d.ddde[+-]xx".
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  bool negative = sci[0] == '-';
  if (negative) sci.remove_prefix(1);
  size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exp = 0;
  std::from_chars(sci.data() + e_pos + 1 + (sci[e_pos + 1] == '+' ? 1 : 0), sci.data() + sci.size(),
                  exp);
  if (negative) out->push_back('-');
  double mag = std::fabs(d);
  if (mag >= 1e-3 && mag < 1e7) {
    // Plain notation, at least one digit after the point.
    if (exp >= 0) {
      size_t int_len = static_cast<size_t>(exp) + 1;
      if (digits.size() <= int_len) {
        out->append(digits);
        out->append(int_len - digits.size(), '0');
        out->append(".0");
      } else {
        out->append(digits, 0, int_len);
        out->push_back('.');
        out->append(digits, int_len, std::string::npos);
      }
    } else {
      out->append("0.");
      out->append(static_cast<size_t>(-exp - 1), '0');
      out->append(digits);
    }
    return;
  }
  // Computerized scientific notation: one digit, point, at least one digit, 'E', exponent.
  out->push_back(digits[0]);
  out->push_back('.');
  if (digits.size() > 1) {
    out->append(digits, 1, std::string::npos);
  } else {
    out->push_back('0');
  }
  absl::StrAppend(out, "E", exp);
}

std::string FormatDoubleJava(double d) {
  std::string out;
  AppendDoubleJava(d, &out);
  return out;
}

// Howard Hinnant's days_from_civil algorithm, re-derived: shift the year to start in March
// so the leap day is last.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  int64_t era = FloorDiv(y, 400);
  int64_t yoe = y - era * 400;
  int64_t mp = (m + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* year, int* month, int* day) {
  z += 719468;
  int64_t era = FloorDiv(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (m <= 2 ? 1 : 0);
  *month = static_cast<int>(m);
  *day = static_cast<int>(d);
}

std::string FormatDate(int32_t days) {
  int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d", static_cast<long long>(y), m, d);
  return buf;
}

std::string FormatTimestamp(int64_t ms) {
  int64_t days = FloorDiv(ms, kMsPerDay);
  int64_t rem = ms - days * kMsPerDay;
  int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02d.%03d", static_cast<long long>(y),
                m, d, static_cast<int>(rem / 3'600'000), static_cast<int>(rem / 60'000 % 60),
                static_cast<int>(rem / 1000 % 60), static_cast<int>(rem % 1000));
  return buf;
}

std::string FormatTime(int32_t ms_of_day) {
  int64_t ms = ms_of_day;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02d:%02d:%02d", static_cast<int>(ms / 3'600'000),
                static_cast<int>(ms / 60'000 % 60), static_cast<int>(ms / 1000 % 60));
  std::string out = buf;
  int frac = static_cast<int>(ms % 1000);
  if (frac != 0) {
    std::snprintf(buf, sizeof(buf), ".%03d", frac);
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out;
}

absl::StatusOr<int64_t> ParseTimestamp(std::string_view text) {
  Cursor c{text};
  int64_t days = 0, ms = 0;
  if (!ParseCivilDate(&c, &days)) return Bad("TIMESTAMP", text);
  if (c.Eat('T')) {
    if (!ParseClock(&c, &ms, /*minutes_required=*/false)) return Bad("TIMESTAMP", text);
  }
  int64_t offset_ms = 0;
  if (c.Eat('Z')) {
  } else if (!c.AtEnd() && (text[c.pos] == '+' || text[c.pos] == '-')) {
    bool neg = text[c.pos] == '-';
    ++c.pos;
    int64_t oh = 0, om = 0;
    if (!c.Digits(2, &oh) || oh > 18) return Bad("TIMESTAMP", text);
    if (c.Eat(':')) {
      if (!c.Digits(2, &om) || om > 59) return Bad("TIMESTAMP", text);
    } else if (!c.AtEnd()) {
      if (!c.Digits(2, &om) || om > 59) return Bad("TIMESTAMP", text);
    }
    offset_ms = (oh * 60 + om) * 60'000 * (neg ? -1 : 1);
  }
  if (!c.AtEnd()) return Bad("TIMESTAMP", text);
  return days * kMsPerDay + ms - offset_ms;
}

absl::StatusOr<int32_t> ParseDate(std::string_view text) {
  Cursor c{text};
  int64_t days = 0;
  if (!ParseCivilDate(&c, &days) || !c.AtEnd()) return Bad("DATE", text);
  return static_cast<int32_t>(days);
}

absl::StatusOr<int32_t> ParseTime(std::string_view text) {
  Cursor c{text};
  int64_t ms = 0;
  if (!ParseClock(&c, &ms, /*minutes_required=*/true) || !c.AtEnd()) return Bad("TIME", text);
  return static_cast<int32_t>(ms);
}

}  // namespace skein::types
