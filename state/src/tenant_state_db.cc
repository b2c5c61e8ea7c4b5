#include "skein/state/tenant_state_db.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "rocks_status.h"
#include "rocksdb/convenience.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "skein/common/logging.h"
#include "skein/common/status.h"
#include "skein/state/encoding.h"

namespace skein::state {
namespace {

constexpr absl::string_view kChangelogOffsetPrefix = "skein/changelog-offset/";

// Prefers LZ4 (cheap CPU, decent ratio for serialized rows) when this RocksDB build has it.
rocksdb::CompressionType PickCompression() {
  const std::vector<rocksdb::CompressionType> supported = rocksdb::GetSupportedCompressions();
  const bool has_lz4 =
      std::find(supported.begin(), supported.end(), rocksdb::kLZ4Compression) != supported.end();
  return has_lz4 ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
}

rocksdb::ColumnFamilyOptions MakeColumnFamilyOptions(const TenantStateOptions& options,
                                                     const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // Index and filter blocks live in the capped cache too, so they count against the quota
  // instead of growing unaccounted with the number of SST files.
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_size = 4 * 1024;
  table.format_version = 5;

  rocksdb::ColumnFamilyOptions cf;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.write_buffer_size = options.write_buffer_size;
  cf.max_write_buffer_number = 2;
  cf.min_write_buffer_number_to_merge = 1;
  // Small SST files and a small base level: many stores of a few MiB each should not pay
  // for a 256 MiB level 1 before compaction starts keeping them tidy.
  cf.target_file_size_base = 8 << 20;
  cf.max_bytes_for_level_base = 32 << 20;
  cf.level_compaction_dynamic_level_bytes = true;
  cf.compression = PickCompression();
  return cf;
}

}  // namespace

std::string TenantStateDb::ChangelogOffsetKey(absl::string_view column_family_name) {
  return absl::StrCat(kChangelogOffsetPrefix, column_family_name);
}

TenantStateDb::TenantStateDb(std::string tenant, std::string path,
                             std::shared_ptr<rocksdb::Cache> cache,
                             std::shared_ptr<rocksdb::WriteBufferManager> wbm,
                             rocksdb::ColumnFamilyOptions cf_options,
                             rocksdb::WriteOptions write_options)
    : tenant_(std::move(tenant)),
      path_(std::move(path)),
      cache_(std::move(cache)),
      write_buffer_manager_(std::move(wbm)),
      cf_options_(std::move(cf_options)),
      write_options_(write_options) {}

absl::StatusOr<std::unique_ptr<TenantStateDb>> TenantStateDb::Open(
    const std::string& data_dir, const std::string& tenant, const TenantStateOptions& options) {
  SKEIN_RETURN_IF_ERROR(ValidateName(tenant, "tenant"));
  if (options.memory_budget_bytes == 0 || options.write_buffer_size == 0) {
    return absl::InvalidArgumentError("memory_budget_bytes and write_buffer_size must be > 0");
  }
  const std::string path = absl::StrCat(data_dir, "/tenants/", tenant);
  std::error_code ec;
  std::filesystem::create_directories(path, ec);  // RocksDB creates only the last component
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create state directory ", path, ": ", ec.message()));
  }

  rocksdb::LRUCacheOptions cache_options;
  cache_options.capacity = options.memory_budget_bytes;
  cache_options.strict_capacity_limit = options.strict_capacity_limit;
  cache_options.num_shard_bits = 2;  // per-tenant caches are small; 64 shards would fragment
  cache_options.high_pri_pool_ratio = 0.1;
  std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(cache_options);
  const size_t wb_budget = options.write_buffer_budget_bytes != 0
                               ? options.write_buffer_budget_bytes
                               : options.memory_budget_bytes / 2;
  // Charging memtables to the same capped cache makes the budget one number per tenant.
  auto wbm = std::make_shared<rocksdb::WriteBufferManager>(wb_budget, cache);

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.write_buffer_manager = wbm;
  db_options.max_background_jobs = options.max_background_jobs;
  // With many column families an old WAL pins every one of them; flush rather than keep
  // replaying a long log after a restart.
  db_options.max_total_wal_size = std::max<uint64_t>(wb_budget * 2, 16 << 20);
  db_options.keep_log_file_num = 3;
  db_options.max_log_file_size = 4 << 20;

  rocksdb::ColumnFamilyOptions cf_options = MakeColumnFamilyOptions(options, cache);

  std::vector<std::string> names;
  if (std::filesystem::exists(path + "/CURRENT", ec)) {
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(db_options, path, &names);
    if (!s.ok()) return FromRocks(s, absl::StrCat("listing column families of ", path));
  }
  if (std::find(names.begin(), names.end(), rocksdb::kDefaultColumnFamilyName) == names.end()) {
    names.push_back(rocksdb::kDefaultColumnFamilyName);
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.reserve(names.size());
  for (const std::string& name : names) descriptors.emplace_back(name, cf_options);

  rocksdb::WriteOptions write_options;
  write_options.sync = options.sync_commits;
  auto result = std::unique_ptr<TenantStateDb>(
      new TenantStateDb(tenant, path, std::move(cache), std::move(wbm), cf_options, write_options));

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, path, descriptors, &handles, &raw);
  if (!s.ok()) return FromRocks(s, absl::StrCat("opening state of tenant ", tenant, " at ", path));
  result->db_.reset(raw);
  absl::MutexLock lock(&result->mu_);
  for (rocksdb::ColumnFamilyHandle* h : handles) {
    if (h->GetName() == rocksdb::kDefaultColumnFamilyName) {
      // The DB keeps its own default handle; this copy is only needed to be released.
      result->db_->DestroyColumnFamilyHandle(h);
      continue;
    }
    result->column_families_.emplace(h->GetName(), h);
  }
  Logger("state")->info("opened state of tenant={} at {} with {} stores", tenant, path,
                        result->column_families_.size());
  return result;
}

