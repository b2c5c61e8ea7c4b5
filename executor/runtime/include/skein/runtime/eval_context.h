#pragma once

// Per-row evaluation state shared by compiled expressions and scalar functions.

#include <string>
#include <utility>
#include <vector>

#include "skein/types/value.h"

namespace skein::runtime {

// What an expression may read while evaluating one row, and where it reports a per-record
// failure (a function that "throws" in ksqlDB, a bad CAST). A failure never aborts evaluation:
// the failing sub-expression yields NULL, the first message is kept here, and the operator
// writes it to the processing log after the row, as ksqlDB does.
// Owned by an operator; one per task. Threading: single-threaded (the task's worker).
class EvalContext {
 public:
  // The row being evaluated (values in the operator's input schema order).
  const types::Value* row = nullptr;
  // Lambda parameters in scope, outermost lambda's first (plan `lambda_arg` indexes this).
  std::vector<types::Value> lambda_args;

  void SetError(std::string message) {
    if (!has_error_) {
      has_error_ = true;
      error_ = std::move(message);
    }
  }
  bool has_error() const { return has_error_; }
  const std::string& error() const { return error_; }
  void ClearError() {
    has_error_ = false;
    error_.clear();
  }

 private:
  bool has_error_ = false;
  std::string error_;
};

}  // namespace skein::runtime
