#include "signature_pattern.h"

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "skein/types/cast.h"

namespace skein::functions {

using types::SqlType;
using types::TypeKind;

namespace {

// Parsed pattern tree.
struct Pattern {
  enum class Kind { kConcrete, kAnyDecimal, kGeneric, kArray, kMap, kAny, kAnyStruct, kParamRef };
  Kind kind = Kind::kAny;
  std::optional<SqlType> concrete;
  std::string generic;  // kGeneric name
  int param_ref = 0;    // kParamRef: "$N"
  std::vector<Pattern> children;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Splits at commas that are not nested in <>.
std::vector<std::string_view> SplitTop(std::string_view s) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<') ++depth;
    if (s[i] == '>') --depth;
    if (s[i] == ',' && depth == 0) {
      out.push_back(Trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.push_back(Trim(s.substr(start)));
  return out;
}

std::optional<Pattern> Parse(std::string_view text) {
  text = Trim(text);
  Pattern p;
  auto inner = [&](std::string_view prefix) -> std::optional<std::string_view> {
    if (text.size() > prefix.size() + 1 && text.substr(0, prefix.size()) == prefix &&
        text[prefix.size()] == '<' && text.back() == '>') {
      return text.substr(prefix.size() + 1, text.size() - prefix.size() - 2);
    }
    return std::nullopt;
  };
  if (auto in = inner("ARRAY")) {
    auto child = Parse(*in);
    if (!child) return std::nullopt;
    p.kind = Pattern::Kind::kArray;
    p.children.push_back(*child);
    return p;
  }
  if (auto in = inner("MAP")) {
    auto parts = SplitTop(*in);
    if (parts.size() != 2) return std::nullopt;
    auto k = Parse(parts[0]);
    auto v = Parse(parts[1]);
    if (!k || !v) return std::nullopt;
    p.kind = Pattern::Kind::kMap;
    p.children = {*k, *v};
    return p;
  }
  static const std::map<std::string_view, TypeKind, std::less<>> kPrimitives = {
      {"BOOLEAN", TypeKind::kBoolean},
      {"INTEGER", TypeKind::kInteger},
      {"BIGINT", TypeKind::kBigint},
      {"DOUBLE", TypeKind::kDouble},
      {"STRING", TypeKind::kString},
      {"BYTES", TypeKind::kBytes},
      {"TIMESTAMP", TypeKind::kTimestamp},
      {"DATE", TypeKind::kDate},
      {"TIME", TypeKind::kTime}};
  if (auto it = kPrimitives.find(text); it != kPrimitives.end()) {
    p.kind = Pattern::Kind::kConcrete;
    p.concrete = SqlType::Primitive(it->second);
    return p;
  }
  if (text == "DECIMAL") {
    p.kind = Pattern::Kind::kAnyDecimal;
  } else if (text == "ANY") {
    p.kind = Pattern::Kind::kAny;
  } else if (text == "STRUCT") {
    p.kind = Pattern::Kind::kAnyStruct;
  } else if (text.size() == 2 && text[0] == '$') {
    p.kind = Pattern::Kind::kParamRef;
    p.param_ref = text[1] - '0';
  } else if (text.size() == 1 && text[0] >= 'A' && text[0] <= 'Z') {
    p.kind = Pattern::Kind::kGeneric;
    p.generic = std::string(text);
  } else {
    return std::nullopt;
  }
  return p;
}

// Rank in the implicit widening chain, or -1 for non-numbers.
int NumericRank(TypeKind k) {
  switch (k) {
    case TypeKind::kInteger:
      return 0;
    case TypeKind::kBigint:
      return 1;
    case TypeKind::kDecimal:
      return 2;
    case TypeKind::kDouble:
      return 3;
    default:
      return -1;
  }
}

using Bindings = std::map<std::string, SqlType>;

// Pass 1: checks shape and binds generics; accumulates the widening cost.
bool Bind(const Pattern& p, const SqlType& arg, Bindings* b, int* cost) {
  switch (p.kind) {
    case Pattern::Kind::kAny:
      return true;
    case Pattern::Kind::kParamRef:
      return false;
    case Pattern::Kind::kAnyStruct:
      return arg.kind() == TypeKind::kStruct;
    case Pattern::Kind::kConcrete: {
      if (arg == *p.concrete) return true;
      const int from = NumericRank(arg.kind()), to = NumericRank(p.concrete->kind());
      if (from >= 0 && to > from) {
        *cost += to - from;
        return true;
      }
      return false;
    }
    case Pattern::Kind::kAnyDecimal: {
      if (arg.kind() == TypeKind::kDecimal) return true;
      const int from = NumericRank(arg.kind());
      if (from >= 0 && from < 2) {
        *cost += 2 - from;
        return true;
      }
      return false;
    }
    case Pattern::Kind::kGeneric: {
      auto it = b->find(p.generic);
      if (it == b->end()) {
        b->emplace(p.generic, arg);
        return true;
      }
      if (it->second == arg) return true;
      if (it->second.IsNumeric() && arg.IsNumeric()) {
        auto wider = types::WiderNumericType(it->second, arg);
        if (!wider) return false;
        *cost += 1;
        it->second = *wider;
        return true;
      }
      return false;
    }
    case Pattern::Kind::kArray:
      return arg.kind() == TypeKind::kArray && Bind(p.children[0], arg.element(), b, cost);
    case Pattern::Kind::kMap:
      return arg.kind() == TypeKind::kMap && Bind(p.children[0], arg.key(), b, cost) &&
             Bind(p.children[1], arg.value(), b, cost);
  }
  return false;
}

// Pass 2: the concrete type of a pattern once all generics are bound.
SqlType Substitute(const Pattern& p, const ArgType& arg, const Bindings& b,
                   const std::vector<SqlType>& params) {
  switch (p.kind) {
    case Pattern::Kind::kConcrete:
      return *p.concrete;
    case Pattern::Kind::kAnyDecimal:
      if (arg) {
        if (auto d = types::AsDecimalType(*arg)) return *d;
      }
      return SqlType::Decimal(10, 0);
    case Pattern::Kind::kAny:
    case Pattern::Kind::kAnyStruct:
      return arg ? *arg : SqlType::String();
    case Pattern::Kind::kParamRef:
      return static_cast<size_t>(p.param_ref) < params.size() ? params[p.param_ref]
                                                              : SqlType::String();
    case Pattern::Kind::kGeneric: {
      auto it = b.find(p.generic);
      if (it != b.end()) return it->second;
      return arg ? *arg : SqlType::String();  // an unbound generic (all NULL) defaults
    }
    case Pattern::Kind::kArray: {
      ArgType element;
      if (arg && arg->kind() == TypeKind::kArray) element = arg->element();
      return SqlType::Array(Substitute(p.children[0], element, b, params));
    }
    case Pattern::Kind::kMap: {
      ArgType k, v;
      if (arg && arg->kind() == TypeKind::kMap) {
        k = arg->key();
        v = arg->value();
      }
      return SqlType::Map(Substitute(p.children[0], k, b, params),
                          Substitute(p.children[1], v, b, params));
    }
  }
  return SqlType::String();
}

}  // namespace

std::optional<SqlType> ParseConcreteType(std::string_view text) {
  auto p = Parse(text);
  if (!p) return std::nullopt;
  std::vector<SqlType> none;
  Bindings b;
  return Substitute(*p, std::nullopt, b, none);
}

absl::StatusOr<MatchResult> MatchOverload(const Overload& overload,
                                          const std::vector<ArgType>& args) {
  const size_t fixed = overload.params.size() - (overload.variadic ? 1 : 0);
  if (args.size() < fixed || (!overload.variadic && args.size() != fixed)) {
    return absl::NotFoundError("arity");
  }
  std::vector<Pattern> patterns;
  for (const auto& text : overload.params) {
    auto p = Parse(text);
    if (!p) return absl::InvalidArgumentError(absl::StrCat("bad pattern ", text));
    patterns.push_back(std::move(*p));
  }
  auto pattern_for = [&](size_t i) -> const Pattern& {
    return i < patterns.size() ? patterns[i] : patterns.back();
  };
  MatchResult result;
  Bindings bindings;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!args[i]) continue;  // NULL fits any parameter
    if (!Bind(pattern_for(i), *args[i], &bindings, &result.cost)) {
      return absl::NotFoundError("mismatch");
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    result.param_types.push_back(Substitute(pattern_for(i), args[i], bindings, result.param_types));
  }
  if (!overload.return_fn) {
    auto r = Parse(overload.returns);
    if (!r) return absl::InvalidArgumentError(absl::StrCat("bad pattern ", overload.returns));
    result.return_type = Substitute(*r, std::nullopt, bindings, result.param_types);
  }
  return result;
}

}  // namespace skein::functions
