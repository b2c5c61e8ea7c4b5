#pragma once

// Confluent Schema Registry access for the AVRO format, behind an interface so tests and
// `skein test` run without a registry server.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace skein::serde {

// Registers and looks up schemas (their canonical JSON text) by id and subject.
// Implementations must be thread-safe: many tasks' formats share one registry client.
// Errors: NOT_FOUND for an unknown id/subject, UNAVAILABLE when the registry cannot be reached
// (the caller retries), INVALID_ARGUMENT for a schema the registry rejects.
class SchemaRegistry {
 public:
  virtual ~SchemaRegistry() = default;

  // Registers `schema` under `subject` (idempotent: the same text gets the same id).
  virtual absl::StatusOr<int32_t> Register(std::string_view subject, std::string_view schema) = 0;
  virtual absl::StatusOr<std::string> GetById(int32_t id) = 0;
  // The latest schema id registered under `subject`.
  virtual absl::StatusOr<int32_t> LatestId(std::string_view subject) = 0;
};

// In-memory registry for tests and `skein test`. Ids start at 1 and are global across
// subjects, as in Confluent's registry. Threading: internally locked.
class InMemorySchemaRegistry final : public SchemaRegistry {
 public:
  absl::StatusOr<int32_t> Register(std::string_view subject, std::string_view schema) override;
  absl::StatusOr<std::string> GetById(int32_t id) override;
  absl::StatusOr<int32_t> LatestId(std::string_view subject) override;

 private:
  std::mutex mu_;
  std::vector<std::string> schemas_;                                   // id - 1 -> schema
  std::map<std::string, std::vector<int32_t>, std::less<>> subjects_;  // subject -> ids
};

// The registry AVRO formats use when FormatOptions::schema_registry is null: the one installed
// on the calling thread by the innermost live ScopedDefaultSchemaRegistry, or nullptr. Lets a
// host (the `skein test` engine) give formats created deep in the runtime its per-case registry
// without threading it through every plan operator.
SchemaRegistry* DefaultSchemaRegistry();

// Installs `registry` (not owned) as this thread's default for its lifetime; restores the
// previous one on destruction. Scopes nest. Threading: affects the constructing thread only.
class ScopedDefaultSchemaRegistry {
 public:
  explicit ScopedDefaultSchemaRegistry(SchemaRegistry* registry);
  ~ScopedDefaultSchemaRegistry();
  ScopedDefaultSchemaRegistry(const ScopedDefaultSchemaRegistry&) = delete;
  ScopedDefaultSchemaRegistry& operator=(const ScopedDefaultSchemaRegistry&) = delete;

 private:
  SchemaRegistry* previous_;
};

// Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the payload.
void AppendConfluentHeader(int32_t schema_id, std::string* out);
// Splits a framed message; INVALID_ARGUMENT if it is too short or the magic byte is not 0.
absl::Status ParseConfluentHeader(std::string_view framed, int32_t* schema_id,
                                  std::string_view* payload);

}  // namespace skein::serde
