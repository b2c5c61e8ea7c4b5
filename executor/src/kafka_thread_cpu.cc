#include "kafka_thread_cpu.h"

#include <vector>

#include "skein/tenant/cpu_ledger.h"

namespace skein::executor {
namespace {

constexpr char kInterceptor[] = "skein-thread-cpu";

absl::Duration ClockTime(clockid_t clock) {
  timespec ts{};
  if (clock_gettime(clock, &ts) != 0) return absl::ZeroDuration();
  return absl::DurationFromTimespec(ts);
}

}  // namespace

absl::Status KafkaThreadCpu::Attach(rd_kafka_conf_t* conf, const std::string& tenant) {
  Client* client;
  {
    absl::MutexLock lock(&mu_);
    clients_.push_back(std::make_unique<Client>(Client{this, tenant}));
    client = clients_.back().get();
  }
  if (rd_kafka_conf_interceptor_add_on_new(conf, kInterceptor, &OnNew, client) !=
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InternalError("librdkafka refused the thread CPU interceptor");
  }
  return absl::OkStatus();
}

rd_kafka_resp_err_t KafkaThreadCpu::OnNew(rd_kafka_t* rk, const rd_kafka_conf_t* /*conf*/,
                                          void* opaque, char* /*errstr*/, size_t /*errstr_size*/) {
  rd_kafka_interceptor_add_on_thread_start(rk, kInterceptor, &OnThreadStart, opaque);
  rd_kafka_interceptor_add_on_thread_exit(rk, kInterceptor, &OnThreadExit, opaque);
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

// Runs on the new thread.
rd_kafka_resp_err_t KafkaThreadCpu::OnThreadStart(rd_kafka_t* /*rk*/,
                                                  rd_kafka_thread_type_t /*type*/,
                                                  const char* /*name*/, void* opaque) {
  auto* client = static_cast<Client*>(opaque);
  const pthread_t self = pthread_self();
  clockid_t clock;
  if (pthread_getcpuclockid(self, &clock) != 0) return RD_KAFKA_RESP_ERR_NO_ERROR;
  absl::MutexLock lock(&client->owner->mu_);
  client->owner->threads_[self] = Thread{&client->tenant, clock, absl::ZeroDuration()};
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

// Runs on the exiting thread, so its clock is still valid here.
rd_kafka_resp_err_t KafkaThreadCpu::OnThreadExit(rd_kafka_t* /*rk*/,
                                                 rd_kafka_thread_type_t /*type*/,
                                                 const char* /*name*/, void* opaque) {
  auto* client = static_cast<Client*>(opaque);
  KafkaThreadCpu* owner = client->owner;
  absl::MutexLock lock(&owner->mu_);
  auto it = owner->threads_.find(pthread_self());
  if (it == owner->threads_.end()) return RD_KAFKA_RESP_ERR_NO_ERROR;
  const absl::Duration used = ClockTime(it->second.clock) - it->second.charged;
  if (used > absl::ZeroDuration()) owner->exited_[*it->second.tenant] += used;
  owner->threads_.erase(it);
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

void KafkaThreadCpu::ChargeTo(tenant::CpuLedger& ledger) {
  absl::flat_hash_map<std::string, absl::Duration> used;
  {
    // A thread erases itself under this lock before it exits: every clock read here is live.
    absl::MutexLock lock(&mu_);
    used.swap(exited_);
    for (auto& [thread, t] : threads_) {
      const absl::Duration now = ClockTime(t.clock);
      if (now > t.charged) {
        used[*t.tenant] += now - t.charged;
        t.charged = now;
      }
    }
  }
  for (const auto& [tenant, cpu] : used) ledger.Charge(tenant, cpu);
}

size_t KafkaThreadCpu::live_threads() const {
  absl::MutexLock lock(&mu_);
  return threads_.size();
}

}  // namespace skein::executor
