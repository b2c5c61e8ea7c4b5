#include "skein/proto/plan_bytes.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"

namespace skein::proto {
namespace {

// The SQL parser's nesting cap (200) times the messages one nesting level can take
// (Expression, its call or operator, the argument list), with room to spare.
constexpr int kPlanRecursionLimit = 1000;

}  // namespace

absl::StatusOr<v1::PhysicalPlan> ParsePlan(const std::string& bytes, const std::string& what) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  in.SetRecursionLimit(kPlanRecursionLimit);
  v1::PhysicalPlan plan;
  if (!plan.ParseFromCodedStream(&in) || !in.ConsumedEntireMessage()) {
    return absl::InvalidArgumentError(absl::StrCat(what, " does not parse"));
  }
  return plan;
}

}  // namespace skein::proto
