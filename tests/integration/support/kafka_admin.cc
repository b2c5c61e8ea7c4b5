#include "kafka_admin.h"

#include "skein/common/kafka_admin.h"
#include "skein/common/status.h"

namespace skein::testing {

absl::Status CreateTopic(const std::string& bootstrap, const std::string& topic, int partitions) {
  SKEIN_ASSIGN_OR_RETURN(std::unique_ptr<KafkaAdmin> admin, KafkaAdmin::Create(bootstrap));
  return admin->CreateTopic(topic, partitions, /*replication=*/1);
}

}  // namespace skein::testing
