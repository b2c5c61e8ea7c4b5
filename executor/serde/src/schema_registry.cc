#include "skein/serde/schema_registry.h"

#include "absl/strings/str_cat.h"
#include "internal.h"

namespace skein::serde {
namespace {
thread_local SchemaRegistry* default_registry = nullptr;
}  // namespace

SchemaRegistry* DefaultSchemaRegistry() { return default_registry; }

ScopedDefaultSchemaRegistry::ScopedDefaultSchemaRegistry(SchemaRegistry* registry)
    : previous_(default_registry) {
  default_registry = registry;
}

ScopedDefaultSchemaRegistry::~ScopedDefaultSchemaRegistry() { default_registry = previous_; }

absl::StatusOr<int32_t> InMemorySchemaRegistry::Register(std::string_view subject,
                                                         std::string_view schema) {
  std::lock_guard<std::mutex> lock(mu_);
  int32_t id = 0;
  for (size_t i = 0; i < schemas_.size(); ++i) {
    if (schemas_[i] == schema) id = static_cast<int32_t>(i + 1);
  }
  if (id == 0) {
    schemas_.emplace_back(schema);
    id = static_cast<int32_t>(schemas_.size());
  }
  auto& ids = subjects_[std::string(subject)];
  if (ids.empty() || ids.back() != id) ids.push_back(id);
  return id;
}

absl::StatusOr<std::string> InMemorySchemaRegistry::GetById(int32_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (id < 1 || static_cast<size_t>(id) > schemas_.size()) {
    return absl::NotFoundError(absl::StrCat("Schema ", id, " not found"));
  }
  return schemas_[static_cast<size_t>(id - 1)];
}

absl::StatusOr<int32_t> InMemorySchemaRegistry::LatestId(std::string_view subject) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = subjects_.find(subject);
  if (it == subjects_.end() || it->second.empty()) {
    return absl::NotFoundError(absl::StrCat("Subject '", internal::Sv(subject), "' not found"));
  }
  return it->second.back();
}

void AppendConfluentHeader(int32_t schema_id, std::string* out) {
  auto id = static_cast<uint32_t>(schema_id);
  out->push_back('\0');
  for (int shift = 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((id >> shift) & 0xff));
  }
}

absl::Status ParseConfluentHeader(std::string_view framed, int32_t* schema_id,
                                  std::string_view* payload) {
  if (framed.size() < 5) {
    return absl::InvalidArgumentError(
        absl::StrCat("AVRO: message of ", framed.size(),
                     " bytes is too short for the Confluent wire format (5-byte header)"));
  }
  if (framed[0] != '\0') {
    return absl::InvalidArgumentError(
        "AVRO: unknown magic byte: the message was not written with a schema registry");
  }
  uint32_t id = 0;
  for (size_t i = 1; i < 5; ++i) id = (id << 8) | static_cast<uint8_t>(framed[i]);
  *schema_id = static_cast<int32_t>(id);
  *payload = framed.substr(5);
  return absl::OkStatus();
}

}  // namespace skein::serde
