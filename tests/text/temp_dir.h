// Helpers for the text tests: a fresh directory under ::testing::TempDir() for one test,
// removed with its contents at the end of the test; Skip(); EXPECT_CONTAINS.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace fl::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir();
    if (!tmpl.empty() && tmpl.back() != '/') tmpl.push_back('/');
    tmpl += "fl_text_XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << tmpl;
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

  // Writes contents (bytes, as given) to path()/name and returns the full path.
  std::string Write(const std::string& name, std::string_view contents) const {
    const std::string full = path_ + "/" + name;
    std::ofstream f(full, std::ios::binary);
    f.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    if (!f) ADD_FAILURE() << "cannot write " << full;
    return full;
  }

 private:
  std::string path_;
};

}  // namespace fl::testing

#include "text/text.h"

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

namespace fl::text {

// ReadOptions that skip bad rows, keeping up to max_reasons reasons.
inline ReadOptions Skip(int max_reasons = 5) {
  ReadOptions o;
  o.skip_bad_rows = true;
  o.max_reasons = max_reasons;
  return o;
}

}  // namespace fl::text
