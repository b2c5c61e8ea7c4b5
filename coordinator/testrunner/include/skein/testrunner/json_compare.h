#pragma once

// Semantic comparison of expected vs actual JSON text, following ksqlDB's QTT rules
// (ExpectedRecordComparator), adapted to an engine that hands back JSON text:
//  - objects: same number of fields; each expected field is looked up by its exact name,
//    then by its upper-cased name; a field missing from the actual object is a mismatch;
//  - arrays: same length, element by element;
//  - numbers: two integers compare exactly (any size); otherwise numerically as doubles.
//    JSON text carries no DECIMAL type, so a decimal's scale is not checked (10.5 == 10.50);
//  - an expected string matches an actual string with the same text, or an actual number
//    whose value equals the string read as a decimal (ksqlDB writes big decimals as strings);
//  - booleans by value; expected null matches only null.
// Stateless free functions; safe from any thread.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "skein/testrunner/test_case.h"

namespace skein::testrunner {

// True when `actual_json` matches `expected_json` by the rules above. INVALID_ARGUMENT when
// either text is not JSON. On a mismatch, `*why` (if given) names the first differing path,
// e.g. `$.ITEMS[2]: expected 3, got 4`.
absl::StatusOr<bool> JsonMatches(std::string_view expected_json, std::string_view actual_json,
                                 std::string* why = nullptr);

// Compares one expected output record with an actual one: topic, key, value (JsonMatches),
// timestamp only when the expected record has one, window when either has one, headers only
// when the expected record has them. `*why` as above, prefixed by the field ("value.$.A").
absl::StatusOr<bool> RecordMatches(const TestRecord& expected, const TestRecord& actual,
                                   std::string* why = nullptr);

// One line for a report: `topic=T key=K value=V timestamp=N window=[s,e,type]`.
std::string FormatRecord(const TestRecord& record);

}  // namespace skein::testrunner
