#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_buffer_manager.h"
#include "skein/state/store_id.h"

namespace skein::state {

// Sizing of one tenant's RocksDB instance. The defaults suit many small stores: state in a
// streaming query is usually far smaller than RocksDB's defaults (64 MiB memtables) assume.
struct TenantStateOptions {
  // Capacity of the tenant's block cache. Memtables are charged to the same cache, so this is
  // the tenant's whole RocksDB memory quota on this executor (besides buffered transactions).
  size_t memory_budget_bytes = size_t{64} << 20;
  // Memtable share of the budget; flushes start when all memtables together reach it.
  // 0 means half of memory_budget_bytes.
  size_t write_buffer_budget_bytes = 0;
  // Per column family memtable size; small because a tenant may have hundreds of stores.
  size_t write_buffer_size = size_t{2} << 20;
  // Fail reads (RESOURCE_EXHAUSTED) rather than exceed the cache capacity.
  bool strict_capacity_limit = true;
  // fsync the WAL on every commit. Off by default: the changelog in Kafka is the source of
  // truth and the committed changelog offset is written atomically with the data, so a lost
  // tail is restored from Kafka.
  bool sync_commits = false;
  int max_background_jobs = 2;
};

// Memory the tenant's instance holds right now, for quota accounting.
struct StateMemoryUsage {
  size_t memtable_bytes = 0;     // all memtables (active and immutable) of all stores
  size_t block_cache_bytes = 0;  // cached blocks, index and filters (memtable charges excluded)
  size_t charged_bytes = 0;      // what the capped cache counts: blocks + memtable charges
  size_t capacity_bytes = 0;     // the budget
};

// One RocksDB instance per tenant per executor, under `<data_dir>/tenants/<tenant>/`, with one
// column family per (task, store) (see StoreId). Column families are attached when a task is
// assigned and dropped when it is revoked for good; reopening after a restart opens every
// column family that exists on disk. The default column family holds only metadata (the
// changelog offset each store reflects).
//
// Owned by the executor's per-tenant state manager; outlives every StateTransaction and store
// over it. Threading: Attach/Drop/ColumnFamilyNames/GetMemoryUsage are thread-safe (the
// control thread attaches while workers run other tasks); the data path uses the returned
// column family handles from the owning worker thread without locks. Per tenant.
class TenantStateDb {
 public:
  // Creates `<data_dir>/tenants/<tenant>/` if needed and opens (or creates) the instance with
  // every existing column family. INVALID_ARGUMENT for a bad tenant name; FAILED_PRECONDITION
  // or UNAVAILABLE when RocksDB cannot open (e.g. the directory is used by another process).
  static absl::StatusOr<std::unique_ptr<TenantStateDb>> Open(
      const std::string& data_dir, const std::string& tenant,
      const TenantStateOptions& options = {});

  TenantStateDb(const TenantStateDb&) = delete;
  TenantStateDb& operator=(const TenantStateDb&) = delete;
  ~TenantStateDb();

  // Returns the column family of `id`, creating it if it does not exist yet (an existing one
  // keeps its data). The handle stays valid until Drop(id) or destruction.
  // INVALID_ARGUMENT for a bad id.
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> Attach(const StoreId& id);

  // Drops the column family of `id` with its data and its changelog-offset metadata. OK when
  // it does not exist (revocation may be retried). Every store over it must be destroyed first.
  absl::Status Drop(const StoreId& id);

  // Names of the attached store column families (the default one excluded), sorted.
  std::vector<std::string> ColumnFamilyNames() const;
  bool HasColumnFamily(absl::string_view name) const;

  // The changelog position the committed local state of store `column_family_name` reflects:
  // the offset of the next changelog record to restore. nullopt when never committed.
  absl::StatusOr<std::optional<int64_t>> ChangelogOffset(
      absl::string_view column_family_name) const;
  absl::StatusOr<std::optional<int64_t>> ChangelogOffset(const StoreId& id) const {
    return ChangelogOffset(id.ColumnFamilyName());
  }

  StateMemoryUsage GetMemoryUsage() const;
  // Memtable bytes (active and immutable) of the stores of each query (StoreId::query), for
  // telling which query holds the tenant's memory. Queries without memtable data are left out.
  std::map<std::string, size_t> MemtableBytesByQuery() const;
  // Size of store `id` for metering: RocksDB's estimate of its live data on disk plus its
  // memtables; 0 when it is not attached.
  size_t StoreBytes(const StoreId& id) const;

  // Resizes the instance's memory at run time (the tenant's quota changed): the block cache
  // capacity becomes `memory_budget_bytes` and the memtable share half of it, as Open() sizes
  // them. Shrinking evicts unpinned blocks; memtables above the new share are flushed.
  // INVALID_ARGUMENT for 0.
  absl::Status SetMemoryBudget(size_t memory_budget_bytes);

  const std::string& tenant() const { return tenant_; }
  const std::string& path() const { return path_; }
  rocksdb::DB* db() const { return db_.get(); }
  const rocksdb::WriteOptions& write_options() const { return write_options_; }

  // Key in the default column family under which the changelog offset of a store is kept.
  static std::string ChangelogOffsetKey(absl::string_view column_family_name);

 private:
  TenantStateDb(std::string tenant, std::string path, std::shared_ptr<rocksdb::Cache> cache,
                std::shared_ptr<rocksdb::WriteBufferManager> wbm,
                rocksdb::ColumnFamilyOptions cf_options, rocksdb::WriteOptions write_options);

  const std::string tenant_;
  const std::string path_;
  const std::shared_ptr<rocksdb::Cache> cache_;
  const std::shared_ptr<rocksdb::WriteBufferManager> write_buffer_manager_;
  const rocksdb::ColumnFamilyOptions cf_options_;
  const rocksdb::WriteOptions write_options_;
  std::unique_ptr<rocksdb::DB> db_;

  mutable absl::Mutex mu_;
  // Store column families by name; the default column family is not in here.
  absl::flat_hash_map<std::string, rocksdb::ColumnFamilyHandle*> column_families_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace skein::state