TenantStateDb::~TenantStateDb() {
  if (db_ == nullptr) return;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [name, handle] : column_families_) db_->DestroyColumnFamilyHandle(handle);
    column_families_.clear();
  }
  db_->Close().PermitUncheckedError();
  db_.reset();
}

absl::StatusOr<rocksdb::ColumnFamilyHandle*> TenantStateDb::Attach(const StoreId& id) {
  SKEIN_RETURN_IF_ERROR(id.Validate());
  const std::string name = id.ColumnFamilyName();
  absl::MutexLock lock(&mu_);
  if (auto it = column_families_.find(name); it != column_families_.end()) return it->second;
  // A fresh column family must not inherit an offset left behind by a crash during Drop:
  // that would make the restore skip records the new, empty store never saw.
  rocksdb::Status s = db_->Delete(write_options_, ChangelogOffsetKey(name));
  if (!s.ok()) return FromRocks(s, absl::StrCat("clearing metadata of store ", name));
  rocksdb::ColumnFamilyHandle* handle = nullptr;
  s = db_->CreateColumnFamily(cf_options_, name, &handle);
  if (!s.ok()) return FromRocks(s, absl::StrCat("creating column family ", name));
  column_families_.emplace(name, handle);
  Logger("state")->debug("created store {} of tenant={}", name, tenant_);
  return handle;
}

absl::Status TenantStateDb::Drop(const StoreId& id) {
  SKEIN_RETURN_IF_ERROR(id.Validate());
  const std::string name = id.ColumnFamilyName();
  absl::MutexLock lock(&mu_);
  // Metadata first: a crash in between leaves data without an offset (restored from scratch),
  // never an offset without the data it describes.
  rocksdb::Status s = db_->Delete(write_options_, ChangelogOffsetKey(name));
  if (!s.ok()) return FromRocks(s, absl::StrCat("deleting metadata of store ", name));
  auto it = column_families_.find(name);
  if (it == column_families_.end()) return absl::OkStatus();
  s = db_->DropColumnFamily(it->second);
  if (!s.ok()) return FromRocks(s, absl::StrCat("dropping column family ", name));
  s = db_->DestroyColumnFamilyHandle(it->second);
  column_families_.erase(it);
  Logger("state")->info("dropped store {} of tenant={}", name, tenant_);
  return FromRocks(s, absl::StrCat("releasing column family ", name));
}

std::vector<std::string> TenantStateDb::ColumnFamilyNames() const {
  std::vector<std::string> names;
  {
    absl::MutexLock lock(&mu_);
    names.reserve(column_families_.size());
    for (const auto& [name, handle] : column_families_) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool TenantStateDb::HasColumnFamily(absl::string_view name) const {
  absl::MutexLock lock(&mu_);
  return column_families_.contains(name);
}

absl::StatusOr<std::optional<int64_t>> TenantStateDb::ChangelogOffset(
    absl::string_view column_family_name) const {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), ChangelogOffsetKey(column_family_name), &value);
  if (s.IsNotFound()) return std::optional<int64_t>();
  if (!s.ok())
    return FromRocks(s, absl::StrCat("reading changelog offset of ", column_family_name));
  std::optional<int64_t> offset = encoding::DecodeInt64(value);
  if (!offset.has_value()) {
    return absl::DataLossError(absl::StrCat("changelog offset of ", column_family_name, " is ",
                                            value.size(), " bytes, expected 8"));
  }
  return offset;
}

StateMemoryUsage TenantStateDb::GetMemoryUsage() const {
  StateMemoryUsage usage;
  usage.memtable_bytes = write_buffer_manager_->memory_usage();
  usage.charged_bytes = cache_->GetUsage();
  const size_t reserved = write_buffer_manager_->dummy_entries_in_cache_usage();
  usage.block_cache_bytes = usage.charged_bytes > reserved ? usage.charged_bytes - reserved : 0;
  usage.capacity_bytes = cache_->GetCapacity();
  return usage;
}

std::map<std::string, size_t> TenantStateDb::MemtableBytesByQuery() const {
  std::map<std::string, size_t> bytes;
  absl::MutexLock lock(&mu_);
  for (const auto& [name, handle] : column_families_) {
    uint64_t size = 0;
    if (!db_->GetIntProperty(handle, rocksdb::DB::Properties::kCurSizeAllMemTables, &size) ||
        size == 0) {
      continue;
    }
    absl::StatusOr<StoreId> id = StoreId::Parse(name);
    if (id.ok()) bytes[id->query] += size;
  }
  return bytes;
}

size_t TenantStateDb::StoreBytes(const StoreId& id) const {
  absl::MutexLock lock(&mu_);
  auto it = column_families_.find(id.ColumnFamilyName());
  if (it == column_families_.end()) return 0;
  uint64_t live = 0, memtables = 0;
  db_->GetIntProperty(it->second, rocksdb::DB::Properties::kEstimateLiveDataSize, &live);
  db_->GetIntProperty(it->second, rocksdb::DB::Properties::kCurSizeAllMemTables, &memtables);
  return static_cast<size_t>(live + memtables);
}

absl::Status TenantStateDb::SetMemoryBudget(size_t memory_budget_bytes) {
  if (memory_budget_bytes == 0) {
    return absl::InvalidArgumentError("a tenant's state memory budget must be > 0");
  }
  cache_->SetCapacity(memory_budget_bytes);
  write_buffer_manager_->SetBufferSize(memory_budget_bytes / 2);
  Logger("state")->info("state memory budget of tenant={} is now {} bytes", tenant_,
                        memory_budget_bytes);
  return absl::OkStatus();
}

}  // namespace skein::state
