// KafkaThreadCpu against real librdkafka clients (no broker needed: a client starts its
// threads at once and keeps retrying an unreachable bootstrap server).

#include "kafka_thread_cpu.h"

#include <librdkafka/rdkafka.h>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "skein/tenant/cpu_ledger.h"

namespace skein::executor {
namespace {

rd_kafka_t* NewConsumer(KafkaThreadCpu* cpu, const std::string& tenant) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  EXPECT_EQ(rd_kafka_conf_set(conf, "bootstrap.servers", "127.0.0.1:1", err, sizeof(err)),
            RD_KAFKA_CONF_OK);
  EXPECT_EQ(rd_kafka_conf_set(conf, "group.id", "kafka-thread-cpu-test", err, sizeof(err)),
            RD_KAFKA_CONF_OK);
  if (cpu != nullptr) {
    EXPECT_TRUE(cpu->Attach(conf, tenant).ok());
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  EXPECT_NE(rk, nullptr) << err;
  return rk;
}

bool AwaitThreads(const KafkaThreadCpu& cpu, size_t at_least) {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (cpu.live_threads() < at_least && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  return cpu.live_threads() >= at_least;
}

TEST(KafkaThreadCpuTest, ChargesAClientsThreadsToItsTenantOnce) {
  KafkaThreadCpu cpu;
  tenant::CpuLedger ledger;
  rd_kafka_t* attached = NewConsumer(&cpu, "alpha");
  rd_kafka_t* other = NewConsumer(nullptr, "");  // not attached: never charged
  // librdkafka's main thread and at least one broker thread.
  ASSERT_TRUE(AwaitThreads(cpu, 2)) << cpu.live_threads();
  const size_t threads_of_one_client = cpu.live_threads();

  cpu.ChargeTo(ledger);
  const absl::Duration while_running = ledger.TotalCpu("alpha");
  EXPECT_GT(while_running, absl::ZeroDuration());  // every started thread has run a little

  rd_kafka_destroy(attached);
  EXPECT_EQ(cpu.live_threads(), 0u);  // each thread took itself out as it exited
  cpu.ChargeTo(ledger);
  const absl::Duration total = ledger.TotalCpu("alpha");
  EXPECT_GE(total, while_running);  // what the threads used until they exited
  cpu.ChargeTo(ledger);
  EXPECT_EQ(ledger.TotalCpu("alpha"), total);  // charged once
  EXPECT_EQ(ledger.TotalCpu(""), absl::ZeroDuration());

  rd_kafka_t* again = NewConsumer(&cpu, "beta");
  ASSERT_TRUE(AwaitThreads(cpu, threads_of_one_client));
  rd_kafka_destroy(again);
  cpu.ChargeTo(ledger);
  EXPECT_GT(ledger.TotalCpu("beta"), absl::ZeroDuration());
  EXPECT_EQ(ledger.TotalCpu("alpha"), total);
  rd_kafka_destroy(other);
}

}  // namespace
}  // namespace skein::executor
