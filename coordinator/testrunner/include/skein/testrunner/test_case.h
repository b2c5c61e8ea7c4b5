#pragma once

// The data model of one runnable SQL test case, shared by the QTT loader, the
// ksql-test-runner file loader, the runner and every CaseEngine implementation.
//
// Record keys, values, headers and schemas are kept as JSON *text*, exactly as the test file
// spells them (re-serialized, minified): the engine converts them per the topic's format, and
// the comparator (json_compare.h) compares them semantically. Plain value types; no threading
// concerns.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace skein::testrunner {

// The window of a windowed key. `type` is "time" (tumbling/hopping) or "session", lower case.
struct WindowSpec {
  int64_t start = 0;
  int64_t end = 0;
  std::string type;

  bool operator==(const WindowSpec&) const = default;
};

// One record to produce or one record expected on a topic.
struct TestRecord {
  std::string topic;
  // JSON text: `null` when the file has no key (or an explicit null), else e.g. `1`, `"a"`,
  // `{"F1":2}`.
  std::string key = "null";
  // JSON text: `null` is a tombstone. DELIMITED values are JSON strings (`"1,a"`).
  std::string value = "null";
  // Absent on an input means 0 (the runner fills it before Produce); absent on an expected
  // output means "not checked".
  std::optional<int64_t> timestamp;
  // JSON text of the headers array (`[{"KEY":"h","VALUE":"base64"}]`), when given.
  std::optional<std::string> headers;
  std::optional<WindowSpec> window;
};

// A serialization format as the files describe it: `"JSON"` or
// `{"format":"AVRO","features":["UNWRAP_SINGLES"],"properties":{...}}`.
struct FormatSpec {
  std::string format;  // upper case, e.g. "JSON"; empty when unspecified
  std::vector<std::string> features;
  std::map<std::string, std::string> properties;
};

// A topic to create (and, for schema-registry formats, schemas to register) before the
// statements run.
struct TopicSpec {
  std::string name;
  std::optional<int> partitions;
  FormatSpec key_format;
  FormatSpec value_format;                  // also filled from the legacy `format` field
  std::optional<std::string> key_schema;    // JSON text (Avro/JSON schema)
  std::optional<std::string> value_schema;  // JSON text
  std::optional<int> key_schema_id;
  std::optional<int> value_schema_id;
};

// The statements (or the run) must fail. ksqlDB names a Java class in `type`; Skein matches on
// `message` only, as a substring of the engine's error message.
struct ExpectedException {
  std::string type;
  std::string message;
};

// An expected source (stream/table) after the run.
struct ExpectedSource {
  std::string name;
  std::string type;    // "stream" or "table" (lower case); empty = not checked
  std::string schema;  // e.g. "ID BIGINT KEY, NAME STRING"; empty = not checked
  std::optional<FormatSpec> key_format;
  std::optional<FormatSpec> value_format;
  std::optional<std::vector<std::string>> key_features;
  std::optional<std::vector<std::string>> value_features;
};

// An expected topic after the run.
struct ExpectedTopic {
  std::string name;
  std::optional<FormatSpec> key_format;
  std::optional<FormatSpec> value_format;
  std::optional<std::string> key_schema;    // JSON text
  std::optional<std::string> value_schema;  // JSON text
};

// Post-conditions checked after the outputs.
struct PostConditions {
  std::vector<ExpectedSource> sources;
  std::vector<ExpectedTopic> topics;
  // ECMAScript regex: no topic whose name matches may exist (ksqlDB's `blacklist`).
  std::string topic_denylist;
};

// One expanded test case (one entry of `format` x one value of `config`).
struct Case {
  // As ksqlDB shows it: `name`, `name - JSON`, `name - true`, `name - JSON - true`.
  std::string name;
  std::string file;    // base name of the file it came from ("" for ksql-test-runner files)
  std::string format;  // the `format` entry this expansion used, "" when none
  // Each entry is SQL text holding one or more `;`-terminated statements. A QTT case has one
  // entry per statement; a ksql-test-runner case has one entry: the whole .sql file.
  std::vector<std::string> statements;
  std::map<std::string, std::string> properties;  // JSON scalars rendered as text
  std::vector<TestRecord> inputs;
  std::vector<TestRecord> outputs;
  std::vector<TopicSpec> topics;
  std::optional<ExpectedException> expected_exception;
  std::optional<PostConditions> post;
  bool enabled = true;
};

}  // namespace skein::testrunner
