// Every file a workflow writes is one GET away, as a remote client meets the API (issue 18, item 1): a real
// recording (JFK) is uploaded, the quick-start's chain runs on it, and each output is downloaded through the
// URL its status gives, then through the workflow's listing and the subtitles route, on the local store and
// on an S3 store (a real moto server, with presigned listing URLs on a public endpoint name).
#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/moto_server.h"

namespace yv::test {
namespace {
using nlohmann::json;

// GET of an absolute http URL: the status and the body (status 0 when nothing answered).
std::pair<int, std::string> fetch(const std::string& url) {
  static const std::regex kUrl(R"(http://([^/:]+):(\d+)(/.*))");
  std::smatch m;
  if (!std::regex_match(url, m, kUrl)) return {0, "not an http URL: " + url};
  httplib::Client client(m[1].str(), std::stoi(m[2].str()));
  const auto res = client.Get(m[3].str().c_str());
  return res ? std::pair(res->status, res->body) : std::pair(0, std::string());
}

class OutputUrlsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    LiveServer::Options options{.workers = 1};
    if (GetParam() == "s3") {
      moto_ = std::make_unique<MotoServer>();
      // Clients reach the store as "localhost", the servers as 127.0.0.1: presigned URLs name the former.
      const std::string port = moto_->endpoint().substr(moto_->endpoint().rfind(':') + 1);
      options.env = moto_->store_env();
      options.env.insert(options.env.end(), {"YIVIDEO_S3_PUBLIC_ENDPOINT=http://localhost:" + port,
                                             "YIVIDEO_S3_PRESIGN_SECONDS=600"});
    }
    server_ = std::make_unique<LiveServer>("yivideo-output-urls-" + GetParam(), options);
  }

  httplib::Client client() const { return httplib::Client("127.0.0.1", server_->port()); }

  std::unique_ptr<MotoServer> moto_;
  std::unique_ptr<LiveServer> server_;
};

TEST_P(OutputUrlsTest, QuickStartChainOutputsDownloadThroughTheirUrls) {
  const std::string audio = read_text(shared_fixture("jfk.wav"));
  const auto uploaded = client().Post(
      "/v1/files/upload", httplib::MultipartFormDataItems{{"file", audio, "jfk.wav", ""},
                                                          {"file_path", "videos/jfk.wav", "", ""}});
  ASSERT_TRUE(uploaded && uploaded->status == 200) << (uploaded ? uploaded->body : "no answer");
  const std::string upload_url = json::parse(uploaded->body)["download_url"];
  if (GetParam() == "s3") {
    EXPECT_TRUE(upload_url.starts_with("http://localhost:")) << upload_url;
  }
  EXPECT_EQ(fetch(upload_url), std::pair(200, audio));

  const json created =
      server_->post("/v1/workflows",
                    {{"video_path", "videos/jfk.wav"},
                     {"workflow_config",
                      {{"workflow_chain",
                        {"ffmpeg.extract_audio", "faster_whisper.transcribe_audio",
                         "pyannote_audio.diarize_speakers", "wservice.generate_subtitle_files"}}}},
                     {"language", "en"}},
                    202);
  const std::string id = created["workflow_id"];
  // Subtitles are there once the workflow is: asked for before, the answer says so.
  const auto early = client().Get(("/v1/workflows/" + id + "/subtitles?format=srt").c_str());
  ASSERT_TRUE(early);
  if (early->status != 200) {
    EXPECT_EQ(json::parse(early->body)["code"], "workflow_not_finished");
  }
  server_->wait_for_workflow(id);

  // The status as a client on another machine reads it: its Host names the server.
  const auto status = client().Get(("/v1/workflows/status/" + id).c_str());
  ASSERT_TRUE(status && status->status == 200);
  const json done = json::parse(status->body);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  const std::string share = "/share/workflows/" + id + "/";
  const std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  std::set<std::string> files;  // distinct: srt_path and subtitle_files.srt name one file
  for (const auto& [name, stage] : done["stages"].items()) {
    // Every output that names a stored file shows its shared name and has a URL that serves it.
    const json flat = stage["output"].flatten();
    for (const auto& [field, value] : flat.items()) {
      if (!value.is_string() || !value.get<std::string>().starts_with("/")) continue;
      const std::string path = value;
      EXPECT_TRUE(path.starts_with(share + name + "/")) << name << field << ": " << path;
      std::string place = field.substr(1);
      std::replace(place.begin(), place.end(), '/', '.');
      ASSERT_TRUE(stage["download_urls"].contains(place)) << name << " " << place << stage.dump(2);
      const std::string url = stage["download_urls"][place];
      EXPECT_TRUE(url.starts_with(base + "/v1/files/download/workflows/" + id + "/")) << url;
      const auto [code, body] = fetch(url);
      EXPECT_EQ(code, 200) << url;
      EXPECT_FALSE(body.empty()) << url;
      files.insert(path);
    }
  }
  EXPECT_EQ(files.size(), 9u)
      << "audio, segments, diarization (JSON, RTTM), four subtitle files, speaker SRT";
  const auto [srt_code, srt] = fetch(done["stages"]["stage_3"]["download_urls"]["srt_path"]);
  EXPECT_NE(srt.find("what your country can do for you"), std::string::npos) << srt;
  EXPECT_TRUE(fetch(done["stages"]["stage_0"]["download_urls"]["audio_path"]).second.starts_with("RIFF"));

  // The download route takes the shared names too; the listing has every file, each with a URL.
  const std::string srt_name = done["stages"]["stage_3"]["output"]["srt_path"];
  EXPECT_EQ(fetch(base + "/v1/files/download/" + srt_name), std::pair(200, srt));
  const json listing = server_->get("/v1/files/list?prefix=" + share);
  EXPECT_EQ(listing["prefix"], "workflows/" + id + "/");
  EXPECT_EQ(listing["truncated"], false);
  EXPECT_EQ(listing["files"].size(), files.size()) << listing.dump(2);
  for (const json& f : listing["files"]) {
    EXPECT_EQ(f["share_path"], "/share/" + f["file_path"].get<std::string>());
    const std::string url = f["download_url"];
    if (GetParam() == "s3") {
      EXPECT_TRUE(url.starts_with("http://localhost:")) << "presigned: " << url;
    }
    const auto [code, body] = fetch(url);
    EXPECT_EQ(code, 200) << url;
    EXPECT_EQ(body.size(), f["size"].get<size_t>()) << url;
  }

  // The subtitles in one call, by format.
  const auto subtitles = [&](const std::string& query) {
    return fetch(base + "/v1/workflows/" + id + "/subtitles" + query);
  };
  EXPECT_EQ(subtitles(""), std::pair(200, srt));
  EXPECT_TRUE(subtitles("?format=vtt").second.starts_with("WEBVTT"));
  EXPECT_NE(subtitles("?format=ass").second.find("[Events]"), std::string::npos);
  EXPECT_NO_THROW(json::parse(subtitles("?format=json").second));
  EXPECT_EQ(server_->get("/v1/workflows/" + id + "/subtitles?format=ttml", 404)["code"],
            "subtitles_not_found");
  EXPECT_EQ(server_->get("/v1/workflows/" + id + "/subtitles?format=doc", 400)["code"], "invalid_parameter");
  EXPECT_EQ(server_->get("/v1/workflows/no-such-workflow/subtitles", 404)["code"], "workflow_not_found");
}

INSTANTIATE_TEST_SUITE_P(Stores, OutputUrlsTest, ::testing::Values("local", "s3"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace yv::test
