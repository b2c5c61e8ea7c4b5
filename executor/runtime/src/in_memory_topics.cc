#include "skein/runtime/in_memory_topics.h"

#include "absl/strings/str_cat.h"

namespace skein::runtime {
namespace {
absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }
}  // namespace

absl::Status InMemoryTopics::CreateTopic(std::string_view name, int32_t partitions) {
  if (partitions <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("topic ", AV(name), ": partitions must be > 0"));
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = topics_.find(name);
  if (it != topics_.end()) {
    if (static_cast<int32_t>(it->second.partitions.size()) == partitions) return absl::OkStatus();
    return absl::AlreadyExistsError(absl::StrCat("topic ", AV(name), " exists with ",
                                                 it->second.partitions.size(), " partitions"));
  }
  topics_[std::string(name)].partitions.resize(partitions);
  return absl::OkStatus();
}

bool InMemoryTopics::HasTopic(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  return topics_.find(name) != topics_.end();
}

absl::StatusOr<int32_t> InMemoryTopics::Partitions(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return absl::NotFoundError(absl::StrCat("no topic ", AV(name)));
  return static_cast<int32_t>(it->second.partitions.size());
}

std::vector<std::string> InMemoryTopics::TopicNames() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, t] : topics_) out.push_back(name);
  return out;
}

absl::StatusOr<int64_t> InMemoryTopics::Append(Record record) {
  std::lock_guard<std::mutex> lock(mu_);
  return AppendLocked(std::move(record), std::nullopt);
}

absl::StatusOr<int64_t> InMemoryTopics::AppendCausedBy(Record record, uint64_t cause) {
  std::lock_guard<std::mutex> lock(mu_);
  return AppendLocked(std::move(record), cause);
}

absl::StatusOr<int64_t> InMemoryTopics::AppendLocked(Record record, std::optional<uint64_t> cause) {
  auto it = topics_.find(record.topic);
  if (it == topics_.end()) return absl::NotFoundError(absl::StrCat("no topic ", record.topic));
  auto& parts = it->second.partitions;
  if (record.partition < 0 || record.partition >= static_cast<int32_t>(parts.size())) {
    return absl::OutOfRangeError(
        absl::StrCat("topic ", record.topic, " has no partition ", record.partition));
  }
  auto& part = parts[record.partition];
  record.offset = static_cast<int64_t>(part.size());
  part.push_back(record);
  it->second.all.push_back(std::move(record));
  const uint64_t seq = next_seq_++;
  it->second.order.push_back(AppendOrder{cause.value_or(seq), seq});
  return static_cast<int64_t>(part.size() - 1);
}

absl::StatusOr<std::vector<Record>> InMemoryTopics::Read(std::string_view topic, int32_t partition,
                                                         int64_t from_offset, size_t max) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return absl::NotFoundError(absl::StrCat("no topic ", AV(topic)));
  const auto& parts = it->second.partitions;
  if (partition < 0 || partition >= static_cast<int32_t>(parts.size())) {
    return absl::OutOfRangeError(absl::StrCat("no partition ", partition));
  }
  std::vector<Record> out;
  const auto& part = parts[partition];
  for (int64_t o = std::max<int64_t>(from_offset, 0);
       o < static_cast<int64_t>(part.size()) && out.size() < max; ++o) {
    out.push_back(part[o]);
  }
  return out;
}

absl::StatusOr<int64_t> InMemoryTopics::EndOffset(std::string_view topic, int32_t partition) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return absl::NotFoundError(absl::StrCat("no topic ", AV(topic)));
  if (partition < 0 || partition >= static_cast<int32_t>(it->second.partitions.size())) {
    return absl::OutOfRangeError(absl::StrCat("no partition ", partition));
  }
  return static_cast<int64_t>(it->second.partitions[partition].size());
}

absl::StatusOr<std::vector<Record>> InMemoryTopics::ReadAll(std::string_view topic) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return absl::NotFoundError(absl::StrCat("no topic ", AV(topic)));
  return it->second.all;
}

size_t InMemoryTopics::Size(std::string_view topic) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = topics_.find(topic);
  return it == topics_.end() ? 0 : it->second.all.size();
}

absl::StatusOr<std::pair<Record, AppendOrder>> InMemoryTopics::At(std::string_view topic,
                                                                  size_t index) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return absl::NotFoundError(absl::StrCat("no topic ", AV(topic)));
  if (index >= it->second.all.size()) {
    return absl::OutOfRangeError(absl::StrCat("topic ", AV(topic), " has no record ", index));
  }
  return std::make_pair(it->second.all[index], it->second.order[index]);
}

std::optional<AppendOrder> InMemoryTopics::OrderAt(std::string_view topic, size_t index) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end() || index >= it->second.order.size()) return std::nullopt;
  return it->second.order[index];
}

}  // namespace skein::runtime
