#include "nodes/whisper/model_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <functional>

#include "core/error.h"

namespace yv::whisper {
namespace {
namespace fs = std::filesystem;

class ModelStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("yivideo-models-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "ggml-tiny.en.bin") << "x";
    std::ofstream(dir_ / "ggml-large-v3.bin") << "x";
    std::ofstream(dir_ / "notes.txt") << "not a model";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

std::string error_code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return "no error";
}

TEST_F(ModelStoreTest, ResolvesNameToItsGgmlFile) {
  EXPECT_EQ(ModelStore(dir_).resolve("tiny.en"), dir_ / "ggml-tiny.en.bin");
  EXPECT_EQ(ModelStore(dir_).resolve("large-v3"), dir_ / "ggml-large-v3.bin");
}

TEST_F(ModelStoreTest, ListsOnlyGgmlModels) {
  EXPECT_EQ(ModelStore(dir_).installed(), (std::vector<std::string>{"large-v3", "tiny.en"}));
}

TEST_F(ModelStoreTest, RejectsNamesThatCouldLeaveTheDirectory) {
  ModelStore store(dir_);
  for (const std::string& name :
       std::vector<std::string>{"../tiny.en", "a/b", "", "..", ".", "tiny en", std::string(65, 'a')}) {
    EXPECT_EQ(error_code_of([&] { store.resolve(name); }), "invalid_model_name") << name;
  }
}

TEST_F(ModelStoreTest, MissingModelIs404AndNamesWhatIsInstalled) {
  try {
    ModelStore(dir_).resolve("medium");
    FAIL() << "expected model_not_found";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "model_not_found");
    EXPECT_EQ(e.http_status(), 404);
    EXPECT_NE(e.detail().find("large-v3, tiny.en"), std::string::npos) << e.detail();
  }
}

TEST(DefaultModelName, TinyEnForEnglishAndBaseForAnyOtherLanguageOrDetection) {
  if (std::getenv("YIVIDEO_MODEL")) GTEST_SKIP() << "YIVIDEO_MODEL chooses the model for every language";
  EXPECT_EQ(default_model_name("en"), "tiny.en");
  EXPECT_EQ(default_model_name("zh"), "base");
  EXPECT_EQ(default_model_name("auto"), "base");
}

}  // namespace
}  // namespace yv::whisper
