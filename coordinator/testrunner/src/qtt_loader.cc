// Loading of ksqlDB QTT files: comment stripping, per-format/per-config expansion, and the
// translation of each case's JSON into a Case.

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "json_text.h"
#include "simdjson.h"
#include "skein/common/status.h"
#include "skein/testrunner/loader.h"

namespace skein::testrunner {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = text.find(from, pos)) != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
}

absl::Status Invalid(std::string_view where, std::string_view what) {
  return absl::InvalidArgumentError(std::string(where) + ": " + std::string(what));
}

absl::StatusOr<std::string> GetString(element e, std::string_view where) {
  std::string_view text;
  if (e.get_string().get(text) != simdjson::SUCCESS) return Invalid(where, "expected a string");
  return std::string(text);
}

absl::StatusOr<int64_t> GetInt(element e, std::string_view where) {
  int64_t value = 0;
  if (e.get_int64().get(value) == simdjson::SUCCESS) return value;
  // Some files write numbers as strings ("1000"); accept them when they are integers.
  std::string_view text;
  if (e.get_string().get(text) == simdjson::SUCCESS && !text.empty()) {
    char* end = nullptr;
    std::string owned(text);
    long long parsed = std::strtoll(owned.c_str(), &end, 10);
    if (end != nullptr && *end == '\0') return static_cast<int64_t>(parsed);
  }
  return Invalid(where, "expected an integer");
}

absl::StatusOr<std::vector<std::string>> GetStrings(element e, std::string_view where) {
  array items;
  if (e.get_array().get(items) != simdjson::SUCCESS) {
    return Invalid(where, "expected an array of strings");
  }
  std::vector<std::string> out;
  for (element item : items) {
    SKEIN_ASSIGN_OR_RETURN(std::string text, GetString(item, where));
    out.push_back(std::move(text));
  }
  return out;
}

// Array items of an optional field; an absent or null field is an empty list.
absl::StatusOr<std::vector<element>> GetItems(object obj, std::string_view key,
                                              std::string_view where) {
  std::vector<element> out;
  std::optional<element> field = internal::Field(obj, key);
  if (!field || field->is_null()) return out;
  array items;
  if (field->get_array().get(items) != simdjson::SUCCESS) {
    return Invalid(where, std::string("`") + std::string(key) + "` must be an array");
  }
  for (element item : items) out.push_back(item);
  return out;
}

absl::StatusOr<object> GetObject(element e, std::string_view where) {
  object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS) return Invalid(where, "expected an object");
  return obj;
}

absl::StatusOr<std::map<std::string, std::string>> GetScalarMap(element e, std::string_view where) {
  SKEIN_ASSIGN_OR_RETURN(object obj, GetObject(e, where));
  std::map<std::string, std::string> out;
  for (auto field : obj) out[std::string(field.key)] = internal::ScalarText(field.value);
  return out;
}

// `"JSON"` or `{"format": "AVRO", "features": [...], "properties": {...}}`.
absl::StatusOr<FormatSpec> ParseFormat(element e, std::string_view where) {
  FormatSpec spec;
  std::string_view text;
  if (e.get_string().get(text) == simdjson::SUCCESS) {
    spec.format = Upper(text);
    return spec;
  }
  SKEIN_ASSIGN_OR_RETURN(object obj, GetObject(e, where));
  if (auto format = internal::Field(obj, "format")) {
    SKEIN_ASSIGN_OR_RETURN(std::string name, GetString(*format, where));
    spec.format = Upper(name);
  }
  if (auto features = internal::Field(obj, "features")) {
    SKEIN_ASSIGN_OR_RETURN(spec.features, GetStrings(*features, where));
  }
  if (auto properties = internal::Field(obj, "properties")) {
    SKEIN_ASSIGN_OR_RETURN(spec.properties, GetScalarMap(*properties, where));
  }
  return spec;
}

absl::StatusOr<std::optional<FormatSpec>> OptionalFormat(object obj, std::string_view key,
                                                         std::string_view where) {
  std::optional<element> field = internal::Field(obj, key);
  if (!field || field->is_null()) return std::optional<FormatSpec>();
  SKEIN_ASSIGN_OR_RETURN(FormatSpec spec, ParseFormat(*field, where));
  return std::optional<FormatSpec>(std::move(spec));
}

std::optional<std::string> OptionalJsonText(object obj, std::string_view key) {
  std::optional<element> field = internal::Field(obj, key);
  if (!field || field->is_null()) return std::nullopt;
  return internal::ToJsonText(*field);
}

