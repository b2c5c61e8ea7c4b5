#pragma once

// Helpers shared by the serde tests.

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "skein/serde/format.h"
#include "skein/types/decimal.h"

namespace skein::serde {

inline Column Col(std::string name, types::SqlType type,
                  types::ColumnNamespace ns = types::ColumnNamespace::kValue) {
  return Column{std::move(name), std::move(type), ns};
}

inline FormatOptions KeyOptions() {
  FormatOptions o;
  o.is_key = true;
  return o;
}

inline FormatOptions WithProps(std::map<std::string, std::string> props) {
  FormatOptions o;
  o.properties = std::move(props);
  return o;
}

inline std::unique_ptr<Format> Make(std::string_view name, std::vector<Column> cols,
                                    FormatOptions opts = {}) {
  auto f = MakeFormat(name, cols, opts);
  EXPECT_TRUE(f.ok()) << f.status();
  return f.ok() ? *std::move(f) : nullptr;
}

inline std::string EncodeOk(Format& f, const std::vector<Value>& values) {
  std::string out;
  auto r = f.Encode(values, &out);
  EXPECT_TRUE(r.ok()) << r.status();
  return out;
}

}  // namespace skein::serde
