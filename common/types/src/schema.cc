#include "skein/types/schema.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace skein::types {

Schema::Builder& Schema::Builder::Key(std::string name, SqlType type) {
  keys_.push_back({std::move(name), std::move(type), ColumnNamespace::kKey});
  return *this;
}

Schema::Builder& Schema::Builder::Val(std::string name, SqlType type) {
  values_.push_back({std::move(name), std::move(type), ColumnNamespace::kValue});
  return *this;
}

Schema::Builder& Schema::Builder::Header(std::string name, SqlType type) {
  headers_.push_back({std::move(name), std::move(type), ColumnNamespace::kHeader});
  return *this;
}

absl::StatusOr<Schema> Schema::Builder::Build() const {
  Schema s;
  s.columns_.reserve(keys_.size() + values_.size() + headers_.size());
  absl::flat_hash_set<std::string_view> seen;
  for (const auto* group : {&keys_, &values_, &headers_}) {
    for (const Column& c : *group) {
      if (!seen.insert(c.name).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("Duplicate column name `", c.name, "`: rename one of them (AS)"));
      }
      s.columns_.push_back(c);
    }
  }
  s.num_keys_ = keys_.size();
  s.num_values_ = values_.size();
  return s;
}

std::vector<Column> Schema::KeyColumns() const {
  return std::vector<Column>(columns_.begin(),
                             columns_.begin() + static_cast<ptrdiff_t>(num_keys_));
}

std::vector<Column> Schema::ValueColumns() const {
  auto b = columns_.begin() + static_cast<ptrdiff_t>(num_keys_);
  return std::vector<Column>(b, b + static_cast<ptrdiff_t>(num_values_));
}

int Schema::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Schema::ToString(bool quote_names) const {
  std::string out;
  for (size_t i = 0; i < columns_.size(); ++i) {
    const Column& c = columns_[i];
    if (i > 0) out += ", ";
    if (quote_names) {
      absl::StrAppend(&out, "`", c.name, "` ");
    } else {
      absl::StrAppend(&out, c.name, " ");
    }
    out += c.type.ToString();
    if (c.ns == ColumnNamespace::kKey) out += " KEY";
    if (c.ns == ColumnNamespace::kHeader) out += " HEADERS";
  }
  return out;
}

}  // namespace skein::types