absl::StatusOr<TopicSpec> ParseTopic(element e, const std::string& where) {
  SKEIN_ASSIGN_OR_RETURN(object obj, GetObject(e, where));
  TopicSpec topic;
  std::optional<element> name = internal::Field(obj, "name");
  if (!name) return Invalid(where, "topic without `name`");
  SKEIN_ASSIGN_OR_RETURN(topic.name, GetString(*name, where));
  const std::string topic_where = where + " topic " + topic.name;
  if (auto partitions = internal::Field(obj, "partitions")) {
    SKEIN_ASSIGN_OR_RETURN(int64_t count, GetInt(*partitions, topic_where));
    topic.partitions = static_cast<int>(count);
  }
  // `format` is the older spelling of the value format.
  SKEIN_ASSIGN_OR_RETURN(auto legacy, OptionalFormat(obj, "format", topic_where));
  SKEIN_ASSIGN_OR_RETURN(auto key_format, OptionalFormat(obj, "keyFormat", topic_where));
  SKEIN_ASSIGN_OR_RETURN(auto value_format, OptionalFormat(obj, "valueFormat", topic_where));
  if (key_format) topic.key_format = *key_format;
  if (value_format) {
    topic.value_format = *value_format;
  } else if (legacy) {
    topic.value_format = *legacy;
  }
  topic.key_schema = OptionalJsonText(obj, "keySchema");
  topic.value_schema = OptionalJsonText(obj, "valueSchema");
  if (auto id = internal::Field(obj, "keySchemaId")) {
    SKEIN_ASSIGN_OR_RETURN(int64_t value, GetInt(*id, topic_where));
    topic.key_schema_id = static_cast<int>(value);
  }
  if (auto id = internal::Field(obj, "valueSchemaId")) {
    SKEIN_ASSIGN_OR_RETURN(int64_t value, GetInt(*id, topic_where));
    topic.value_schema_id = static_cast<int>(value);
  }
  return topic;
}

absl::StatusOr<PostConditions> ParsePost(element e, const std::string& where) {
  SKEIN_ASSIGN_OR_RETURN(object obj, GetObject(e, where));
  PostConditions post;
  SKEIN_ASSIGN_OR_RETURN(std::vector<element> sources, GetItems(obj, "sources", where));
  for (element item : sources) {
    SKEIN_ASSIGN_OR_RETURN(object src, GetObject(item, where + " post source"));
    ExpectedSource source;
    if (auto name = internal::Field(src, "name")) {
      SKEIN_ASSIGN_OR_RETURN(source.name, GetString(*name, where));
    }
    const std::string source_where = where + " post source " + source.name;
    if (auto type = internal::Field(src, "type")) {
      SKEIN_ASSIGN_OR_RETURN(std::string text, GetString(*type, source_where));
      source.type = Lower(text);
    }
    if (auto schema = internal::Field(src, "schema")) {
      SKEIN_ASSIGN_OR_RETURN(source.schema, GetString(*schema, source_where));
    }
    SKEIN_ASSIGN_OR_RETURN(source.key_format, OptionalFormat(src, "keyFormat", source_where));
    SKEIN_ASSIGN_OR_RETURN(source.value_format, OptionalFormat(src, "valueFormat", source_where));
    if (auto features = internal::Field(src, "keyFeatures")) {
      SKEIN_ASSIGN_OR_RETURN(source.key_features, GetStrings(*features, source_where));
    }
    if (auto features = internal::Field(src, "valueFeatures")) {
      SKEIN_ASSIGN_OR_RETURN(source.value_features, GetStrings(*features, source_where));
    }
    post.sources.push_back(std::move(source));
  }
  std::optional<element> topics = internal::Field(obj, "topics");
  if (topics && !topics->is_null()) {
    // Either {"topics": [...], "blacklist": "regex"} or directly a list.
    element list = *topics;
    object topics_obj;
    if (topics->get_object().get(topics_obj) == simdjson::SUCCESS) {
      if (auto denylist = internal::Field(topics_obj, "blacklist")) {
        SKEIN_ASSIGN_OR_RETURN(post.topic_denylist, GetString(*denylist, where));
      }
      SKEIN_ASSIGN_OR_RETURN(std::vector<element> items, GetItems(topics_obj, "topics", where));
      for (element item : items) {
        SKEIN_ASSIGN_OR_RETURN(TopicSpec spec, ParseTopic(item, where + " post"));
        ExpectedTopic expected;
        expected.name = spec.name;
        SKEIN_ASSIGN_OR_RETURN(object raw, GetObject(item, where));
        SKEIN_ASSIGN_OR_RETURN(expected.key_format, OptionalFormat(raw, "keyFormat", where));
        SKEIN_ASSIGN_OR_RETURN(expected.value_format, OptionalFormat(raw, "valueFormat", where));
        expected.key_schema = spec.key_schema;
        expected.value_schema = spec.value_schema;
        post.topics.push_back(std::move(expected));
      }
    } else {
      array items;
      if (list.get_array().get(items) != simdjson::SUCCESS) {
        return Invalid(where, "`post.topics` must be an object or an array");
      }
      for (element item : items) {
        SKEIN_ASSIGN_OR_RETURN(TopicSpec spec, ParseTopic(item, where + " post"));
        ExpectedTopic expected;
        expected.name = spec.name;
        expected.key_schema = spec.key_schema;
        expected.value_schema = spec.value_schema;
        post.topics.push_back(std::move(expected));
      }
    }
  }
  return post;
}

