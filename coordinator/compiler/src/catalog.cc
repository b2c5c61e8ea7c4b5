#include "skein/compiler/catalog.h"

#include <algorithm>

#include "absl/strings/match.h"

namespace skein::compiler {

const DataSource* Catalog::FindSource(const std::string& name) const {
  auto it = sources_.find(name);
  return it == sources_.end() ? nullptr : &it->second;
}

const DataSource* Catalog::FindSourceIgnoreCase(const std::string& name) const {
  for (const auto& [n, s] : sources_) {
    if (absl::EqualsIgnoreCase(n, name)) return &s;
  }
  return nullptr;
}

void Catalog::PutSource(DataSource source) {
  std::string name = source.name;
  sources_[name] = std::move(source);
}

void Catalog::RemoveSource(const std::string& name) { sources_.erase(name); }

std::vector<const DataSource*> Catalog::Sources() const {
  std::vector<const DataSource*> out;
  for (const auto& [n, s] : sources_) out.push_back(&s);
  return out;
}

const QueryInfo* Catalog::FindQuery(const std::string& id) const {
  for (const auto& q : queries_) {
    if (q.id == id) return &q;
  }
  return nullptr;
}

QueryInfo* Catalog::MutableQuery(const std::string& id) {
  for (auto& q : queries_) {
    if (q.id == id) return &q;
  }
  return nullptr;
}

void Catalog::PutQuery(QueryInfo query) {
  if (QueryInfo* existing = MutableQuery(query.id)) {
    *existing = std::move(query);
  } else {
    queries_.push_back(std::move(query));
  }
}

void Catalog::RemoveQuery(const std::string& id) {
  queries_.erase(std::remove_if(queries_.begin(), queries_.end(),
                                [&](const QueryInfo& q) { return q.id == id; }),
                 queries_.end());
}

std::vector<const QueryInfo*> Catalog::Queries() const {
  std::vector<const QueryInfo*> out;
  for (const auto& q : queries_) out.push_back(&q);
  return out;
}

std::vector<std::string> Catalog::QueriesReading(const std::string& source) const {
  std::vector<std::string> out;
  for (const auto& q : queries_) {
    if (q.state == QueryState::kRunning &&
        std::find(q.sources.begin(), q.sources.end(), source) != q.sources.end()) {
      out.push_back(q.id);
    }
  }
  return out;
}

std::vector<std::string> Catalog::QueriesWriting(const std::string& source) const {
  std::vector<std::string> out;
  for (const auto& q : queries_) {
    if (q.state == QueryState::kRunning && q.sink == source) out.push_back(q.id);
  }
  return out;
}

}  // namespace skein::compiler
