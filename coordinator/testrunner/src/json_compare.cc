// ksqlDB's expected-vs-actual rules (see json_compare.h) over simdjson DOM trees.

#include "skein/testrunner/json_compare.h"

#include <cctype>
#include <cstdlib>
#include <string>

#include "json_text.h"
#include "simdjson.h"
#include "skein/common/status.h"

namespace skein::testrunner {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

bool IsNumber(element e) {
  const element_type type = e.type();
  return type == element_type::INT64 || type == element_type::UINT64 ||
         type == element_type::DOUBLE;
}

bool IsInteger(element e) {
  return e.type() == element_type::INT64 || e.type() == element_type::UINT64;
}

double AsDouble(element e) {
  switch (e.type()) {
    case element_type::INT64:
      return static_cast<double>(e.get_int64().value_unsafe());
    case element_type::UINT64:
      return static_cast<double>(e.get_uint64().value_unsafe());
    default:
      return e.get_double().value_unsafe();
  }
}

// Exact comparison of two integers of either signedness.
bool IntegersEqual(element a, element b) {
  if (a.type() == b.type()) {
    return a.type() == element_type::INT64
               ? a.get_int64().value_unsafe() == b.get_int64().value_unsafe()
               : a.get_uint64().value_unsafe() == b.get_uint64().value_unsafe();
  }
  // simdjson uses UINT64 only above INT64_MAX, so a mixed pair never matches.
  return false;
}

std::string Short(element e) {
  std::string text = internal::ToJsonText(e);
  if (text.size() > 120) text = text.substr(0, 117) + "...";
  return text;
}

bool Mismatch(const std::string& path, element expected, element actual, std::string* why) {
  if (why != nullptr) {
    *why = path + ": expected " + Short(expected) + ", got " + Short(actual);
  }
  return false;
}

// `text` read wholly as a number, if it is one.
bool ParseNumberText(std::string_view text, double* out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return false;
  std::string owned(text);
  char* end = nullptr;
  *out = std::strtod(owned.c_str(), &end);
  return end != nullptr && *end == '\0';
}

bool Matches(element expected, element actual, const std::string& path, std::string* why) {
  switch (expected.type()) {
    case element_type::NULL_VALUE:
      return actual.is_null() || Mismatch(path, expected, actual, why);
    case element_type::BOOL:
      return (actual.type() == element_type::BOOL &&
              expected.get_bool().value_unsafe() == actual.get_bool().value_unsafe()) ||
             Mismatch(path, expected, actual, why);
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: {
      if (!IsNumber(actual)) return Mismatch(path, expected, actual, why);
      if (IsInteger(expected) && IsInteger(actual)) {
        return IntegersEqual(expected, actual) || Mismatch(path, expected, actual, why);
      }
      return AsDouble(expected) == AsDouble(actual) || Mismatch(path, expected, actual, why);
    }
    case element_type::STRING: {
      std::string_view want = expected.get_string().value_unsafe();
      if (actual.type() == element_type::STRING) {
        return want == actual.get_string().value_unsafe() || Mismatch(path, expected, actual, why);
      }
      // ksqlDB accepts a decimal written as a string in the expectation.
      double number = 0;
      if (IsNumber(actual) && ParseNumberText(want, &number)) {
        return number == AsDouble(actual) || Mismatch(path, expected, actual, why);
      }
      return Mismatch(path, expected, actual, why);
    }
    case element_type::ARRAY: {
      simdjson::dom::array want = expected.get_array().value_unsafe();
      simdjson::dom::array got;
      if (actual.get_array().get(got) != simdjson::SUCCESS || want.size() != got.size()) {
        return Mismatch(path, expected, actual, why);
      }
      size_t i = 0;
      auto got_it = got.begin();
      for (element item : want) {
        if (!Matches(item, *got_it, path + "[" + std::to_string(i) + "]", why)) return false;
        ++got_it;
        ++i;
      }
      return true;
    }
    case element_type::OBJECT: {
      simdjson::dom::object want = expected.get_object().value_unsafe();
      simdjson::dom::object got;
      if (actual.get_object().get(got) != simdjson::SUCCESS || want.size() != got.size()) {
        return Mismatch(path, expected, actual, why);
      }
      for (auto field : want) {
        const std::string name(field.key);
        std::optional<element> value = internal::Field(got, name);
        if (!value) {
          std::string upper = name;
          for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          value = internal::Field(got, upper);
        }
        const std::string field_path = path + "." + name;
        if (!value) {
          // Counts are equal, so a missing name means a differently named field: ksqlDB's
          // Struct lookup would throw there, i.e. never match.
          if (why != nullptr) {
            *why = field_path + ": expected " + Short(field.value) + ", got no such field";
          }
          return false;
        }
        if (!Matches(field.value, *value, field_path, why)) return false;
      }
      return true;
    }
  }
  return Mismatch(path, expected, actual, why);
}

std::string Trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(begin, end - begin));
}

