#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace skein::state::testing {

// A fresh directory under $SKEIN_TEST_DIR (or /tmp) for one test, removed with everything in
// it when the object goes away. Owned by the test fixture; single-threaded.
class TestDir {
 public:
  TestDir() {
    const char* base = std::getenv("SKEIN_TEST_DIR");
    std::string root = (base != nullptr && *base != '\0') ? base : "/tmp";
    std::filesystem::create_directories(root);
    std::string pattern = root + "/skein-state-XXXXXX";
    char* made = mkdtemp(pattern.data());
    if (made == nullptr) {
      ADD_FAILURE() << "mkdtemp failed under " << root;
      return;
    }
    path_ = made;
  }
  TestDir(const TestDir&) = delete;
  TestDir& operator=(const TestDir&) = delete;
  ~TestDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace skein::state::testing