// Builds one (already placeholder-substituted) case.
absl::StatusOr<Case> ParseCase(element e, const std::string& where) {
  SKEIN_ASSIGN_OR_RETURN(object obj, GetObject(e, where));
  Case c;
  std::optional<element> name = internal::Field(obj, "name");
  if (!name) return Invalid(where, "case without `name`");
  SKEIN_ASSIGN_OR_RETURN(c.name, GetString(*name, where));
  const std::string case_where = where + " (" + c.name + ")";
  std::optional<element> statements = internal::Field(obj, "statements");
  if (!statements) return Invalid(case_where, "case without `statements`");
  SKEIN_ASSIGN_OR_RETURN(c.statements, GetStrings(*statements, case_where));
  if (auto properties = internal::Field(obj, "properties")) {
    SKEIN_ASSIGN_OR_RETURN(c.properties, GetScalarMap(*properties, case_where));
  }
  SKEIN_ASSIGN_OR_RETURN(std::vector<element> inputs, GetItems(obj, "inputs", case_where));
  for (size_t i = 0; i < inputs.size(); ++i) {
    SKEIN_ASSIGN_OR_RETURN(
        TestRecord record,
        internal::ParseRecord(inputs[i], case_where + " input " + std::to_string(i)));
    c.inputs.push_back(std::move(record));
  }
  SKEIN_ASSIGN_OR_RETURN(std::vector<element> outputs, GetItems(obj, "outputs", case_where));
  for (size_t i = 0; i < outputs.size(); ++i) {
    SKEIN_ASSIGN_OR_RETURN(
        TestRecord record,
        internal::ParseRecord(outputs[i], case_where + " output " + std::to_string(i)));
    c.outputs.push_back(std::move(record));
  }
  SKEIN_ASSIGN_OR_RETURN(std::vector<element> topics, GetItems(obj, "topics", case_where));
  for (element item : topics) {
    SKEIN_ASSIGN_OR_RETURN(TopicSpec topic, ParseTopic(item, case_where));
    c.topics.push_back(std::move(topic));
  }
  std::optional<element> exception = internal::Field(obj, "expectedException");
  if (exception && !exception->is_null()) {
    SKEIN_ASSIGN_OR_RETURN(object ex, GetObject(*exception, case_where));
    ExpectedException expected;
    if (auto type = internal::Field(ex, "type")) {
      SKEIN_ASSIGN_OR_RETURN(expected.type, GetString(*type, case_where));
    }
    if (auto message = internal::Field(ex, "message")) {
      SKEIN_ASSIGN_OR_RETURN(expected.message, GetString(*message, case_where));
    }
    c.expected_exception = std::move(expected);
  }
  std::optional<element> post = internal::Field(obj, "post");
  if (post && !post->is_null()) {
    SKEIN_ASSIGN_OR_RETURN(PostConditions conditions, ParsePost(*post, case_where));
    c.post = std::move(conditions);
  }
  if (auto enabled = internal::Field(obj, "enabled")) {
    bool value = true;
    if (enabled->get_bool().get(value) != simdjson::SUCCESS) {
      return Invalid(case_where, "`enabled` must be a boolean");
    }
    c.enabled = value;
  }
  return c;
}

}  // namespace

namespace internal {

absl::StatusOr<TestRecord> ParseRecord(element e, std::string_view where_view) {
  const std::string where(where_view);
  SKEIN_ASSIGN_OR_RETURN(object obj, GetObject(e, where));
  TestRecord record;
  std::optional<element> topic = Field(obj, "topic");
  if (!topic) return Invalid(where, "record without `topic`");
  SKEIN_ASSIGN_OR_RETURN(record.topic, GetString(*topic, where));
  if (auto key = Field(obj, "key")) record.key = ToJsonText(*key);
  if (auto value = Field(obj, "value")) record.value = ToJsonText(*value);
  std::optional<element> timestamp = Field(obj, "timestamp");
  if (timestamp && !timestamp->is_null()) {
    SKEIN_ASSIGN_OR_RETURN(record.timestamp, GetInt(*timestamp, where + " timestamp"));
  }
  std::optional<element> headers = Field(obj, "headers");
  if (headers && !headers->is_null()) record.headers = ToJsonText(*headers);
  std::optional<element> window = Field(obj, "window");
  if (window && !window->is_null()) {
    SKEIN_ASSIGN_OR_RETURN(object win, GetObject(*window, where + " window"));
    WindowSpec spec;
    std::optional<element> start = Field(win, "start");
    std::optional<element> end = Field(win, "end");
    std::optional<element> type = Field(win, "type");
    if (!start || !end || !type) return Invalid(where, "window needs start, end and type");
    SKEIN_ASSIGN_OR_RETURN(spec.start, GetInt(*start, where + " window start"));
    SKEIN_ASSIGN_OR_RETURN(spec.end, GetInt(*end, where + " window end"));
    SKEIN_ASSIGN_OR_RETURN(std::string type_text, GetString(*type, where + " window type"));
    spec.type = Lower(type_text);
    record.window = std::move(spec);
  }
  return record;
}

}  // namespace internal

