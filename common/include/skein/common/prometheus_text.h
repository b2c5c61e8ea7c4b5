#pragma once

// Builds a Prometheus text exposition (format 0.0.4): families with HELP and TYPE lines and
// their samples, label values escaped. Used by the coordinator's and executors' /metrics.
// Not thread-safe: one is built per scrape.

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace skein {

// The Content-Type of the text exposition format.
inline constexpr absl::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

class PrometheusText {
 public:
  using Labels = std::initializer_list<std::pair<absl::string_view, absl::string_view>>;

  // Starts the family `name` ("counter" or "gauge"); its samples follow. Each family once.
  void Family(absl::string_view name, absl::string_view type, absl::string_view help);
  // One sample of the current family, e.g. Sample("skein_x_total", {{"tenant", "a"}}, 3).
  void Sample(absl::string_view name, Labels labels, double value);

  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// A label value with backslash, double quote and newline escaped as the format requires.
std::string EscapeLabelValue(absl::string_view value);
// A sample value: integers without a fraction, others with full precision, NaN / +Inf / -Inf.
std::string FormatSampleValue(double value);

}  // namespace skein
