#include "rocks_status.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace skein::state {

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view op) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(op, ": ", s.ToString());
  // A full block cache under a strict limit or a full disk is the tenant's quota talking.
  if (s.IsMemoryLimit() || s.IsNoSpace() || s.IsIncomplete()) {
    return absl::ResourceExhaustedError(msg);
  }
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut() || s.IsIOError()) {
    return absl::UnavailableError(msg);
  }
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsAborted()) return absl::AbortedError(msg);
  if (s.IsNotSupported()) return absl::UnimplementedError(msg);
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsInvalidArgument()) return absl::FailedPreconditionError(msg);
  return absl::InternalError(msg);
}

}  // namespace skein::state
