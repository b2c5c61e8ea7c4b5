// Running cases against a CaseEngine: the protocol of engine.h, output and post-condition
// checks, and the reports of `skein qtt` / `skein test`.

#include "skein/testrunner/runner.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <string>
#include <vector>

#include "skein/testrunner/json_compare.h"
#include "skein/testrunner/loader.h"

namespace skein::testrunner {
namespace {

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

CaseResult Result(Outcome outcome, std::string detail) {
  return CaseResult{outcome, std::move(detail)};
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

// `message` with every "line L:C" position moved down by `lines`. ksqlDB runs a case's
// statements as one script (joined by newlines), so its positions count from the first
// statement; the engine runs them one at a time, each from line 1.
std::string ShiftLinePositions(std::string_view message, int lines) {
  if (lines == 0) return std::string(message);
  std::string out;
  size_t i = 0;
  while (i < message.size()) {
    size_t at = message.find("line ", i);
    if (at == std::string_view::npos) break;
    size_t digits = at + 5, end = digits;
    while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end]))) ++end;
    out.append(message.substr(i, digits - i));
    i = digits;
    bool position = end > digits && end + 1 < message.size() && message[end] == ':' &&
                    std::isdigit(static_cast<unsigned char>(message[end + 1]));
    if (position && end - digits < 9) {
      out += std::to_string(std::stoi(std::string(message.substr(digits, end - digits))) + lines);
      i = end;
    }
  }
  out.append(message.substr(i));
  return out;
}

// Rewrites ksqlDB's `Line: L, Col: C` positions to the engine's `line L:C` form so expected
// and actual error messages compare equal regardless of which form each uses.
std::string NormalizePositions(std::string_view message) {
  static const std::regex kKsqlPosition(R"(Line: (\d+), Col: (\d+))");
  return std::regex_replace(std::string(message), kKsqlPosition, "line $1:$2");
}

