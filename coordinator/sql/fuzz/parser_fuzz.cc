// libFuzzer entry point for the SQL parser: any input must yield OK or INVALID_ARGUMENT with a
// "line L:C:" position, and a successful parse must print to SQL that parses again.
// Built only with -DSKEIN_FUZZ=ON under clang (see coordinator/sql/CMakeLists.txt).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "skein/sql/parser.h"
#include "skein/sql/printer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  skein::sql::ParseError error;
  auto parsed = skein::sql::ParseStatements(sql, &error);
  if (!parsed.ok()) {
    if (parsed.status().code() != absl::StatusCode::kInvalidArgument || error.line < 1 ||
        error.column < 1) {
      std::abort();
    }
    return 0;
  }
  for (const auto& stmt : *parsed) {
    std::string printed = skein::sql::StatementToSql(*stmt.statement);
    auto again = skein::sql::ParseStatement(printed);
    if (!again.ok() || skein::sql::StatementToSql(**again) != printed) std::abort();
  }
  return 0;
}
