#pragma once

// Private helpers over simdjson's DOM shared by the loaders and the comparator: parsing text
// with a useful error, rendering an element back to minified JSON text, escaping.
// Stateless; a dom::parser passed in is owned by the caller and used by one thread.

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "simdjson.h"
#include "skein/testrunner/test_case.h"

namespace skein::testrunner::internal {

// Parses `text` into `*out` (valid until `parser` parses again or dies). INVALID_ARGUMENT
// naming `what` and simdjson's reason on bad JSON.
absl::Status ParseJson(simdjson::dom::parser& parser, std::string_view text, std::string_view what,
                       simdjson::dom::element* out);

// Minified JSON text of `element`.
std::string ToJsonText(simdjson::dom::element element);

// A JSON string literal (quotes included) holding `text`.
std::string JsonQuote(std::string_view text);

// `text` escaped for use inside a JSON string literal (no quotes added).
std::string JsonEscape(std::string_view text);

// The field `key` of `object`, or nullopt when absent.
std::optional<simdjson::dom::element> Field(simdjson::dom::object object, std::string_view key);

// A scalar as property text: strings unquoted, everything else as JSON text.
std::string ScalarText(simdjson::dom::element element);

// Reads a whole file. NOT_FOUND when it cannot be opened.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// One record object `{topic, key?, value?, timestamp?, headers?, window?}` (defined in
// qtt_loader.cc). INVALID_ARGUMENT, prefixed by `where`, when it is malformed.
absl::StatusOr<TestRecord> ParseRecord(simdjson::dom::element element, std::string_view where);

}  // namespace skein::testrunner::internal
