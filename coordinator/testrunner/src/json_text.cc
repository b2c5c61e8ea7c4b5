#include "json_text.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "skein/common/json_escape.h"

namespace skein::testrunner::internal {

absl::Status ParseJson(simdjson::dom::parser& parser, std::string_view text, std::string_view what,
                       simdjson::dom::element* out) {
  simdjson::error_code error = parser.parse(text.data(), text.size()).get(*out);
  if (error != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat(absl::string_view(what.data(), what.size()),
                     ": not valid JSON: ", simdjson::error_message(error)));
  }
  return absl::OkStatus();
}

std::string ToJsonText(simdjson::dom::element element) { return simdjson::minify(element); }

std::string JsonEscape(std::string_view text) {
  std::string out;
  AppendJsonEscaped(text, &out);
  return out;
}

std::string JsonQuote(std::string_view text) { return ::skein::JsonQuote(text); }

std::optional<simdjson::dom::element> Field(simdjson::dom::object object, std::string_view key) {
  simdjson::dom::element value;
  if (object.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

std::string ScalarText(simdjson::dom::element element) {
  std::string_view text;
  if (element.get_string().get(text) == simdjson::SUCCESS) return std::string(text);
  return ToJsonText(element);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace skein::testrunner::internal
