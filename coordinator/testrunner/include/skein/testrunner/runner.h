#pragma once

// Runs expanded cases against a CaseEngine and reports, for `skein qtt` and `skein test`.
// Stateless free functions; each case gets a fresh engine from the factory. Single-threaded:
// one case at a time, from the calling thread.

#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "skein/testrunner/engine.h"
#include "skein/testrunner/test_case.h"

namespace skein::testrunner {

enum class Outcome { kPass, kFail, kError, kSkip };

// "PASS", "FAIL", "ERROR", "SKIP".
const char* OutcomeName(Outcome outcome);

struct CaseResult {
  Outcome outcome = Outcome::kPass;
  // FAIL: the first difference, readable (may span lines: expected vs actual record).
  // ERROR: what the engine reported. SKIP: why.
  std::string detail;
};

struct RunOptions {
  // Cases using any of these formats (as their `format` entry, in a statement's
  // KEY_FORMAT/VALUE_FORMAT/FORMAT property, or in a topic spec) are skipped.
  std::set<std::string> unsupported_formats = {"PROTOBUF", "PROTOBUF_NOSR", "JSON_SR"};
};

// Why `test_case` is skipped (disabled, or an unsupported format), or "" when it runs.
std::string SkipReason(const Case& test_case, const RunOptions& options = {});

// Runs one case with one engine from `factory` (see engine.h for the call order), then
// compares outputs per topic in order with exact counts, then post-conditions.
CaseResult RunCase(const Case& test_case, const CaseEngineFactory& factory,
                   const RunOptions& options = {});

// `skein qtt`: loads every QTT file named (directories: their *.json files), runs the cases
// whose name contains `filter` (all when empty), and writes to `out`: FAIL/ERROR lines always,
// PASS/SKIP lines with `verbose`, one count line per file, and last the line
// `N passed, N failed, N skipped` (ERRORs count as failed; a file that cannot be loaded
// counts as one failure). Returns 0 when nothing failed or errored, 1 otherwise, 2 when no
// file was found.
int RunQtt(const std::vector<std::string>& paths_or_dirs, const std::string& filter, bool verbose,
           const CaseEngineFactory& factory, std::ostream& out);

// `skein test --statements S --input I --output O`: runs the one case, writes a readable
// result to `out`, returns 0 when the outputs match and 1 otherwise (also for unreadable
// files or engine errors).
int RunSkeinTest(const std::string& statements_path, const std::string& input_path,
                 const std::string& output_path, const CaseEngineFactory& factory,
                 std::ostream& out);

}  // namespace skein::testrunner