// A schema string as ksqlDB renders it, made insensitive to case outside backquotes and to
// spacing around punctuation: "id bigint key,  NAME string" == "ID BIGINT KEY, NAME STRING".
std::string NormalizeSchema(std::string_view schema) {
  std::string collapsed;
  bool quoted = false;
  bool pending_space = false;
  for (char c : schema) {
    if (c == '`') quoted = !quoted;
    if (!quoted && std::isspace(static_cast<unsigned char>(c))) {
      pending_space = !collapsed.empty();
      continue;
    }
    const bool punct = !quoted && (c == ',' || c == '<' || c == '>' || c == '(' || c == ')');
    if (pending_space && !punct && !collapsed.empty() &&
        std::string_view(",<>()").find(collapsed.back()) == std::string_view::npos) {
      collapsed += ' ';
    }
    pending_space = false;
    collapsed += quoted || c == '`' ? c : static_cast<char>(std::toupper(c));
  }
  // ksqlDB writes the same type several ways (INT/INTEGER, VARCHAR/STRING) and back-quotes
  // struct field names in some places only: compare the canonical spelling.
  std::string canonical;
  quoted = false;
  for (size_t i = 0; i < collapsed.size();) {
    char c = collapsed[i];
    if (c == '`') {
      quoted = !quoted;
      ++i;
      continue;
    }
    if (quoted || !(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
      canonical += c;
      ++i;
      continue;
    }
    size_t end = i;
    while (end < collapsed.size() &&
           (std::isalnum(static_cast<unsigned char>(collapsed[end])) || collapsed[end] == '_')) {
      ++end;
    }
    std::string_view word(collapsed.data() + i, end - i);
    if (word == "PRIMARY" && collapsed.compare(end, 4, " KEY") == 0) {
      // A table's `PRIMARY KEY` is its KEY (the source's type is compared on its own).
      i = end + 1;
      continue;
    }
    if (word == "INT") {
      canonical += "INTEGER";
    } else if (word == "VARCHAR") {
      canonical += "STRING";
    } else {
      canonical += word;
    }
    i = end;
  }
  return canonical;
}

bool SameFeatures(std::vector<std::string> a, std::vector<std::string> b) {
  for (auto& f : a) f = Upper(f);
  for (auto& f : b) f = Upper(f);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

// Checks the error of a statement or of the run against the expected exception.
// `rejected_statement` is true for ExecuteStatements errors.
CaseResult OnEngineError(const Case& c, const absl::Status& status, bool rejected_statement,
                         std::string_view context) {
  if (c.expected_exception) {
    const std::string& want = c.expected_exception->message;
    if (want.empty() ||
        NormalizePositions(Message(status)).find(NormalizePositions(want)) != std::string::npos) {
      return Result(Outcome::kPass, "");
    }
    return Result(Outcome::kFail, "expected an error containing:\n    " + want + "\n  got (" +
                                      std::string(context) + "):\n    " + Message(status));
  }
  if (rejected_statement) {
    return Result(Outcome::kFail, std::string(context) + " rejected:\n    " + Message(status));
  }
  return Result(Outcome::kError, std::string(context) + ": " + status.ToString());
}

std::string Truncate(std::string_view text, size_t limit = 200) {
  if (text.size() <= limit) return std::string(text);
  return std::string(text.substr(0, limit - 3)) + "...";
}

CaseResult CheckOutputs(const Case& c, CaseEngine& engine) {
  // Topics in order of first appearance among the expected outputs.
  std::vector<std::string> topics;
  for (const TestRecord& record : c.outputs) {
    if (std::find(topics.begin(), topics.end(), record.topic) == topics.end()) {
      topics.push_back(record.topic);
    }
  }
  for (const std::string& topic : topics) {
    std::vector<const TestRecord*> expected;
    for (const TestRecord& record : c.outputs) {
      if (record.topic == topic) expected.push_back(&record);
    }
    absl::StatusOr<std::vector<TestRecord>> actual = engine.Output(topic);
    if (absl::IsNotFound(actual.status())) {
      return Result(Outcome::kFail, "topic " + topic + ": expected " +
                                        std::to_string(expected.size()) +
                                        " records, but the topic does not exist");
    }
    if (!actual.ok()) {
      return Result(Outcome::kError, "reading topic " + topic + ": " + actual.status().ToString());
    }
    const size_t common = std::min(expected.size(), actual->size());
    for (size_t i = 0; i < common; ++i) {
      std::string why;
      absl::StatusOr<bool> same = RecordMatches(*expected[i], (*actual)[i], &why);
      if (!same.ok()) {
        return Result(Outcome::kError, "topic " + topic + " record " + std::to_string(i) + ": " +
                                           same.status().ToString());
      }
      if (!*same) {
        return Result(Outcome::kFail, "topic " + topic + " record " + std::to_string(i) + ": " +
                                          why + "\n    expected: " + FormatRecord(*expected[i]) +
                                          "\n    actual:   " + FormatRecord((*actual)[i]));
      }
    }
    if (expected.size() != actual->size()) {
      std::string detail = "topic " + topic + ": expected " + std::to_string(expected.size()) +
                           " records, got " + std::to_string(actual->size());
      if (expected.size() > common) {
        detail += "\n    first missing: " + FormatRecord(*expected[common]);
      } else {
        detail += "\n    first extra:   " + FormatRecord((*actual)[common]);
      }
      return Result(Outcome::kFail, detail);
    }
  }
  return Result(Outcome::kPass, "");
}

std::string FeaturesText(const std::vector<std::string>& features) {
  std::string out = "[";
  for (size_t i = 0; i < features.size(); ++i) out += (i ? ", " : "") + features[i];
  return out + "]";
}

CaseResult CheckSources(const PostConditions& post, CaseEngine& engine) {
  if (post.sources.empty()) return Result(Outcome::kPass, "");
  absl::StatusOr<std::vector<SourceInfo>> sources = engine.Sources();
  if (!sources.ok()) {
    return Result(Outcome::kError, "listing sources: " + sources.status().ToString());
  }
  for (const ExpectedSource& want : post.sources) {
    auto it = std::find_if(sources->begin(), sources->end(),
                           [&](const SourceInfo& s) { return Upper(s.name) == Upper(want.name); });
    if (it == sources->end()) {
      return Result(Outcome::kFail, "post: source " + want.name + " does not exist");
    }
    const std::string prefix = "post: source " + want.name + " ";
    if (!want.type.empty() && Upper(want.type) != Upper(it->type)) {
      return Result(Outcome::kFail, prefix + "type: expected " + want.type + ", got " + it->type);
    }
    if (!want.schema.empty() && NormalizeSchema(want.schema) != NormalizeSchema(it->schema)) {
      return Result(Outcome::kFail, prefix + "schema:\n    expected: " + want.schema +
                                        "\n    actual:   " + it->schema);
    }
    if (want.key_format && !want.key_format->format.empty() &&
        want.key_format->format != Upper(it->key_format)) {
      return Result(Outcome::kFail, prefix + "key format: expected " + want.key_format->format +
                                        ", got " + it->key_format);
    }
    if (want.value_format && !want.value_format->format.empty() &&
        want.value_format->format != Upper(it->value_format)) {
      return Result(Outcome::kFail, prefix + "value format: expected " + want.value_format->format +
                                        ", got " + it->value_format);
    }
    // Features may be given inside the format object or beside it.
    std::optional<std::vector<std::string>> key_features = want.key_features;
    if (!key_features && want.key_format && !want.key_format->features.empty()) {
      key_features = want.key_format->features;
    }
    std::optional<std::vector<std::string>> value_features = want.value_features;
    if (!value_features && want.value_format && !want.value_format->features.empty()) {
      value_features = want.value_format->features;
    }
    if (key_features && !SameFeatures(*key_features, it->key_features)) {
      return Result(Outcome::kFail, prefix + "key features: expected " +
                                        FeaturesText(*key_features) + ", got " +
                                        FeaturesText(it->key_features));
    }
    if (value_features && !SameFeatures(*value_features, it->value_features)) {
      return Result(Outcome::kFail, prefix + "value features: expected " +
                                        FeaturesText(*value_features) + ", got " +
                                        FeaturesText(it->value_features));
    }
  }
  return Result(Outcome::kPass, "");
}

CaseResult CheckTopics(const PostConditions& post, CaseEngine& engine) {
  if (post.topics.empty() && post.topic_denylist.empty()) return Result(Outcome::kPass, "");
  absl::StatusOr<std::vector<TopicInfo>> topics = engine.Topics();
  if (!topics.ok()) {
    return Result(Outcome::kError, "listing topics: " + topics.status().ToString());
  }
  if (!post.topic_denylist.empty()) {
    std::regex denied;
    try {
      denied = std::regex(post.topic_denylist);
    } catch (const std::regex_error&) {
      return Result(Outcome::kError, "post: bad topic blacklist regex " + post.topic_denylist);
    }
    for (const TopicInfo& topic : *topics) {
      if (std::regex_match(topic.name, denied)) {
        return Result(Outcome::kFail, "post: topic " + topic.name + " should not exist (matches " +
                                          post.topic_denylist + ")");
      }
    }
  }
  for (const ExpectedTopic& want : post.topics) {
    auto it = std::find_if(topics->begin(), topics->end(),
                           [&](const TopicInfo& t) { return t.name == want.name; });
    if (it == topics->end()) {
      return Result(Outcome::kFail, "post: topic " + want.name + " does not exist");
    }
    const std::string prefix = "post: topic " + want.name + " ";
    if (want.key_format && !want.key_format->format.empty() &&
        want.key_format->format != Upper(it->key_format)) {
      return Result(Outcome::kFail, prefix + "key format: expected " + want.key_format->format +
                                        ", got " + it->key_format);
    }
    if (want.value_format && !want.value_format->format.empty() &&
        want.value_format->format != Upper(it->value_format)) {
      return Result(Outcome::kFail, prefix + "value format: expected " + want.value_format->format +
                                        ", got " + it->value_format);
    }
    const std::pair<const std::optional<std::string>*, const std::string*> schemas[] = {
        {&want.key_schema, &it->key_schema}, {&want.value_schema, &it->value_schema}};
    for (const auto& [expected, actual] : schemas) {
      if (!*expected) continue;
      std::string why;
      absl::StatusOr<bool> same = JsonMatches(**expected, actual->empty() ? "null" : *actual, &why);
      if (!same.ok() || !*same) {
        return Result(Outcome::kFail, prefix + (expected == schemas[0].first ? "key" : "value") +
                                          " schema: " + (same.ok() ? why : Message(same.status())) +
                                          "\n    expected: " + Truncate(**expected) +
                                          "\n    actual:   " + Truncate(*actual));
      }
    }
  }
  return Result(Outcome::kPass, "");
}

struct Counts {
  int passed = 0;
  int failed = 0;
  int errors = 0;
  int skipped = 0;
};

void Count(Counts& counts, Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass:
      ++counts.passed;
      break;
    case Outcome::kFail:
      ++counts.failed;
      break;
    case Outcome::kError:
      ++counts.errors;
      break;
    case Outcome::kSkip:
      ++counts.skipped;
      break;
  }
}

std::string Indent(std::string_view text) {
  std::string out = "    ";
  for (char c : text) {
    out += c;
    if (c == '\n') out += "  ";
  }
  return out;
}

}  // namespace

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass:
      return "PASS";
    case Outcome::kFail:
      return "FAIL";
    case Outcome::kError:
      return "ERROR";
    case Outcome::kSkip:
      return "SKIP";
  }
  return "?";
}

