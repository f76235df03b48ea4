// Reading ggml Whisper model files without loading them: what the header says, and the refusal of files that
// whisper.cpp would crash on or half-read.
#include "nodes/whisper/model_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "core/error.h"
#include "support/fixtures.h"
#include "support/ggml_file.h"

namespace yv::whisper {
namespace {
namespace fs = std::filesystem;

class ModelFileTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir_); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const test::GgmlFile& spec = {}) {
    test::write_ggml_file(file_, spec);
    return file_;
  }
  // The detail of the invalid_model_file error that checking the file throws, or "no error".
  std::string refusal() {
    try {
      check_model_file(file_);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "invalid_model_file");
      EXPECT_EQ(e.detail().find(dir_.string()), std::string::npos) << "names the directory: " << e.detail();
      return e.detail();
    }
    return "no error";
  }
  fs::path dir_ = test::scratch_path("yivideo-model-file");
  fs::path file_ = dir_ / "ggml-test.bin";
};

TEST_F(ModelFileTest, EnglishOnlyVocabularyMeansEnglishOnly) {
  const ModelFileInfo info = check_model_file(write({.n_vocab = 51864}));
  EXPECT_FALSE(info.multilingual());
  EXPECT_EQ(info.languages(), std::vector<std::string>{"en"});
  EXPECT_EQ(info.n_audio_layer, 4);
}

TEST_F(ModelFileTest, MultilingualVocabularyKnowsNinetyNineLanguagesAndLargeV3AHundred) {
  const auto languages = check_model_file(write({.n_vocab = 51865})).languages();
  ASSERT_EQ(languages.size(), 99u);
  EXPECT_EQ(languages[0], "en");
  EXPECT_EQ(languages[1], "zh");
  EXPECT_EQ(std::count(languages.begin(), languages.end(), "yue"), 0);
  const auto v3 = check_model_file(write({.n_vocab = 51866})).languages();
  ASSERT_EQ(v3.size(), 100u);
  EXPECT_EQ(v3.back(), "yue");
}

TEST_F(ModelFileTest, WeightTypeIsReadWithoutTheQuantisationVersion) {
  EXPECT_EQ(read_model_header(write({.ftype = 1})).quantization(), "f16");
  EXPECT_EQ(read_model_header(write({.ftype = 2007})).quantization(), "q8_0");  // version 2, q8_0
  EXPECT_EQ(read_model_header(write({.ftype = 2008})).quantization(), "q5_0");
}

TEST_F(ModelFileTest, WeightTypesWhisperCppWouldAbortOnAreRefused) {
  for (int32_t ftype : {4, 5, 6, 99, -1}) {
    write({.ftype = ftype});
    EXPECT_NE(refusal().find("weight type"), std::string::npos) << ftype;
  }
}

TEST_F(ModelFileTest, OtherFilesAreRefusedSayingWhy) {
  std::ofstream(file_) << "<html>404 Not Found</html>";
  EXPECT_NE(refusal().find("ggml magic"), std::string::npos);
  std::ofstream(file_, std::ios::trunc).close();
  EXPECT_NE(refusal().find("ends inside the magic"), std::string::npos);
  write({.n_vocab = 32000});  // a LLaMA-sized vocabulary
  EXPECT_NE(refusal().find("32000 tokens"), std::string::npos);
  fs::remove(file_);
  EXPECT_NE(refusal().find("cannot be read"), std::string::npos);
}

TEST_F(ModelFileTest, TruncatedFileIsRefusedWhereverItIsCut) {
  const uint64_t size = test::write_ggml_file(file_);
  for (uint64_t keep : {uint64_t(30), uint64_t(100), size / 2, size - 1}) {
    test::write_ggml_file(file_);
    fs::resize_file(file_, keep);
    EXPECT_NE(refusal().find("ends inside"), std::string::npos) << "cut at " << keep;
  }
}

TEST_F(ModelFileTest, TensorRecordsThatWouldOverrunWhisperCppAreRefused) {
  write({.tensor_dims = 5});  // whisper.cpp reads the sizes into an array of four
  EXPECT_NE(refusal().find("malformed record"), std::string::npos);
}

TEST_F(ModelFileTest, HeaderAloneDoesNotReadPastTheHyperParameters) {
  const uint64_t size = test::write_ggml_file(file_);
  fs::resize_file(file_, 48);  // magic and hyper-parameters only
  EXPECT_FALSE(read_model_header(file_).multilingual());
  EXPECT_NE(refusal().find("ends inside the mel filters"), std::string::npos);
  EXPECT_GT(size, 48u);
}

}  // namespace
}  // namespace yv::whisper
