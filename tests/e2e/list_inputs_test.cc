// Files named inside lists are inputs like top-level ones, on both object stores: a worker fetches
// tts_segments[].audio_path (an earlier stage's outputs), all_audio_files[] and subtitle_tracks[].path (a
// client's uploads) before the node runs, as it fetches video_path. The chain is the dub's assembly end:
// generate_speech (batch) -> fit_dubbing -> mix_audio -> mux_video, on real footage and real music.
#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/moto_server.h"

namespace yv::test {
namespace {
using nlohmann::json;

// Parameter: the object store, "local" or "s3" (a real moto server).
class ListInputs : public ::testing::TestWithParam<std::string> {
 protected:
  static void TearDownTestSuite() {
    servers_.clear();
    moto_.reset();
  }
  static LiveServer& server() {
    auto& server = servers_[GetParam()];
    if (server) return *server;
    LiveServer::Options options{.workers = 1};
    if (GetParam() == "s3") {
      moto_ = std::make_unique<MotoServer>();
      options.env = moto_->store_env();
    }
    server = std::make_unique<LiveServer>("yivideo-list-inputs-" + GetParam(), options);
    for (const auto& [key, file] : std::map<std::string, std::string>{
             {"inputs/run.mp4", test_data("video/openshot_run_5s.mp4")},
             {"inputs/music.flac", test_data("speech/none/music_brahms_hungarian_dance_5.flac")},
             {"inputs/run.en.srt", test_data("video/openshot_run_5s.en.srt")}}) {
      httplib::Client client("127.0.0.1", server->port());
      const auto res = client.Post(
          "/v1/files/upload",
          httplib::MultipartFormDataItems{{"file", read_text(file), key, ""}, {"file_path", key, "", ""}});
      EXPECT_TRUE(res && res->status == 200) << key << ": " << (res ? res->body : "no answer");
    }
    return *server;
  }

  static inline std::map<std::string, std::unique_ptr<LiveServer>> servers_;
  static inline std::unique_ptr<MotoServer> moto_;
};

TEST_P(ListInputs, FilesNamedInListsReachTheNodes) {
  LiveServer& s = server();
  const json prepared = json::array({{{"start", 0.3}, {"end", 2.0}, {"text", "Hola a todos."}},
                                     {{"start", 2.5}, {"end", 4.5}, {"text", "La carrera empieza ahora."}}});
  const json created = s.post(
      "/v1/workflows",
      {{"video_path", "inputs/run.mp4"},
       {"workflow_config",
        {{"workflow_chain",
          {"indextts.generate_speech", "ffmpeg.fit_dubbing", "ffmpeg.mix_audio", "ffmpeg.mux_video"}}}},
       {"indextts.generate_speech", {{"prepared_segments", prepared}, {"language", "es"}}},
       {"ffmpeg.fit_dubbing", {{"timeline_duration", 5.0}, {"max_overflow", 5.0}}},
       {"ffmpeg.mix_audio", {{"all_audio_files", {"inputs/music.flac"}}}},
       {"ffmpeg.mux_video",
        {{"audio_language", "es"},
         {"subtitle_tracks", json::array({{{"path", "inputs/run.en.srt"}, {"language", "en"}}})}}}},
      202);
  const std::string id = created["workflow_id"];
  const json done = s.wait_for_workflow(id);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  const json& speech = done["stages"]["stage_0"]["output"];
  ASSERT_EQ(speech["tts_segments"].size(), 2u) << speech.dump(2);
  const std::string first = speech["tts_segments"][0]["audio_path"];
  EXPECT_TRUE(first.starts_with("/share/workflows/" + id + "/stage_0/segments/")) << first;
  // fit_dubbing was given the store names (fetched for it) and heard both segments.
  EXPECT_EQ(done["stages"]["stage_1"]["input"]["tts_segments"][0]["audio_path"], first);
  EXPECT_EQ(done["stages"]["stage_1"]["output"]["segments_count"], 2);
  EXPECT_EQ(done["stages"]["stage_2"]["output"]["bed_source"], "all_audio_files");
  json kinds = json::array();
  for (const auto& t : done["stages"]["stage_3"]["output"]["tracks"]) kinds.push_back(t["kind"]);
  EXPECT_EQ(kinds, json({"video", "audio", "subtitle"})) << done["stages"]["stage_3"].dump(2);
  httplib::Client client("127.0.0.1", s.port());
  const auto video = client.Get("/v1/files/download/workflows/" + id + "/stage_3/video.mp4");
  ASSERT_TRUE(video && video->status == 200);
  EXPECT_EQ(video->body.substr(4, 4), "ftyp");
  if (GetParam() == "s3") {
    EXPECT_FALSE(std::filesystem::exists(s.bucket_dir() / "workflows")) << "stage files leaked to local disk";
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, ListInputs, ::testing::Values("local", "s3"));

}  // namespace
}  // namespace yv::test
