#include "skein/functions/registry.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "builtins.h"
#include "signature_pattern.h"

namespace skein::functions {

using types::SqlType;
using types::TypeKind;

std::string ResolvedFunction::Key() const {
  std::vector<std::string> parts;
  parts.reserve(param_types.size());
  for (const auto& t : param_types) parts.push_back(t.ToString());
  return absl::StrCat(name, "(", absl::StrJoin(parts, ", "), ")");
}

FunctionRegistry::FunctionRegistry(std::vector<FunctionInfo> functions)
    : functions_(std::move(functions)) {
  std::sort(functions_.begin(), functions_.end(),
            [](const FunctionInfo& a, const FunctionInfo& b) { return a.name < b.name; });
}

const FunctionRegistry& FunctionRegistry::Default() {
  static const FunctionRegistry* registry = new FunctionRegistry(BuiltinFunctions());
  return *registry;
}

const FunctionInfo* FunctionRegistry::Find(std::string_view name) const {
  const std::string upper = absl::AsciiStrToUpper(absl::string_view(name.data(), name.size()));
  auto it =
      std::lower_bound(functions_.begin(), functions_.end(), upper,
                       [](const FunctionInfo& f, const std::string& n) { return f.name < n; });
  if (it == functions_.end() || it->name != upper) return nullptr;
  return &*it;
}

std::vector<std::string> FunctionRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& f : functions_) names.push_back(f.name);
  return names;
}

namespace {

std::string ArgListText(const std::vector<ArgType>& args) {
  std::vector<std::string> parts;
  for (const auto& a : args) parts.push_back(a ? a->ToString() : "null");
  return absl::StrJoin(parts, ", ");
}

std::string OverloadText(const FunctionInfo& f, const Overload& o) {
  if (!o.doc_params.empty()) return absl::StrCat(f.display_name, "(", o.doc_params, ")");
  std::vector<std::string> parts = o.params;
  if (o.variadic && !parts.empty()) parts.back() += "...";
  return absl::StrCat(f.display_name, "(", absl::StrJoin(parts, ", "), ")");
}

}  // namespace

absl::StatusOr<ResolvedFunction> FunctionRegistry::Resolve(std::string_view name,
                                                           const std::vector<ArgType>& args) const {
  const FunctionInfo* info = Find(name);
  if (info == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("Can't find any functions with the name '", std::string(name), "'"));
  }
  int best = -1;
  int best_cost = 1 << 30;
  std::vector<SqlType> best_params;
  std::optional<SqlType> best_return;
  for (size_t i = 0; i < info->overloads.size(); ++i) {
    const Overload& o = info->overloads[i];
    auto match = MatchOverload(o, args);
    if (!match.ok()) continue;
    // Fixed-arity overloads beat variadic ones at equal cost.
    const int cost = match->cost * 2 + (o.variadic ? 1 : 0);
    if (cost < best_cost) {
      best_cost = cost;
      best = static_cast<int>(i);
      best_params = std::move(match->param_types);
      best_return = std::move(match->return_type);
    }
  }
  if (best < 0) {
    std::string msg = absl::StrCat("Function '", info->display_name,
                                   "' does not accept parameters (", ArgListText(args), ").");
    if (!info->overloads.empty()) {
      absl::StrAppend(&msg, "\nValid alternatives are:");
      for (const auto& o : info->overloads) absl::StrAppend(&msg, "\n", OverloadText(*info, o));
    }
    return absl::InvalidArgumentError(msg);
  }
  const Overload& o = info->overloads[static_cast<size_t>(best)];
  ResolvedFunction r;
  r.name = info->name;
  r.kind = info->kind;
  r.overload = best;
  if (o.return_fn) {
    auto ret = o.return_fn(best_params);
    if (!ret.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Function '", info->display_name, "': ", ret.status().message()));
    }
    r.return_type = *ret;
  } else {
    r.return_type = best_return.value_or(SqlType::String());
  }
  r.param_types = std::move(best_params);
  return r;
}

}  // namespace skein::functions
