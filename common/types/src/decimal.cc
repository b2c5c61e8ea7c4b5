#include "skein/types/decimal.h"

#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "sv.h"

namespace skein::types {
namespace {

constexpr int kMaxDigits = 38;

absl::Status Overflow(std::string_view text, int precision, int scale) {
  return absl::InvalidArgumentError(absl::StrCat("Numeric field overflow: '", Sv(text),
                                                 "' does not fit DECIMAL(", precision, ", ", scale,
                                                 ")"));
}

}  // namespace

Int128 Pow10(int n) {
  static const auto* table = [] {
    auto* t = new Int128[kMaxDigits + 1];
    t[0] = 1;
    for (int i = 1; i <= kMaxDigits; ++i) t[i] = t[i - 1] * 10;
    return t;
  }();
  return table[n];
}

int DigitCount(Int128 v) {
  if (v < 0) v = -v;  // -2^127 never occurs: |values| stay below 10^38
  int n = 1;
  while (n < kMaxDigits + 1 && v >= Pow10(n)) ++n;
  return n;
}

absl::StatusOr<Int128> ParseDecimal(std::string_view text, int precision, int scale,
                                    Rounding rounding) {
  auto syntax = [&] {
    return absl::InvalidArgumentError(absl::StrCat("Invalid decimal '", Sv(text), "'"));
  };
  size_t i = 0;
  // Java's BigDecimal does not trim, but CAST('  1.5' AS DECIMAL) trims first; be lenient.
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  size_t end = text.size();
  while (end > i && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  bool negative = false;
  if (i < end && (text[i] == '+' || text[i] == '-')) {
    negative = text[i] == '-';
    ++i;
  }
  std::string sig;  // significant digits, leading zeros stripped
  int frac_digits = 0;
  bool any_digit = false;
  bool in_frac = false;
  for (; i < end; ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      any_digit = true;
      if (!(sig.empty() && c == '0')) sig.push_back(c);
      if (in_frac) ++frac_digits;
    } else if (c == '.' && !in_frac) {
      in_frac = true;
    } else {
      break;
    }
  }
  if (!any_digit) return syntax();
  int64_t exponent = 0;
  if (i < end && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < end && (text[i] == '+' || text[i] == '-')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    if (i >= end) return syntax();
    for (; i < end; ++i) {
      if (text[i] < '0' || text[i] > '9') return syntax();
      if (exponent < 100000) exponent = exponent * 10 + (text[i] - '0');
    }
    if (exp_negative) exponent = -exponent;
  }
  if (i != end) return syntax();
  if (sig.empty()) return Int128{0};

  int64_t shift = scale + exponent - frac_digits;
  Int128 result = 0;
  if (shift >= 0) {
    if (static_cast<int64_t>(sig.size()) + shift > kMaxDigits) {
      return Overflow(text, precision, scale);
    }
    for (char c : sig) result = result * 10 + (c - '0');
    result *= Pow10(static_cast<int>(shift));
  } else {
    size_t drop = static_cast<size_t>(-shift);
    size_t keep = drop >= sig.size() ? 0 : sig.size() - drop;
    bool lost = false;
    for (size_t k = keep; k < sig.size(); ++k) lost |= sig[k] != '0';
    if (lost && rounding == Rounding::kUnnecessary) {
      return absl::InvalidArgumentError(absl::StrCat("Cannot fit decimal '", Sv(text),
                                                     "' into DECIMAL(", precision, ", ", scale,
                                                     ") without rounding"));
    }
    if (keep > static_cast<size_t>(kMaxDigits)) return Overflow(text, precision, scale);
    for (size_t k = 0; k < keep; ++k) result = result * 10 + (sig[k] - '0');
    // HALF_UP: the first dropped digit decides (only when it is within the digits we have).
    size_t first_dropped = keep;
    bool round_up = drop <= sig.size() && first_dropped < sig.size() && sig[first_dropped] >= '5';
    if (round_up) result += 1;
  }
  if (result != 0 && DigitCount(result) > precision) return Overflow(text, precision, scale);
  return negative ? -result : result;
}

absl::StatusOr<Int128> RescaleDecimal(Int128 unscaled, int from_scale, int precision, int to_scale,
                                      Rounding rounding) {
  Int128 result = unscaled;
  if (to_scale > from_scale) {
    int up = to_scale - from_scale;
    if (unscaled != 0 && DigitCount(unscaled) + up > kMaxDigits) {
      return Overflow(FormatDecimal(unscaled, from_scale), precision, to_scale);
    }
    result = unscaled * Pow10(up);
  } else if (to_scale < from_scale) {
    Int128 div = Pow10(from_scale - to_scale);
    Int128 q = unscaled / div;
    Int128 r = unscaled % div;
    if (r != 0) {
      if (rounding == Rounding::kUnnecessary) {
        return absl::InvalidArgumentError(
            absl::StrCat("Cannot fit decimal '", FormatDecimal(unscaled, from_scale),
                         "' into DECIMAL(", precision, ", ", to_scale, ") without rounding"));
      }
      Int128 abs_r = r < 0 ? -r : r;
      if (abs_r * 2 >= div) q += unscaled < 0 ? -1 : 1;
    }
    result = q;
  }
  if (result != 0 && DigitCount(result) > precision) {
    return Overflow(FormatDecimal(unscaled, from_scale), precision, to_scale);
  }
  return result;
}

absl::StatusOr<Int128> DecimalFromDouble(double d, int precision, int scale) {
  if (!std::isfinite(d)) {
    return absl::InvalidArgumentError("Cannot convert NaN or Infinity to DECIMAL");
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), d);
  return ParseDecimal(std::string_view(buf, static_cast<size_t>(res.ptr - buf)), precision, scale,
                      Rounding::kHalfUp);
}

