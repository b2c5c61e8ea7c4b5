// String and bytes scalar functions: LEN, UCASE, LCASE, TRIM, LTRIM, RTRIM, SUBSTRING, INITCAP,
// CONCAT_WS, REPLACE, INSTR, SPLIT, LPAD, RPAD, REVERSE.

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "expr_nodes.h"
#include "function_util.h"

namespace skein::runtime::internal {
namespace {

using types::TypeKind;
using types::Value;
using Args = std::span<const Value>;

// ksqlDB counts Java chars; for text without surrogate pairs that is the number of code
// points, which is what these helpers count (UTF-8 continuation bytes are skipped).
bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += IsContinuation(c) ? 0 : 1;
  return n;
}

// Byte offset of code point `cp` (clamped to the end).
size_t ByteOffset(std::string_view s, size_t cp) {
  size_t i = 0;
  while (i < s.size() && cp > 0) {
    ++i;
    while (i < s.size() && IsContinuation(s[i])) ++i;
    --cp;
  }
  return i;
}

Value SameKind(const Value& like, std::string s) {
  return like.kind() == TypeKind::kBytes ? Value::Bytes(std::move(s)) : Value::String(std::move(s));
}

Value Len(Args a, const CallInfo&, EvalContext&) {
  const Value& v = a[0];
  size_t n = v.kind() == TypeKind::kBytes ? v.str().size() : CodePoints(v.str());
  return Value::Integer(static_cast<int32_t>(n));
}

Value Upper(Args a, const CallInfo&, EvalContext&) {
  return Value::String(absl::AsciiStrToUpper(a[0].str()));
}
Value Lower(Args a, const CallInfo&, EvalContext&) {
  return Value::String(absl::AsciiStrToLower(a[0].str()));
}

// Java's String.trim(): strips code units <= ' ' at both ends.
template <bool kLeft, bool kRight>
Value Trim(Args a, const CallInfo&, EvalContext&) {
  std::string_view s = a[0].str();
  if (kLeft) {
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  }
  if (kRight) {
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  }
  return Value::String(std::string(s));
}

// SUBSTRING(s, pos[, len]): pos is 1-based, negative counts from the end, out-of-range
// positions clamp (so the result may be empty but is never an error).
Value Substring(Args a, const CallInfo&, EvalContext&) {
  const Value& v = a[0];
  bool bytes = v.kind() == TypeKind::kBytes;
  std::string_view s = v.str();
  int64_t length = bytes ? static_cast<int64_t>(s.size()) : static_cast<int64_t>(CodePoints(s));
  int64_t pos = IntArg(a[1]);
  int64_t start = pos < 0 ? std::max<int64_t>(length + pos, 0)
                          : std::max<int64_t>(std::min<int64_t>(pos - 1, length), 0);
  int64_t end = length;
  if (a.size() > 2) {
    int64_t len = IntArg(a[2]);
    end = std::max(std::min(start + len, length), start);
  }
  if (bytes) return Value::Bytes(std::string(s.substr(start, end - start)));
  size_t b0 = ByteOffset(s, static_cast<size_t>(start));
  size_t b1 = ByteOffset(s, static_cast<size_t>(end));
  return Value::String(std::string(s.substr(b0, b1 - b0)));
}

Value InitCap(Args a, const CallInfo&, EvalContext&) {
  std::string s = a[0].str();
  bool word_start = true;
  for (char& c : s) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      word_start = true;
    } else {
      c = word_start ? absl::ascii_toupper(static_cast<unsigned char>(c))
                     : absl::ascii_tolower(static_cast<unsigned char>(c));
      word_start = false;
    }
  }
  return Value::String(std::move(s));
}

// CONCAT_WS(separator, args...): NULL arguments are skipped; a NULL separator gives NULL.
Value ConcatWs(Args a, const CallInfo&, EvalContext&) {
  if (a[0].is_null()) return Value::Null();
  std::string out;
  bool first = true;
  for (size_t i = 1; i < a.size(); ++i) {
    if (a[i].is_null()) continue;
    if (!first) out += a[0].str();
    out += a[i].str();
    first = false;
  }
  return SameKind(a[0], std::move(out));
}

Value Replace(Args a, const CallInfo&, EvalContext&) {
  const std::string& s = a[0].str();
  const std::string& from = a[1].str();
  const std::string& to = a[2].str();
  if (from.empty()) return a[0];
  std::string out;
  size_t i = 0;
  while (true) {
    size_t j = s.find(from, i);
    if (j == std::string::npos) break;
    out.append(s, i, j - i);
    out += to;
    i = j + from.size();
  }
  out.append(s, i, std::string::npos);
  return Value::String(std::move(out));
}

// INSTR(s, sub): 1-based position of the first occurrence, 0 if absent.
Value Instr(Args a, const CallInfo&, EvalContext&) {
  size_t j = a[0].str().find(a[1].str());
  if (j == std::string::npos) return Value::Integer(0);
  return Value::Integer(
      static_cast<int32_t>(CodePoints(std::string_view(a[0].str()).substr(0, j)) + 1));
}

// SPLIT(s, delimiter): an empty delimiter splits into characters.
Value Split(Args a, const CallInfo&, EvalContext&) {
  const Value& v = a[0];
  std::string_view s = v.str();
  std::string_view d = a[1].str();
  std::vector<Value> out;
  if (d.empty()) {
    for (size_t i = 0; i < s.size();) {
      size_t j = i + 1;
      while (j < s.size() && IsContinuation(s[j])) ++j;
      out.push_back(SameKind(v, std::string(s.substr(i, j - i))));
      i = j;
    }
  } else {
    for (absl::string_view part : absl::StrSplit(AV(s), AV(d))) {
      out.push_back(SameKind(v, std::string(part.data(), part.size())));
    }
  }
  return Value::Array(std::move(out));
}

template <bool kLeft>
Value Pad(Args a, const CallInfo&, EvalContext&) {
  const std::string& s = a[0].str();
  int64_t len = IntArg(a[1]);
  const std::string& pad = a[2].str();
  if (len < 0 || (pad.empty() && static_cast<int64_t>(s.size()) < len)) return Value::Null();
  size_t target = static_cast<size_t>(len);
  if (s.size() >= target) return SameKind(a[0], s.substr(0, target));
  std::string fill;
  while (fill.size() < target - s.size()) fill += pad;
  fill.resize(target - s.size());
  return SameKind(a[0], kLeft ? fill + s : s + fill);
}

Value Reverse(Args a, const CallInfo&, EvalContext&) {
  std::string s = a[0].str();
  std::reverse(s.begin(), s.end());
  return SameKind(a[0], std::move(s));
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry* r) {
  r->AddSimple("LEN", Len);
  r->AddSimple("LENGTH", Len);
  r->AddSimple("UCASE", Upper);
  r->AddSimple("LCASE", Lower);
  r->AddSimple("TRIM", Trim<true, true>);
  r->AddSimple("LTRIM", Trim<true, false>);
  r->AddSimple("RTRIM", Trim<false, true>);
  r->AddSimple("SUBSTRING", Substring);
  r->AddSimple("INITCAP", InitCap);
  r->AddSimple("CONCAT_WS", ConcatWs, /*null_on_null=*/false);
  r->AddSimple("REPLACE", Replace);
  r->AddSimple("INSTR", Instr);
  r->AddSimple("SPLIT", Split);
  r->AddSimple("LPAD", Pad<true>);
  r->AddSimple("RPAD", Pad<false>);
  r->AddSimple("REVERSE", Reverse);
}

}  // namespace skein::runtime::internal