std::string StripJsonComments(std::string_view text) {
  std::string out(text);
  bool in_string = false;
  for (size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '/') {
      while (i < out.size() && out[i] != '\n') out[i++] = ' ';
    } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '*') {
      out[i] = out[i + 1] = ' ';
      i += 2;
      while (i < out.size() && !(out[i] == '*' && i + 1 < out.size() && out[i + 1] == '/')) {
        if (out[i] != '\n') out[i] = ' ';
        ++i;
      }
      if (i < out.size()) out[i] = out[i + 1] = ' ';
      ++i;
    }
  }
  return out;
}

absl::StatusOr<std::vector<Case>> ParseQtt(std::string_view text, std::string_view file_name) {
  const std::string file(file_name);
  const std::string stripped = StripJsonComments(text);
  simdjson::dom::parser file_parser;
  element root;
  SKEIN_RETURN_IF_ERROR(internal::ParseJson(file_parser, stripped, file, &root));
  SKEIN_ASSIGN_OR_RETURN(object root_obj, GetObject(root, file));
  SKEIN_ASSIGN_OR_RETURN(std::vector<element> tests, GetItems(root_obj, "tests", file));

  // A second parser: re-parsing a substituted case must not invalidate the file's DOM.
  simdjson::dom::parser case_parser;
  std::vector<Case> cases;
  for (size_t i = 0; i < tests.size(); ++i) {
    const std::string where = file + " case " + std::to_string(i);
    SKEIN_ASSIGN_OR_RETURN(object obj, GetObject(tests[i], where));
    std::vector<std::optional<std::string>> formats;
    std::vector<std::optional<std::string>> configs;
    if (auto format = internal::Field(obj, "format")) {
      SKEIN_ASSIGN_OR_RETURN(std::vector<std::string> list, GetStrings(*format, where));
      formats.assign(list.begin(), list.end());
    }
    if (auto config = internal::Field(obj, "config")) {
      array list;
      if (config->get_array().get(list) != simdjson::SUCCESS) {
        return Invalid(where, "`config` must be an array");
      }
      for (element value : list) configs.emplace_back(internal::ScalarText(value));
    }
    if (formats.empty()) formats.emplace_back();
    if (configs.empty()) configs.emplace_back();

    const std::string raw = internal::ToJsonText(tests[i]);
    for (const auto& format : formats) {
      for (const auto& config : configs) {
        // Substituting in the JSON text reaches every place a placeholder may sit
        // (statements, topic formats, expected messages, post-conditions) at once.
        std::string substituted = raw;
        if (format) ReplaceAll(substituted, "{FORMAT}", internal::JsonEscape(*format));
        if (config) ReplaceAll(substituted, "{CONFIG}", internal::JsonEscape(*config));
        element expanded;
        SKEIN_RETURN_IF_ERROR(internal::ParseJson(case_parser, substituted, where, &expanded));
        SKEIN_ASSIGN_OR_RETURN(Case c, ParseCase(expanded, where));
        if (format) {
          c.name += " - " + *format;
          c.format = *format;
        }
        if (config) c.name += " - " + *config;
        c.file = file;
        cases.push_back(std::move(c));
      }
    }
  }
  return cases;
}

absl::StatusOr<std::vector<Case>> LoadQttFile(const std::string& path) {
  SKEIN_ASSIGN_OR_RETURN(std::string text, internal::ReadFile(path));
  return ParseQtt(text, std::filesystem::path(path).filename().string());
}

absl::StatusOr<std::vector<std::string>> ListQttFiles(const std::string& path_or_dir) {
  std::error_code ec;
  const std::filesystem::path path(path_or_dir);
  if (std::filesystem::is_regular_file(path, ec)) return std::vector<std::string>{path_or_dir};
  if (!std::filesystem::is_directory(path, ec)) {
    return absl::NotFoundError("no such file or directory: " + path_or_dir);
  }
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace skein::testrunner
