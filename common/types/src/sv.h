#pragma once

// Debian's Abseil has its own absl::string_view (not std::string_view): convert explicitly
// before handing text to absl::StrCat and friends.

#include <string_view>

#include "absl/strings/string_view.h"

namespace skein::types {

inline absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace skein::types
