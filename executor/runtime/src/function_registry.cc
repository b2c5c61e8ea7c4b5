#include "skein/runtime/function_registry.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "expr_nodes.h"

namespace skein::runtime {

const FunctionRegistry& FunctionRegistry::Builtins() {
  static const FunctionRegistry* registry = [] {
    auto* r = new FunctionRegistry();
    internal::RegisterStringFunctions(r);
    internal::RegisterMathFunctions(r);
    internal::RegisterDateTimeFunctions(r);
    internal::RegisterJsonFunctions(r);
    internal::RegisterCollectionFunctions(r);
    return r;
  }();
  return *registry;
}

void FunctionRegistry::AddScalar(std::string_view name, ScalarBinder binder) {
  Entry e;
  e.binder = binder;
  scalars_[absl::AsciiStrToUpper(internal::AV(name))] = e;
}

void FunctionRegistry::AddSimple(std::string_view name, ScalarFn fn, bool null_on_null) {
  Entry e;
  e.simple = fn;
  e.null_on_null = null_on_null;
  scalars_[absl::AsciiStrToUpper(internal::AV(name))] = e;
}

void FunctionRegistry::AddTable(std::string_view name, TableFn fn) {
  tables_[absl::AsciiStrToUpper(internal::AV(name))] = fn;
}

absl::StatusOr<BoundScalar> FunctionRegistry::BindScalar(std::string_view name,
                                                         CallInfo* info) const {
  auto it = scalars_.find(absl::AsciiStrToUpper(internal::AV(name)));
  if (it == scalars_.end()) {
    return absl::NotFoundError(
        absl::StrCat("Can't find any functions with the name '", internal::AV(name), "'"));
  }
  if (it->second.binder != nullptr) return it->second.binder(info);
  return BoundScalar{it->second.simple, it->second.null_on_null};
}

absl::StatusOr<TableFn> FunctionRegistry::FindTable(std::string_view name) const {
  auto it = tables_.find(absl::AsciiStrToUpper(internal::AV(name)));
  if (it == tables_.end()) {
    return absl::NotFoundError(absl::StrCat("unknown table function ", internal::AV(name)));
  }
  return it->second;
}

bool FunctionRegistry::HasScalar(std::string_view name) const {
  return scalars_.contains(absl::AsciiStrToUpper(internal::AV(name)));
}

std::vector<std::string> FunctionRegistry::ScalarNames() const {
  std::vector<std::string> out;
  for (const auto& [name, entry] : scalars_) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace skein::runtime
