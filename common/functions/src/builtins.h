#pragma once

// Private: the built-in function table (signatures only; bodies live in the runtime).

#include <vector>

#include "skein/functions/registry.h"

namespace skein::functions {

std::vector<FunctionInfo> BuiltinFunctions();

}  // namespace skein::functions
