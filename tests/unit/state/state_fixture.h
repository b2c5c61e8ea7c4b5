#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "skein/state/state_store.h"
#include "skein/state/state_transaction.h"
#include "skein/state/tenant_state_db.h"
#include "test_dir.h"

namespace skein::state::testing {

// Collects the changelog records a transaction hands to its sink; can be told to fail.
class RecordingSink : public ChangelogSink {
 public:
  struct Entry {
    std::string store;  // column family name
    std::string key;
    std::optional<std::string> value;
  };

  absl::Status Append(const StoreId& store, absl::string_view key,
                      std::optional<absl::string_view> value) override {
    if (!fail_with.ok()) return fail_with;
    Entry e{store.ColumnFamilyName(), std::string(key), std::nullopt};
    if (value.has_value()) e.value = std::string(*value);
    entries.push_back(std::move(e));
    return absl::OkStatus();
  }

  std::vector<Entry> entries;
  absl::Status fail_with = absl::OkStatus();
};

// Opens a small tenant instance in a fresh directory; Reopen() simulates an executor restart.
class StateTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    txn_.reset();
    db_.reset();
    TenantStateOptions options;
    options.memory_budget_bytes = 8 << 20;
    options.write_buffer_size = 256 << 10;
    auto db = TenantStateDb::Open(dir_.path(), "acme", options);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    txn_ = std::make_unique<StateTransaction>(db_.get(), &sink_);
  }

  static StoreId Id(const std::string& store, int partition = 0) {
    return StoreId{"q1", 0, partition, store};
  }

  // Drains an iterator into (key, value) pairs.
  static std::vector<std::pair<std::string, std::string>> Drain(RawIterator& it) {
    std::vector<std::pair<std::string, std::string>> out;
    for (; it.Valid(); it.Next()) out.emplace_back(std::string(it.key()), std::string(it.value()));
    EXPECT_TRUE(it.status().ok()) << it.status();
    return out;
  }

  TestDir dir_;
  RecordingSink sink_;
  std::unique_ptr<TenantStateDb> db_;
  std::unique_ptr<StateTransaction> txn_;
};

}  // namespace skein::state::testing
