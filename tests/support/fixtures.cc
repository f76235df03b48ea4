#include "support/fixtures.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "nodes/whisper/model_store.h"

namespace yv::test {

std::string shared_fixture(const std::string& name) {
  return std::string(YIVIDEO_SHARED_FIXTURES) + "/" + name;
}

std::string test_data(const std::string& name) { return std::string(YIVIDEO_TEST_DATA) + "/" + name; }

std::string pyannote_sample(const std::string& name) {
  const char* dir = std::getenv("YIVIDEO_PYANNOTE_SAMPLE");
  if (!dir || !*dir) {
    throw std::runtime_error(
        "YIVIDEO_PYANNOTE_SAMPLE is not set: run the tests with scripts/test, which fetches "
        "the pyannote-audio sample call and sets it");
  }
  return (std::filesystem::path(dir) / name).string();
}

std::string synth_fixture(const std::string& name) { return std::string(YIVIDEO_SYNTH_DIR) + "/" + name; }

std::string scratch_path(const std::string& prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string test = info ? info->name() : "suite";
  std::replace(test.begin(), test.end(), '/', '-');  // parameterised tests are named "Name/param"
  return (std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(getpid()) + "-" + test))
      .string();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

const whisper::Model& default_model() {
  static const auto model = whisper::Model::load(
      whisper::ModelStore(whisper::default_model_dir()).resolve(whisper::default_model_name()));
  return *model;
}

}  // namespace yv::test
