// The model catalogue: what is installed and what can be pulled, and the submit-time rules of a
// transcription's model and language, whose refusals say what to do without naming server paths.
#include "nodes/whisper/model_catalogue.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "support/fixtures.h"
#include "support/ggml_file.h"

namespace yv::whisper {
namespace {
namespace fs = std::filesystem;

class ModelCatalogueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_);
    tiny_size_ = test::write_ggml_file(dir_ / "ggml-tiny.en.bin", {.n_vocab = 51864});
    test::write_ggml_file(dir_ / "ggml-small.bin", {.n_vocab = 51865, .ftype = 2008});
    record_source(ModelStore(dir_), "small", "imported from ggml-small.bin", "ab12");
  }
  void TearDown() override { fs::remove_all(dir_); }

  const ModelInfo& listed(const std::vector<ModelInfo>& models, const std::string& name) {
    for (const auto& m : models) {
      if (m.name == name) return m;
    }
    throw std::runtime_error(name + " is not listed");
  }
  // The error that check_choice throws, as "code: detail", or the sentences it returns joined.
  std::string verdict(std::optional<std::string> model, std::optional<std::string> language,
                      std::optional<std::string> task = std::nullopt) {
    try {
      std::string out;
      for (const auto& s : catalogue_.check_choice(model, language, task)) out += s + "\n";
      return out;
    } catch (const Error& e) {
      EXPECT_EQ(e.http_status(), 400);
      return e.code() + ": " + e.detail();
    }
  }

  fs::path dir_ = test::scratch_path("yivideo-catalogue");
  ModelCatalogue catalogue_{ModelStore(dir_)};
  uint64_t tiny_size_ = 0;
};

TEST_F(ModelCatalogueTest, ListsInstalledModelsFromTheirHeadersAndWhatRegistriesServe) {
  const auto models = catalogue_.list();
  ASSERT_EQ(models.size(), 3u);  // base (a registry's), small, tiny.en
  const ModelInfo& tiny = listed(models, "tiny.en");
  EXPECT_TRUE(tiny.installed);
  EXPECT_EQ(tiny.size_bytes, tiny_size_);
  EXPECT_EQ(tiny.multilingual(), false);
  EXPECT_NE(tiny.registry, nullptr);
  const ModelInfo& small = listed(models, "small");
  EXPECT_EQ(small.multilingual(), true);  // from the vocabulary, not the name
  EXPECT_EQ(small.header->quantization(), "q5_0");
  EXPECT_EQ(small.source, "imported from ggml-small.bin");
  EXPECT_EQ(small.registry, nullptr);
  const ModelInfo& base = listed(models, "base");
  EXPECT_FALSE(base.installed);
  EXPECT_EQ(base.multilingual(), true);  // as the registry serves it
}

TEST_F(ModelCatalogueTest, JsonShowsUnknownValuesAsNull) {
  const auto models = catalogue_.list();
  const auto base = to_json(listed(models, "base"));
  EXPECT_EQ(base["installed"], false);
  EXPECT_EQ(base["pullable"], true);
  EXPECT_TRUE(base["size_bytes"].is_null());
  EXPECT_TRUE(base["quantization"].is_null());
  EXPECT_EQ(base["languages"].size(), 99u) << "what its vocabulary holds";
  const auto tiny = to_json(listed(models, "tiny.en"));
  EXPECT_EQ(tiny["languages"], nlohmann::json::array({"en"}));
  EXPECT_TRUE(tiny["source"].is_null()) << "installed by hand: not recorded";
  EXPECT_EQ(to_json(listed(models, "small"))["sha256"], "ab12");
}

TEST_F(ModelCatalogueTest, DamagedFileIsListedWithWhatIsWrong) {
  std::ofstream(dir_ / "ggml-broken.bin") << "not a model";
  const ModelInfo broken = listed(catalogue_.list(), "broken");
  EXPECT_TRUE(broken.installed);
  EXPECT_FALSE(broken.multilingual().has_value());
  EXPECT_NE(broken.problem.find("ggml magic"), std::string::npos) << broken.problem;
  EXPECT_EQ(to_json(broken)["multilingual"], nullptr);
}

TEST_F(ModelCatalogueTest, ModelThatIsNotInstalledIsRefusedWithTheWayToInstallIt) {
  const std::string v = verdict("large-v3", "en");
  EXPECT_TRUE(v.starts_with("model_not_installed: ")) << v;
  EXPECT_NE(v.find("installed: small, tiny.en"), std::string::npos) << v;
  EXPECT_NE(v.find("yivideo models import ggml-large-v3.bin"), std::string::npos) << v;
  EXPECT_EQ(v.find(dir_.string()), std::string::npos) << "names a server path: " << v;
  const std::string pull = verdict("base", "zh");
  EXPECT_NE(pull.find("yivideo models pull base"), std::string::npos) << pull;
  EXPECT_EQ(verdict("../etc", "en").substr(0, 18), "invalid_model_name");
}

TEST_F(ModelCatalogueTest, LanguagesAreWhispersCodesOrAuto) {
  EXPECT_NE(verdict("small", "klingon").find("unknown language 'klingon'"), std::string::npos);
  EXPECT_NE(verdict(std::nullopt, "english").find("unknown language"), std::string::npos)
      << "a name, not a code";
  EXPECT_EQ(verdict("small", "zh"), "");
  EXPECT_EQ(verdict("small", "auto"), "");
  EXPECT_EQ(verdict("small", std::nullopt), "");
  EXPECT_EQ(verdict(std::nullopt, std::nullopt), "") << "nothing known yet";
}

TEST_F(ModelCatalogueTest, EnglishOnlyModelForAnotherLanguageNamesTheModelToUse) {
  const std::string v = verdict("tiny.en", "zh");
  EXPECT_NE(v.find("'tiny.en' is English-only"), std::string::npos) << v;
  EXPECT_NE(v.find("use a multilingual model (installed: small)"), std::string::npos) << v;
  EXPECT_EQ(verdict("tiny.en", "en"), "");
  EXPECT_EQ(verdict("tiny.en", "auto"), "") << "an English-only model takes any audio as English";
  EXPECT_NE(verdict("tiny.en", "en", "translate").find("translate needs a multilingual model"),
            std::string::npos);
}

TEST_F(ModelCatalogueTest, LanguageOnlyLargeV3KnowsIsRefusedForOtherModels) {
  EXPECT_NE(verdict("small", "yue").find("does not know 'yue' (large-v3 does)"), std::string::npos);
}

}  // namespace
}  // namespace yv::whisper
