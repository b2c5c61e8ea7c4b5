#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace skein::state {

// An executor's data directory: where its tenants' RocksDB instances live. Held under an
// exclusive lock (flock on `<dir>/LOCK`) for the life of the object, so two executors can
// never share one directory. Owned by the executor process; not thread-affine.
class DataDir {
 public:
  // Opens `path`, which must exist and be a writable directory.
  // FAILED_PRECONDITION with the fix when it is missing, not a directory, not writable, or
  // locked by another process.
  static absl::StatusOr<DataDir> Open(const std::string& path);

  DataDir(DataDir&& other) noexcept;
  DataDir& operator=(DataDir&& other) noexcept;
  DataDir(const DataDir&) = delete;
  DataDir& operator=(const DataDir&) = delete;
  ~DataDir();

  const std::string& path() const { return path_; }

 private:
  DataDir(std::string path, int lock_fd) : path_(std::move(path)), lock_fd_(lock_fd) {}

  std::string path_;
  int lock_fd_ = -1;
};

}  // namespace skein::state