std::string SkipReason(const Case& c, const RunOptions& options) {
  if (!c.enabled) return "disabled in the test file";
  auto unsupported = [&](std::string_view format) {
    return options.unsupported_formats.count(Upper(format)) > 0;
  };
  if (!c.format.empty() && unsupported(c.format)) return "format " + c.format + " unsupported";
  for (const TopicSpec& topic : c.topics) {
    for (const FormatSpec* spec : {&topic.key_format, &topic.value_format}) {
      if (unsupported(spec->format)) return "format " + spec->format + " unsupported";
    }
  }
  for (const auto& [name, value] : c.properties) {
    if (unsupported(value)) return "format " + Upper(value) + " unsupported";
  }
  // A quoted format name in a statement: VALUE_FORMAT='PROTOBUF', FORMAT='JSON_SR', ...
  for (const std::string& statement : c.statements) {
    const std::string upper = Upper(statement);
    for (const std::string& format : options.unsupported_formats) {
      if (upper.find("'" + format + "'") != std::string::npos) {
        return "format " + format + " unsupported";
      }
    }
  }
  return "";
}

CaseResult RunCase(const Case& c, const CaseEngineFactory& factory, const RunOptions& options) {
  if (std::string reason = SkipReason(c, options); !reason.empty()) {
    return Result(Outcome::kSkip, reason);
  }
  std::unique_ptr<CaseEngine> engine = factory ? factory() : nullptr;
  if (engine == nullptr) return Result(Outcome::kError, "no engine");
  if (absl::Status status = engine->Prepare(c); !status.ok()) {
    return Result(Outcome::kError, "prepare: " + status.ToString());
  }
  int line_offset = 0;  // lines before this statement in the case's script
  for (const std::string& statement : c.statements) {
    if (absl::Status status = engine->ExecuteStatements(statement); !status.ok()) {
      absl::Status positioned(status.code(),
                              ShiftLinePositions(std::string(status.message()), line_offset));
      return OnEngineError(c, positioned, /*rejected_statement=*/true,
                           "statement `" + Truncate(statement) + "`");
    }
    line_offset += 1 + static_cast<int>(std::count(statement.begin(), statement.end(), '\n'));
  }
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    TestRecord record = c.inputs[i];
    if (!record.timestamp) record.timestamp = 0;
    if (absl::Status status = engine->Produce(record); !status.ok()) {
      return OnEngineError(c, status, false, "producing input " + std::to_string(i));
    }
  }
  if (absl::Status status = engine->RunUntilQuiescent(); !status.ok()) {
    return OnEngineError(c, status, false, "running");
  }
  if (c.expected_exception) {
    return Result(Outcome::kFail, "expected an error containing:\n    " +
                                      c.expected_exception->message +
                                      "\n  but every statement was accepted and the run succeeded");
  }
  CaseResult result = CheckOutputs(c, *engine);
  if (result.outcome != Outcome::kPass || !c.post) return result;
  result = CheckSources(*c.post, *engine);
  if (result.outcome != Outcome::kPass) return result;
  return CheckTopics(*c.post, *engine);
}