std::string WindowText(const std::optional<WindowSpec>& window) {
  if (!window) return "none";
  return "[" + std::to_string(window->start) + "," + std::to_string(window->end) + "," +
         window->type + "]";
}

}  // namespace

absl::StatusOr<bool> JsonMatches(std::string_view expected_json, std::string_view actual_json,
                                 std::string* why) {
  simdjson::dom::parser expected_parser;
  simdjson::dom::parser actual_parser;
  element expected;
  element actual;
  absl::Status expected_status =
      internal::ParseJson(expected_parser, expected_json, "expected", &expected);
  absl::Status actual_status = internal::ParseJson(actual_parser, actual_json, "actual", &actual);
  if (!expected_status.ok() || !actual_status.ok()) {
    // simdjson rejects integers wider than 64 bits; such texts can still match verbatim.
    if (Trim(expected_json) == Trim(actual_json) && !Trim(expected_json).empty()) return true;
    return expected_status.ok() ? actual_status : expected_status;
  }
  return Matches(expected, actual, "$", why);
}

absl::StatusOr<bool> RecordMatches(const TestRecord& expected, const TestRecord& actual,
                                   std::string* why) {
  if (expected.topic != actual.topic) {
    if (why != nullptr) *why = "topic: expected " + expected.topic + ", got " + actual.topic;
    return false;
  }
  std::string detail;
  SKEIN_ASSIGN_OR_RETURN(bool key_ok, JsonMatches(expected.key, actual.key, &detail));
  if (!key_ok) {
    if (why != nullptr) *why = "key " + detail;
    return false;
  }
  SKEIN_ASSIGN_OR_RETURN(bool value_ok, JsonMatches(expected.value, actual.value, &detail));
  if (!value_ok) {
    if (why != nullptr) *why = "value " + detail;
    return false;
  }
  if (expected.timestamp && expected.timestamp != actual.timestamp) {
    if (why != nullptr) {
      *why = "timestamp: expected " + std::to_string(*expected.timestamp) + ", got " +
             (actual.timestamp ? std::to_string(*actual.timestamp) : std::string("none"));
    }
    return false;
  }
  if (expected.window != actual.window) {
    if (why != nullptr) {
      *why =
          "window: expected " + WindowText(expected.window) + ", got " + WindowText(actual.window);
    }
    return false;
  }
  if (expected.headers) {
    SKEIN_ASSIGN_OR_RETURN(bool headers_ok,
                           JsonMatches(*expected.headers, actual.headers.value_or("[]"), &detail));
    if (!headers_ok) {
      if (why != nullptr) *why = "headers " + detail;
      return false;
    }
  }
  return true;
}

std::string FormatRecord(const TestRecord& record) {
  std::string out = "topic=" + record.topic + " key=" + record.key + " value=" + record.value;
  if (record.timestamp) out += " timestamp=" + std::to_string(*record.timestamp);
  if (record.window) out += " window=" + WindowText(record.window);
  if (record.headers) out += " headers=" + *record.headers;
  return out;
}

}  // namespace skein::testrunner
