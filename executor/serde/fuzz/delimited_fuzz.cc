// libFuzzer target for the DELIMITED format (harness and checks: fuzz_format.h).

#include "fuzz_format.h"

namespace skein::serde::fuzz {

using types::SqlType;

FuzzTarget MakeFuzzTarget() {
  FuzzTarget target;
  target.format = MakeFormat("DELIMITED", ValueColumns({{"I", SqlType::Integer()},
                                                        {"N", SqlType::Decimal(10, 2)},
                                                        {"S", SqlType::String()},
                                                        {"D", SqlType::Double()},
                                                        {"B", SqlType::Boolean()}}))
                      .value();
  target.empty_string_reads_back_as_null = true;
  return target;
}

}  // namespace skein::serde::fuzz
