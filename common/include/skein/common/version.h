#pragma once

namespace skein {

inline constexpr char kVersion[] = "0.1.0";

}  // namespace skein