int RunQtt(const std::vector<std::string>& paths_or_dirs, const std::string& filter, bool verbose,
           const CaseEngineFactory& factory, std::ostream& out) {
  std::vector<std::string> files;
  Counts total;
  for (const std::string& path : paths_or_dirs) {
    absl::StatusOr<std::vector<std::string>> listed = ListQttFiles(path);
    if (!listed.ok()) {
      out << "ERROR " << path << ": " << listed.status().message() << "\n";
      ++total.errors;
      continue;
    }
    files.insert(files.end(), listed->begin(), listed->end());
  }
  if (files.empty() && total.errors == 0) {
    out << "no QTT files found\n";
    return 2;
  }
  for (const std::string& file : files) {
    absl::StatusOr<std::vector<Case>> cases = LoadQttFile(file);
    if (!cases.ok()) {
      out << "ERROR " << file << ": " << cases.status().message() << "\n";
      ++total.errors;
      continue;
    }
    Counts counts;
    std::string file_name;
    for (const Case& c : *cases) {
      if (!filter.empty() && c.name.find(filter) == std::string::npos) continue;
      file_name = c.file;
      const CaseResult result = RunCase(c, factory);
      Count(counts, result.outcome);
      const bool bad = result.outcome == Outcome::kFail || result.outcome == Outcome::kError;
      if (bad || verbose) {
        out << OutcomeName(result.outcome) << " " << c.file << ": " << c.name << "\n";
        if (!result.detail.empty() && (bad || result.outcome == Outcome::kSkip)) {
          out << Indent(result.detail) << "\n";
        }
      }
    }
    if (counts.passed + counts.failed + counts.errors + counts.skipped == 0) continue;
    out << "== " << file_name << ": " << counts.passed << " passed, " << counts.failed
        << " failed, " << counts.errors << " errors, " << counts.skipped << " skipped\n";
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.errors += counts.errors;
    total.skipped += counts.skipped;
  }
  if (total.errors > 0) out << "(" << total.errors << " of the failures are ERRORs)\n";
  out << total.passed << " passed, " << (total.failed + total.errors) << " failed, "
      << total.skipped << " skipped\n";
  return total.failed + total.errors == 0 ? 0 : 1;
}

int RunSkeinTest(const std::string& statements_path, const std::string& input_path,
                 const std::string& output_path, const CaseEngineFactory& factory,
                 std::ostream& out) {
  absl::StatusOr<Case> c = LoadTestRunnerCase(statements_path, input_path, output_path);
  if (!c.ok()) {
    out << "Test failed: " << c.status().message() << "\n";
    return 1;
  }
  const CaseResult result = RunCase(*c, factory);
  switch (result.outcome) {
    case Outcome::kPass:
      out << "Test passed!\n";
      return 0;
    case Outcome::kSkip:
      out << "Test skipped: " << result.detail << "\n";
      return 1;
    case Outcome::kFail:
      out << "Test failed:\n" << Indent(result.detail) << "\n";
      return 1;
    case Outcome::kError:
      out << "Test error:\n" << Indent(result.detail) << "\n";
      return 1;
  }
  return 1;
}

}  // namespace skein::testrunner
