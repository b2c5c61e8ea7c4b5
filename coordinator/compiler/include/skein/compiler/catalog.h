#pragma once

// The tenant-scoped catalog the compiler resolves names against: sources (streams and tables),
// persistent queries, known topics and session properties.
//
// Owned by one Compiler (one per tenant session or per `skein test` run). Not thread-safe:
// the coordinator serializes a tenant's statements, so the catalog is touched by one thread at
// a time. Per-tenant: nothing in it is visible to another tenant.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/types/schema.h"
#include "skein/v1/plan.pb.h"

namespace skein::compiler {

// A key or value serialization format with its properties (WRAP_SINGLE_VALUE, DELIMITER...).
struct FormatInfo {
  std::string name;  // upper case: JSON, DELIMITED, KAFKA, NONE, AVRO, ...
  std::map<std::string, std::string> properties;
};

// Window of a windowed key (sources produced by windowed aggregations); unset for plain keys.
struct WindowInfo {
  std::string kind;         // TUMBLING, HOPPING, SESSION
  int64_t size_millis = 0;  // 0 for SESSION
};

// A stream or table.
struct DataSource {
  std::string name;
  bool is_table = false;
  bool is_read_only = false;                       // CREATE SOURCE STREAM|TABLE
  types::Schema schema;                            // KEY, VALUE then HEADER columns
  std::map<std::string, std::string> header_keys;  // HEADER('k') column -> k ("" = HEADERS)
  std::string topic;
  int partitions = 1;
  FormatInfo key_format;
  FormatInfo value_format;
  std::optional<std::string> timestamp_column;
  std::string timestamp_format;
  std::optional<WindowInfo> window;
  std::string sql;  // the statement that created it
};

enum class QueryState { kRunning, kTerminated };

// A persistent query (CSAS/CTAS/INSERT INTO).
struct QueryInfo {
  std::string id;
  std::string sink;
  std::vector<std::string> sources;
  v1::PhysicalPlan plan;
  QueryState state = QueryState::kRunning;
  std::string sql;
};

// Looks up the columns a schema registry holds for one side of `topic` (is_key: the key), for
// schema inference: CREATE STREAM/TABLE with an AVRO side and no columns for that side. NOT_FOUND
// when no schema is registered. Supplied by the host (the coordinator's registry client, or the
// `skein test` engine's in-memory registry).
struct InferredSchema {
  std::vector<types::Column> columns;
  // The registered schema is not a record: one anonymous column (WRAP_SINGLE_VALUE=false).
  bool unwrapped = false;
};
// `single_column`: the statement says WRAP_SINGLE_VALUE=false, so even a record schema is one
// (STRUCT) column.
using SchemaInferer = std::function<absl::StatusOr<InferredSchema>(
    const std::string& topic, bool is_key, bool single_column)>;

class Catalog {
 public:
  explicit Catalog(std::string tenant = "default") : tenant_(std::move(tenant)) {}

  const std::string& tenant() const { return tenant_; }

  // Exact-name lookups (names are stored as the parser produced them); nullptr when absent.
  const DataSource* FindSource(const std::string& name) const;
  // A source whose name differs only by case, for "Did you mean" hints; nullptr when none.
  const DataSource* FindSourceIgnoreCase(const std::string& name) const;
  void PutSource(DataSource source);
  void RemoveSource(const std::string& name);
  std::vector<const DataSource*> Sources() const;  // sorted by name

  const QueryInfo* FindQuery(const std::string& id) const;
  QueryInfo* MutableQuery(const std::string& id);
  void PutQuery(QueryInfo query);
  void RemoveQuery(const std::string& id);
  std::vector<const QueryInfo*> Queries() const;  // in creation order
  // Running queries that read or write `source`.
  std::vector<std::string> QueriesReading(const std::string& source) const;
  std::vector<std::string> QueriesWriting(const std::string& source) const;

  // The next query sequence number; ksqlDB numbers every persistent query of a session
  // (CSAS_OUT_0, INSERTQUERY_1, ...).
  int64_t NextQuerySequence() { return query_sequence_++; }

  void AddTopic(const std::string& topic) { topics_.insert(topic); }
  bool HasTopic(const std::string& topic) const { return topics_.count(topic) > 0; }
  const std::set<std::string>& topics() const { return topics_; }

  // Session properties (SET / UNSET).
  void SetProperty(const std::string& name, const std::string& value) { properties_[name] = value; }
  void UnsetProperty(const std::string& name) { properties_.erase(name); }
  const std::map<std::string, std::string>& properties() const { return properties_; }

  void set_schema_inferer(SchemaInferer inferer) { schema_inferer_ = std::move(inferer); }
  const SchemaInferer& schema_inferer() const { return schema_inferer_; }

 private:
  SchemaInferer schema_inferer_;
  std::string tenant_;
  std::map<std::string, DataSource> sources_;
  std::vector<QueryInfo> queries_;
  std::set<std::string> topics_;
  std::map<std::string, std::string> properties_;
  int64_t query_sequence_ = 0;
};

}  // namespace skein::compiler
