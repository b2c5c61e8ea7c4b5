#pragma once

// Private: charging the CPU of librdkafka's own threads to tenants (docs/architecture.md,
// "CPU quotas on executors").

#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <time.h>

#include <cstddef>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace skein::tenant {
class CpuLedger;
}  // namespace skein::tenant

namespace skein::executor {

// A task's consumer does part of the task's work on librdkafka's threads — fetching,
// decompressing, CRC checks, queueing — outside the worker thread's CPU slices. This tracks
// each such thread's CPU clock (through librdkafka's thread start/exit interceptors) under the
// tenant of the client that started it, so the CPU ledger holds what a tenant really costs.
// Thread-safe; must outlive every client attached to it.
class KafkaThreadCpu {
 public:
  KafkaThreadCpu() = default;
  KafkaThreadCpu(const KafkaThreadCpu&) = delete;
  KafkaThreadCpu& operator=(const KafkaThreadCpu&) = delete;

  // Charges the threads of the client to be created from `conf` (call before rd_kafka_new) to
  // `tenant`. INTERNAL if librdkafka refuses the interceptor.
  absl::Status Attach(rd_kafka_conf_t* conf, const std::string& tenant);

  // Charges `ledger` with the CPU each tenant's client threads used since the last call (also
  // that of threads which exited meanwhile).
  void ChargeTo(tenant::CpuLedger& ledger);

  size_t live_threads() const;  // for tests

 private:
  struct Client {
    KafkaThreadCpu* owner;
    std::string tenant;
  };
  struct Thread {
    const std::string* tenant;  // owned by its Client
    clockid_t clock;
    absl::Duration charged;  // of its CPU time
  };

  static rd_kafka_resp_err_t OnNew(rd_kafka_t* rk, const rd_kafka_conf_t* conf, void* opaque,
                                   char* errstr, size_t errstr_size);
  static rd_kafka_resp_err_t OnThreadStart(rd_kafka_t* rk, rd_kafka_thread_type_t type,
                                           const char* name, void* opaque);
  static rd_kafka_resp_err_t OnThreadExit(rd_kafka_t* rk, rd_kafka_thread_type_t type,
                                          const char* name, void* opaque);

  mutable absl::Mutex mu_;
  // Clients stay until this object dies (a few bytes each, one per consumer ever created): a
  // thread may exit after librdkafka's on_destroy interceptor ran.
  std::vector<std::unique_ptr<Client>> clients_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<pthread_t, Thread> threads_ ABSL_GUARDED_BY(mu_);
  // CPU of exited threads not yet charged, by tenant.
  absl::flat_hash_map<std::string, absl::Duration> exited_ ABSL_GUARDED_BY(mu_);
};

}  // namespace skein::executor
