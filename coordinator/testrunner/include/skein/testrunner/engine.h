#pragma once

// The seam between the test runner (this library) and a local SQL engine that compiles
// statements and runs their plans over in-memory topics.
//
// The runner drives one fresh engine per case, always in this order:
//
//   Prepare(case)                       once
//   ExecuteStatements(text)             once per Case::statements entry, in order;
//                                       stops at the first error
//   Produce(record)                     once per input, in file order (skipped when a
//                                       statement was rejected)
//   RunUntilQuiescent()                 once, after the last Produce
//   Output(topic)                       once per topic named by an expected output
//   Sources() / Topics()                only when the case has post-conditions
//
// Errors: the runner turns any non-OK status into the case's result. When the case has an
// `expectedException`, an error from ExecuteStatements, Produce or RunUntilQuiescent whose
// message contains the expected message is a PASS; otherwise it is an ERROR (engine failure)
// or, for ExecuteStatements, a FAIL (a statement wrongly rejected). Use INVALID_ARGUMENT for a
// rejected statement and put ksqlDB's wording in the message: that is what cases match on.
// UNIMPLEMENTED is reported as ERROR like any other code; nothing is retried.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "skein/testrunner/test_case.h"

namespace skein::testrunner {

// A source (stream or table) as the engine's catalog sees it after the run.
struct SourceInfo {
  std::string name;                         // upper case as ksqlDB shows it, e.g. "OUTPUT"
  std::string type;                         // "stream" or "table"
  std::string schema;                       // ksqlDB's rendering: "ID BIGINT KEY, NAME STRING"
  std::string key_format;                   // "KAFKA", "JSON", ...
  std::string value_format;                 // "JSON", "DELIMITED", ...
  std::vector<std::string> key_features;    // e.g. {"UNWRAP_SINGLES"}
  std::vector<std::string> value_features;  // e.g. {"WRAP_SINGLES"}
  std::string topic;
};

// A topic as it exists after the run (inputs, sinks and internal topics alike).
struct TopicInfo {
  std::string name;
  int partitions = 1;
  std::string key_format;
  std::string value_format;
  std::string key_schema;    // JSON text of the registered schema; "" when none
  std::string value_schema;  // JSON text; "" when none
};

// One engine instance runs exactly one case and is then destroyed (state never leaks between
// cases). Implemented by the local engine of `skein test`; scripted in the runner's unit tests.
// Owned by the runner for the duration of one case. Threading: called from one thread only;
// the engine may use threads internally but every call must return with its work done
// (RunUntilQuiescent in particular).
class CaseEngine {
 public:
  virtual ~CaseEngine() = default;

  // Called once before anything else. Must create every topic of `test_case.topics` (with its
  // partitions, default 1, and formats), register their key/value schemas with the engine's
  // schema registry (AVRO), and adopt `test_case.properties` as the session's properties
  // (e.g. `ksql.persistence.default.format.value`). The engine may read the rest of the case
  // but must not use `outputs` or `post` to decide what to do.
  virtual absl::Status Prepare(const Case& test_case) = 0;

  // Parses, analyzes and executes every statement in `sql_text` (one or more statements, each
  // ending with `;`), in order: DDL updates the catalog, CREATE ... AS SELECT / INSERT INTO
  // start persistent queries, topics named in WITH clauses that do not exist are created.
  // A statement the engine rejects returns INVALID_ARGUMENT with the rejection message (the
  // statements before it stay executed). Record processing must not start here: inputs come
  // after all statements.
  virtual absl::Status ExecuteStatements(std::string_view sql_text) = 0;

  // Appends one record to `record.topic` (created with default formats if unknown). `key`
  // and `value` are JSON text to serialize per the topic's formats (a JSON string for a
  // DELIMITED value, `null` for a tombstone or null key); `timestamp` is always set; `window`
  // is set for windowed source topics. A record the topic's format cannot serialize is not an
  // error: produce it as the raw bytes of the text so the query's deserializer sees the bad
  // record, as ksqlDB's runner does. Errors are for engine failures only.
  virtual absl::Status Produce(const TestRecord& record) = 0;

  // Processes every produced record through every running query, including records those
  // queries write to topics other queries read, until nothing is left to do. Stream time
  // advances only from record timestamps (no wall clock). Record caching is off: every
  // aggregate update is emitted, in input order.
  virtual absl::Status RunUntilQuiescent() = 0;

  // Every record written to `topic` so far, in offset order (partitions interleaved in the
  // order they were written), decoded back to JSON text per the topic's formats: key and
  // value as JSON (`null` for a null key/tombstone; a DELIMITED value as a JSON string; a
  // KAFKA value as a number or string; decimals as JSON numbers), the record timestamp, the
  // window for windowed keys, and headers (JSON text) if any. An unknown topic returns
  // NOT_FOUND.
  virtual absl::StatusOr<std::vector<TestRecord>> Output(const std::string& topic) = 0;

  // The catalog's sources after the run.
  virtual absl::StatusOr<std::vector<SourceInfo>> Sources() = 0;

  // Every topic known after the run.
  virtual absl::StatusOr<std::vector<TopicInfo>> Topics() = 0;
};

// Makes a fresh engine for one case. Must be callable repeatedly (one call per case).
using CaseEngineFactory = std::function<std::unique_ptr<CaseEngine>()>;

}  // namespace skein::testrunner
