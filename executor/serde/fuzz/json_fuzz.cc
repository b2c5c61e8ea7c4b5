// libFuzzer target for the JSON format (harness and checks: fuzz_format.h).

#include "fuzz_format.h"

namespace skein::serde::fuzz {

using types::SqlType;

FuzzTarget MakeFuzzTarget() {
  return {MakeFormat(
              "JSON",
              ValueColumns(
                  {{"I", SqlType::Integer()},
                   {"N", SqlType::Decimal(10, 2)},
                   {"S", SqlType::String()},
                   {"M", SqlType::Map(SqlType::String(), SqlType::Array(SqlType::Double()))},
                   {"X", SqlType::Struct({{"A", SqlType::Bytes()}, {"B", SqlType::Timestamp()}})}}))
              .value(),
          ""};
}

}  // namespace skein::serde::fuzz
