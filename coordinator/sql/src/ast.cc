#include "skein/sql/ast.h"

#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace skein::sql {

bool IsReservedWord(const std::string& upper_word) {
  // Words whose use as a bare name would make statements ambiguous; a subset of ksqlDB's
  // reserved words (its grammar keeps e.g. KEY, SOURCE, TIMESTAMP, MAP usable as names).
  static const auto* const kReserved = new absl::flat_hash_set<std::string_view>{
      "SELECT", "FROM",   "AS",     "ALL",   "DISTINCT", "WHERE", "WITHIN", "WINDOW", "GROUP",
      "BY",     "HAVING", "LIMIT",  "OR",    "AND",      "IN",    "NOT",    "EXISTS", "BETWEEN",
      "LIKE",   "IS",     "NULL",   "TRUE",  "FALSE",    "CASE",  "WHEN",   "THEN",   "ELSE",
      "END",    "JOIN",   "FULL",   "OUTER", "INNER",    "LEFT",  "RIGHT",  "ON",     "WITH",
      "VALUES", "CREATE", "INSERT", "INTO",  "DROP",     "CAST",  "TABLE",  "STREAM"};
  return kReserved->contains(upper_word);
}

int64_t TimeUnitMillis(const std::string& upper_word) {
  static const auto* const kUnits =
      new absl::flat_hash_map<std::string_view, int64_t>{{"MILLISECOND", 1},
                                                         {"MILLISECONDS", 1},
                                                         {"SECOND", 1000},
                                                         {"SECONDS", 1000},
                                                         {"MINUTE", 60 * 1000},
                                                         {"MINUTES", 60 * 1000},
                                                         {"HOUR", 60 * 60 * 1000},
                                                         {"HOURS", 60 * 60 * 1000},
                                                         {"DAY", 24 * 60 * 60 * 1000},
                                                         {"DAYS", 24 * 60 * 60 * 1000}};
  auto it = kUnits->find(upper_word);
  return it == kUnits->end() ? 0 : it->second;
}

}  // namespace skein::sql
