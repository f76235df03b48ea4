// The LLM nodes (wservice.ai_optimize_text, wservice.translate_subtitles) and the chat client behind them, on
// a real llama-server started by the test on loopback with the real models scripts/test installs, on real
// outputs of the earlier nodes (English and Mandarin recordings transcribed by Whisper); and the client's
// failure handling against a second local server of ours that misbehaves on purpose
// (misbehaving_provider.py).
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "core/files.h"
#include "core/wer.h"
#include "llm/chat_client.h"
#include "nodes/subtitles/cues.h"
#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/local_llm.h"
#include "support/node_test.h"
#include "support/subprocess.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// A server process on a loopback port of its own, for the whole test binary (killed at exit), ready once GET
// `ready_path` answers 200.
class Served {
 public:
  Served(std::vector<std::string> argv_without_port, const std::string& ready_path) : port_(free_port()) {
    argv_without_port.push_back(std::to_string(port_));
    process_ = std::make_unique<ChildProcess>(argv_without_port, std::vector<std::string>{},
                                              scratch_path("yivideo-llm-served") + ".log");
    httplib::Client client("127.0.0.1", port_);
    for (int i = 0; i < 600; ++i) {
      if (auto r = client.Get(ready_path); r && r->status == 200) return;
      if (!process_->alive()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("server " + argv_without_port[0] + " did not come up");
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int port() const { return port_; }

 private:
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

const Served& llama(const std::string& model) {
  static std::map<std::string, std::unique_ptr<Served>> started;
  auto& served = started[model];
  if (!served) {
    served = std::make_unique<Served>(
        std::vector<std::string>{llama_server_binary(), "--model", llm_model(model), "--ctx-size", "8192",
                                 "--parallel", "2", "--no-webui", "--seed", "1",
                                 // One thread: ggml's OpenMP threads spin while they wait for each other, and
                                 // on cores shared with other tests a token then takes over a second (12 per
                                 // second with one thread, measured on the 2-core CI machine under load).
                                 "--threads", "1", "--port"},
        "/health");
  }
  return *served;
}

const Served& misbehaving() {
  static const Served served({"/usr/bin/env", "python3", YIVIDEO_LLM_TEST_DIR "/misbehaving_provider.py"},
                             "/ok/count");
  return served;
}

// What the misbehaving server says about a `mode`'s requests: "count" (how many) or "last" (the last body).
json misbehaving_record(const std::string& mode, const std::string& what) {
  httplib::Client client("127.0.0.1", misbehaving().port());
  return json::parse(client.Get("/" + mode + "/" + what)->body);
}

int requests(const std::string& mode) { return misbehaving_record(mode, "count")["count"]; }

class LlmNodeTest : public NodeTest {
 protected:
  LlmNodeTest() : NodeTest("wservice.translate_subtitles", "yivideo-llm") {}
  void SetUp() override {
    NodeTest::SetUp();
    unsetenv("YIVIDEO_LLM_PROVIDER");
  }
  static void use_local(const std::string& base_url) {
    setenv("YIVIDEO_LLM_LOCAL_BASE_URL", base_url.c_str(), 1);
  }
  json run_node(const std::string& name, const json& given) {
    node_ = name;
    return run(given);
  }
  // A real transcription's segments file (Whisper on the recording).
  std::string transcribe(const std::string& audio, const std::string& language) {
    return run_node("faster_whisper.transcribe_audio",
                    {{"audio_path", audio}, {"language", language}})["segments_file"];
  }
  // The real transcription cut into subtitle cues of at most `max_chars` characters
  // (wservice.segment_subtitles).
  std::string cues(const std::string& audio, const std::string& language, int max_chars) {
    return run_node("wservice.segment_subtitles", {{"segments_file", transcribe(audio, language)},
                                                   {"language", language},
                                                   {"max_chars", max_chars}})["segments_file"];
  }
  // The yv::Error running `name` on `given` throws.
  Error failure(const std::string& name, const json& given) {
    node_ = name;
    try {
      run(given);
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << name << " did not fail";
    return Error("none", "");
  }
};

json read_json_file(const std::string& path) { return json::parse(read_file(path)); }

bool has_cjk(const std::string& text) {
  for (size_t i = 0; i + 2 < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0xE4 && c <= 0xE9) return true;  // U+4E00..U+9FFF start with E4..E9
  }
  return false;
}

// What a translation kept of the requirements, counted over every cue of every file translated.
struct Tally {
  size_t cues = 0, within = 0, in_target = 0;
};

// Checks that the translation of `segments` (`out`) has the same cues with the same times, and counts its
// cues within the limits (at most `lines` lines of 42 characters, 18 characters per second), and those in the
// target language, into `tally`.
void count_translation(const std::string& segments, const json& out, bool to_chinese, int lines,
                       Tally& tally) {
  const json source = read_json_file(segments), translated = read_json_file(out["translated_segments_file"]);
  ASSERT_EQ(translated["segments"].size(), source["segments"].size());
  size_t within = 0;
  for (size_t i = 0; i < source["segments"].size(); ++i) {
    const json &a = source["segments"][i], &b = translated["segments"][i];
    EXPECT_EQ(b["start"], a["start"]) << i;
    EXPECT_EQ(b["end"], a["end"]) << i;
    const std::string text = b["text"];
    const double seconds = b["end"].get<double>() - b["start"].get<double>();
    const size_t chars = subtitles::length(text);
    const auto broken = subtitles::break_lines(text, 42, lines);
    if (chars <= size_t(42 * lines) && chars <= std::max(1.0, seconds * 18) &&
        broken.size() <= size_t(lines) &&
        std::all_of(broken.begin(), broken.end(), [](const auto& l) { return subtitles::length(l) <= 42; }))
      ++within;
    if (has_cjk(text) == to_chinese) ++tally.in_target;
    std::cout << "  [" << a["start"] << "-" << a["end"] << "] " << b["original_text"].get<std::string>()
              << "\n   -> " << text << "\n";
  }
  EXPECT_EQ(out["within_limits_count"], within);
  EXPECT_EQ(out["over_limits"].size(), source["segments"].size() - within);
  tally.cues += source["segments"].size();
  tally.within += within;
}

// Real recordings both ways, held together to the bound: at least 95% of the translated cues within
// the limits. Four English recordings (a speech and LibriSpeech read speech) into one line of Chinese; a
// minute of AISHELL-1 news read by one speaker and the two shared Mandarin clips, cut into cues of 16
// characters (the style guide's CJK line), into at most two lines of English, since the same speech takes
// about three times as many characters in English as in Chinese. Measured: 13 of 13 into Chinese and 13 of
// 14 into English (9 of 14 before the re-ask of a cue alone; the cues and answers are in bench/RESULTS.md);
// the cue that stays over is 14 Chinese characters spoken in 1.68 s, which leaves 30 English characters.
TEST_F(LlmNodeTest, TranslatesRealSubtitlesBothWaysKeepingCuesTimingAndLimits) {
  use_local(llama(kLocalInstructModel).url("/v1"));
  Tally into_chinese;
  for (const std::string& clip :
       {shared_fixture("jfk.wav"), shared_fixture("1272-128104-0000.wav"), shared_fixture("another_door.wav"),
        test_data("speech/en/librispeech_1995-1837-0001.wav")}) {
    const std::string segments = cues(clip, "en", 42);
    const json out = run_node("wservice.translate_subtitles", {{"segments_file", segments},
                                                               {"target_language", "zh"},
                                                               {"glossary", {{"country", "国家"}}},
                                                               {"bilingual", true}});
    count_translation(segments, out, true, 1, into_chinese);
    EXPECT_EQ(out["provider"], "local");
    EXPECT_EQ(progress_.back(), 1.0);
    // Bilingual files: every cue with the original line above its translation.
    const std::string srt = read_file(out["bilingual_srt_path"].get<std::string>());
    for (const auto& s : read_json_file(out["translated_segments_file"])["segments"]) {
      const std::string both = s["original_text"].get<std::string>() + "\n" + s["text"].get<std::string>();
      EXPECT_NE(srt.find(both), std::string::npos) << both;
    }
    EXPECT_NE(read_file(out["bilingual_ass_path"].get<std::string>()).find("\\N"), std::string::npos);
  }
  Tally into_english;
  for (const std::string& clip :
       {test_data("speakers/aishell1_S0150_60s.flac"), shared_fixture("zh/BAC009S0764W0121.wav"),
        shared_fixture("zh/TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000.wav")}) {
    const std::string segments = cues(clip, "zh", 16);
    const json out = run_node("wservice.translate_subtitles",
                              {{"segments_file", segments}, {"target_language", "en"}, {"max_lines", 2}});
    count_translation(segments, out, false, 2, into_english);
  }
  std::cout << "into Chinese: " << into_chinese.within << " of " << into_chinese.cues
            << " cues within the limits, " << into_chinese.in_target << " in Chinese\n"
            << "into English: " << into_english.within << " of " << into_english.cues
            << " cues within the limits, " << into_english.in_target << " in English\n";
  EXPECT_GE(into_chinese.cues, 10u);
  EXPECT_GE(into_english.cues, 10u);
  EXPECT_GE(double(into_chinese.within + into_english.within) / double(into_chinese.cues + into_english.cues),
            0.95);
  EXPECT_GE(double(into_chinese.in_target) / double(into_chinese.cues), 0.95);
  EXPECT_GE(double(into_english.in_target) / double(into_english.cues), 0.9);
}

TEST_F(LlmNodeTest, OptimizesARealTranscriptWithoutChangingItsMeaningAndFeedsTheRebuild) {
  use_local(llama(kLocalInstructModel).url("/v1"));
  const std::string segments = transcribe(shared_fixture("jfk.wav"), "en");
  const json out = run_node("wservice.ai_optimize_text", {{"segments_file", segments}});
  const json source = read_json_file(segments);
  std::vector<std::string> lines;
  std::istringstream text(read_file(out["optimized_text_file"].get<std::string>()));
  for (std::string line; std::getline(text, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), source["segments"].size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string original = source["segments"][i]["text"];
    std::cout << "  " << original << "\n   -> " << lines[i] << "\n";
    EXPECT_LE(character_error_rate(original, lines[i]).rate, 0.3) << lines[i];
  }
  const json report = read_json_file(out["report_file"]);
  EXPECT_EQ(report["changed"].get<size_t>() + report["rejected"].get<size_t>() <= lines.size(), true);
  const json rebuilt =
      run_node("wservice.rebuild_subtitle_with_words",
               {{"segments_file", segments}, {"optimized_text_file", out["optimized_text_file"]}});
  EXPECT_GT(rebuilt["segments_count"].get<int>(), 0);
}

TEST(LlmClientTest, StreamsAnAnswerFromARealBaseModel) {
  setenv("YIVIDEO_LLM_LOCAL_BASE_URL", llama(kLocalBaseModel).url("/v1").c_str(), 1);
  const llm::ChatClient client(llm::provider("local"), {.max_tokens = 16});
  EXPECT_FALSE(client.complete({{"user", "The capital of France is"}}).empty());
}

// The schema is what llama-server holds the model to, not the prompt: asked for a key "capital", the model
// can only write the key "city" the schema requires, and nothing around the object (no Markdown code fence).
TEST(LlmClientTest, JsonModeHoldsARealInstructModelToTheSchema) {
  setenv("YIVIDEO_LLM_LOCAL_BASE_URL", llama(kLocalInstructModel).url("/v1").c_str(), 1);
  const llm::ChatClient client(llm::provider("local"), {.max_tokens = 64});
  const json schema = {{"type", "object"},
                       {"properties", {{"city", {{"type", "string"}}}}},
                       {"required", {"city"}},
                       {"additionalProperties", false}};
  const json answer = client.complete_json(
      {{"user", "Answer with a JSON object whose key \"capital\" holds the capital of France."}}, schema,
      [](const json&) { return ""; });
  ASSERT_EQ(answer.size(), 1u) << answer.dump();
  EXPECT_TRUE(answer["city"].is_string()) << answer.dump();
}

// Every failure names the provider and is retried only where that can help.
TEST_F(LlmNodeTest, ProviderFailuresFailTheStageClearlyAndRetryOnlyWhereItHelps) {
  const json cues = json::array({{{"start", 0.0}, {"end", 2.5}, {"text", "Hello there."}},
                                 {{"start", 3.0}, {"end", 5.0}, {"text", "How are you?"}}});
  const json given = {{"segments_data", cues}, {"target_language", "fr"}, {"max_retries", 2}};
  const auto mode = [&](const std::string& m) { use_local(misbehaving().url("/" + m + "/v1")); };

  // Not a completion at all: each ask is re-asked once (the client), the cue asked anew max_retries times
  // (the node), then refused.
  mode("garbage");
  Error e = failure("wservice.translate_subtitles", given);
  EXPECT_EQ(e.code(), "llm_bad_answer");
  EXPECT_NE(e.detail().find("local"), std::string::npos) << e.detail();
  EXPECT_EQ(requests("garbage"), 2 * 3);

  mode("bad_json");  // a completion whose text is not the JSON asked for: the same
  EXPECT_EQ(failure("wservice.translate_subtitles", given).code(), "llm_bad_answer");
  EXPECT_EQ(requests("bad_json"), 2 * 3);

  mode("bad_once");  // one malformed answer per cue, each put right by the re-ask
  const json out = run_node("wservice.translate_subtitles", given);
  EXPECT_EQ(out["segments_count"], 2);
  EXPECT_EQ(requests("bad_once"), 4);
  // The re-ask quotes the answer it refuses, cut short on a character boundary: cut inside a character, the
  // request could not be written as JSON and the stage failed (the zh dub preset in CI).
  const json reask = misbehaving_record("bad_once", "last");
  EXPECT_NE(reask["messages"].back()["content"].get<std::string>().find("not valid JSON (OK, 这是您要的翻译"),
            std::string::npos)
      << reask.dump();

  mode("500_once");  // a server error is retried
  EXPECT_EQ(run_node("wservice.ai_optimize_text", {{"segments_data", cues}})["segments_count"], 2);
  EXPECT_EQ(requests("500_once"), 2);

  mode("rewrite");  // a correction that changes the meaning is refused: the line is kept and reported
  const json optimized = run_node("wservice.ai_optimize_text", {{"segments_data", cues}});
  EXPECT_EQ(optimized["rejected_count"], 2);
  EXPECT_EQ(read_file(optimized["optimized_text_file"].get<std::string>()), "Hello there.\nHow are you?\n");
  EXPECT_EQ(read_json_file(optimized["report_file"])["rejected_lines"][0]["proposed"],
            "The weather will be sunny tomorrow.");

  mode("429");  // retried max_retries times, then given up
  e = failure("wservice.translate_subtitles", given);
  EXPECT_EQ(e.code(), "llm_rate_limited");
  EXPECT_EQ(requests("429"), 3);

  mode("hang");  // a hung server: the stage fails after its timeout, without retrying
  const auto started = std::chrono::steady_clock::now();
  json hurried = given;
  hurried["timeout_seconds"] = 2;
  EXPECT_EQ(failure("wservice.translate_subtitles", hurried).code(), "llm_timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));
  EXPECT_EQ(requests("hang"), 1);

  use_local("http://127.0.0.1:" + std::to_string(free_port()) + "/v1");  // nothing listens
  e = failure("wservice.translate_subtitles", given);
  EXPECT_EQ(e.code(), "llm_unavailable");
  EXPECT_NE(e.detail().find("local"), std::string::npos) << e.detail();

  // A named provider: no key, then a key the provider refuses (and echoes; it must not reach the detail).
  json deepseek = given;
  deepseek["provider"] = "deepseek";
  unsetenv("DEEPSEEK_API_KEY");
  e = failure("wservice.translate_subtitles", deepseek);
  EXPECT_EQ(e.code(), "llm_not_configured");
  EXPECT_NE(e.detail().find("DEEPSEEK_API_KEY"), std::string::npos) << e.detail();
  setenv("DEEPSEEK_API_KEY", "sk-test-not-a-real-key", 1);
  setenv("YIVIDEO_LLM_DEEPSEEK_BASE_URL", misbehaving().url("/401/v1").c_str(), 1);
  e = failure("wservice.translate_subtitles", deepseek);
  EXPECT_EQ(e.code(), "llm_auth_failed");
  EXPECT_NE(e.detail().find("deepseek"), std::string::npos) << e.detail();
  EXPECT_EQ(e.detail().find("sk-test-not-a-real-key"), std::string::npos) << e.detail();
  EXPECT_EQ(requests("401"), 1);
  unsetenv("DEEPSEEK_API_KEY");
  unsetenv("YIVIDEO_LLM_DEEPSEEK_BASE_URL");
}

// Through the API: both nodes listed, run after the quick-start chain (on `yivideo serve`'s own supervised
// llama-server) and as single tasks.
TEST(LlmApiTest, BothNodesRunAfterTheQuickStartChainAndAsSingleTasks) {
  LiveServer server("yivideo-llm-api", {.env = {"YIVIDEO_LLM_LOCAL_MODEL=" + llm_model(kLocalInstructModel),
                                                "YIVIDEO_LLAMA_SERVER=" + llama_server_binary(),
                                                "YIVIDEO_LLM_LOCAL_PORT=" + std::to_string(free_port()),
                                                "YIVIDEO_LLM_LOCAL_THREADS=1"}});
  const json tasks = server.get("/v1/tasks/supported-tasks")["tasks"];
  for (const char* name : {"wservice.ai_optimize_text", "wservice.translate_subtitles"}) {
    const auto it =
        std::find_if(tasks.begin(), tasks.end(), [&](const json& t) { return t["name"] == name; });
    ASSERT_NE(it, tasks.end()) << name;
    EXPECT_FALSE((*it)["parameters"].empty());
  }
  fs::create_directories(server.bucket_dir() / "inputs");
  fs::copy_file(shared_fixture("jfk.wav"), server.bucket_dir() / "inputs" / "jfk.wav");
  const json body = {{"video_path", "inputs/jfk.wav"},
                     {"workflow_config",
                      {{"workflow_chain",
                        {"ffmpeg.extract_audio", "faster_whisper.transcribe_audio",
                         "wservice.generate_subtitle_files", "wservice.ai_optimize_text",
                         "wservice.rebuild_subtitle_with_words", "wservice.translate_subtitles"}}}},
                     {"language", "en"},
                     {"wservice.translate_subtitles", {{"target_language", "zh"}}}};
  const std::string id = server.post("/v1/workflows", body, 202)["workflow_id"];
  // Polled for longer than wait_for_workflow's 2 minutes: three LLM stages on two shared cores.
  json done;
  for (int i = 0; i < 6000; ++i) {
    done = server.get("/v1/workflows/status/" + id);
    if (done["status"] != "pending" && done["status"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  std::map<std::string, json> out, in;
  for (const auto& [key, stage] : done["stages"].items()) {
    out[stage["task_name"]] = stage["output"];
    in[stage["task_name"]] = stage["input"];
  }
  // The rebuild re-timed the optimized text on the transcription's words; the translation took the rebuild's
  // cues.
  EXPECT_EQ(in["wservice.rebuild_subtitle_with_words"]["optimized_text_file"],
            out["wservice.ai_optimize_text"]["optimized_text_file"]);
  EXPECT_EQ(in["wservice.rebuild_subtitle_with_words"]["segments_file"],
            out["faster_whisper.transcribe_audio"]["segments_file"]);
  EXPECT_EQ(in["wservice.translate_subtitles"]["segments_file"],
            out["wservice.rebuild_subtitle_with_words"]["segments_file"]);
  const json& translated = out["wservice.translate_subtitles"];
  EXPECT_GE(translated["segments_count"].get<int>(), 1);
  EXPECT_GE(translated["within_limits_share"].get<double>(), 0.95);

  server.post("/v1/tasks",
              {{"task_name", "wservice.translate_subtitles"},
               {"task_id", "single-translate"},
               {"input_data",
                {{"segments_data", {{{"start", 0.0}, {"end", 3.0}, {"text", "Good morning, everyone."}}}},
                 {"target_language", "zh"}}}});
  EXPECT_EQ(server.wait_for_task("single-translate", 300)["status"], "completed");
  server.post("/v1/tasks",
              {{"task_name", "wservice.ai_optimize_text"},
               {"task_id", "single-optimize"},
               {"input_data",
                {{"segments_data", {{{"start", 0.0}, {"end", 3.0}, {"text", "good morning every one"}}}}}}});
  EXPECT_EQ(server.wait_for_task("single-optimize", 300)["status"], "completed");
}

}  // namespace
}  // namespace yv::test