std::string Int128ToString(Int128 v) {
  char buf[48];
  int pos = sizeof(buf);
  bool negative = v < 0;
  // Work on negative numbers so that the minimum value needs no special case.
  Int128 n = negative ? v : -v;
  do {
    buf[--pos] = static_cast<char>('0' - static_cast<int>(n % 10));
    n /= 10;
  } while (n != 0);
  if (negative) buf[--pos] = '-';
  return std::string(buf + pos, sizeof(buf) - static_cast<size_t>(pos));
}

void AppendDecimal(Int128 unscaled, int scale, std::string* out) {
  std::string digits = Int128ToString(unscaled < 0 ? -unscaled : unscaled);
  if (unscaled < 0) out->push_back('-');
  if (scale <= 0) {
    out->append(digits);
    return;
  }
  size_t s = static_cast<size_t>(scale);
  if (digits.size() <= s) {
    out->append("0.");
    out->append(s - digits.size(), '0');
    out->append(digits);
    return;
  }
  out->append(digits, 0, digits.size() - s);
  out->push_back('.');
  out->append(digits, digits.size() - s, s);
}

std::string FormatDecimal(Int128 unscaled, int scale) {
  std::string out;
  AppendDecimal(unscaled, scale, &out);
  return out;
}

double DecimalToDouble(Int128 unscaled, int scale) {
  // Through text so the result is the correctly rounded double (as BigDecimal.doubleValue()).
  std::string text = FormatDecimal(unscaled, scale);
  double d = 0;
  std::from_chars(text.data(), text.data() + text.size(), d);
  return d;
}

Int128 DecimalTruncate(Int128 unscaled, int scale) { return unscaled / Pow10(scale); }

int CompareDecimal(Int128 a, int a_scale, Int128 b, int b_scale) {
  if (a_scale != b_scale) {
    // Compare integer parts first to avoid overflow when scaling up.
    Int128 ai = a / Pow10(a_scale);
    Int128 bi = b / Pow10(b_scale);
    if (ai != bi) return ai < bi ? -1 : 1;
    Int128 af = a % Pow10(a_scale);
    Int128 bf = b % Pow10(b_scale);
    int s = a_scale > b_scale ? a_scale : b_scale;
    af *= Pow10(s - a_scale);
    bf *= Pow10(s - b_scale);
    if (af != bf) return af < bf ? -1 : 1;
    return 0;
  }
  if (a != b) return a < b ? -1 : 1;
  return 0;
}

}  // namespace skein::types
