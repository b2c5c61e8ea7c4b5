// libFuzzer target for the KAFKA format (harness and checks: fuzz_format.h).

#include "fuzz_format.h"

namespace skein::serde::fuzz {

using types::SqlType;

FuzzTarget MakeFuzzTarget() {
  return {MakeFormat("KAFKA", ValueColumns({{"V", SqlType::Bigint()}})).value(), ""};
}

}  // namespace skein::serde::fuzz
