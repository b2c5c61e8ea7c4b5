// Every data-driven case under tests/sql must load: its three files are well-formed and each
// record has the fields the runner needs.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "skein/testrunner/loader.h"

namespace skein::testrunner {
namespace {

TEST(SqlCasesTest, EveryCaseFolderLoads) {
  const char* source_dir = std::getenv("SKEIN_SOURCE_DIR");
  ASSERT_NE(source_dir, nullptr) << "run through ctest (sets SKEIN_SOURCE_DIR)";
  const std::filesystem::path root = std::filesystem::path(source_dir) / "tests" / "sql";
  int loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    if (!entry.is_directory()) continue;
    const std::filesystem::path dir = entry.path();
    absl::StatusOr<Case> c =
        LoadTestRunnerCase((dir / "statements.sql").string(), (dir / "input.json").string(),
                           (dir / "output.json").string());
    ASSERT_TRUE(c.ok()) << dir << ": " << c.status();
    EXPECT_FALSE(c->inputs.empty()) << dir;
    EXPECT_FALSE(c->outputs.empty()) << dir;
    EXPECT_NE(c->statements[0].find(';'), std::string::npos) << dir;
    ++loaded;
  }
  EXPECT_GE(loaded, 9);
}

}  // namespace
}  // namespace skein::testrunner
