// The six hard-subtitle nodes as one workflow submitted to a live server, on the local store and on an S3
// store (a real moto server): each stage's folders of keyframes, crops and stitched images must reach the
// next stage however the store keeps them, and the subtitles come back through the workflow's route.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cctype>
#include <sstream>

#include "core/files.h"
#include "core/wer.h"
#include "ocr/ocr_media.h"
#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/moto_server.h"

namespace yv::test {
namespace {
using nlohmann::json;

// The text lines of an SRT document (not its numbers and times), one per line.
std::string cue_text(const std::string& srt) {
  std::istringstream in(srt);
  std::string text;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && !std::isdigit(static_cast<unsigned char>(line[0]))) text += line + "\n";
  }
  return text;
}

class OcrWorkflowTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    LiveServer::Options options;
    options.workers = 1;
    if (GetParam() == "s3") {
      moto_ = std::make_unique<MotoServer>();
      options.env = moto_->store_env();
    }
    server_ = std::make_unique<LiveServer>("yivideo-ocr-workflow-" + GetParam(), options);
  }

  std::unique_ptr<MotoServer> moto_;
  std::unique_ptr<LiveServer> server_;
};

TEST_P(OcrWorkflowTest, TheHardSubtitleChainRunsOnTheStoreAndItsSubtitlesDownload) {
  httplib::Client client("127.0.0.1", server_->port());
  const auto uploaded = client.Post(
      "/v1/files/upload",
      httplib::MultipartFormDataItems{{"file", read_file(ocr_media("real_bbb_8s.mp4")), "bbb.mp4", ""},
                                      {"file_path", "videos/bbb.mp4", "", ""}});
  ASSERT_TRUE(uploaded && uploaded->status == 200) << (uploaded ? uploaded->body : "no answer");
  const json created = server_->post("/v1/workflows",
                                     {{"video_path", "videos/bbb.mp4"},
                                      {"workflow_config",
                                       {{"workflow_chain",
                                         {"ffmpeg.extract_keyframes", "paddleocr.detect_subtitle_area",
                                          "ffmpeg.crop_subtitle_images", "paddleocr.create_stitched_images",
                                          "paddleocr.perform_ocr", "paddleocr.postprocess_and_finalize"}}}},
                                      {"ffmpeg.extract_keyframes", {{"keyframe_sample_count", 20}}}},
                                     202);
  const std::string id = created["workflow_id"];
  const json done = server_->wait_settled("/v1/workflows/status/" + id, 600);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);

  const auto srt = client.Get(("/v1/workflows/" + id + "/subtitles?format=srt").c_str());
  ASSERT_TRUE(srt && srt->status == 200) << (srt ? srt->body : "no answer");
  EXPECT_LE(character_error_rate(cue_text(read_file(ocr_media("real_bbb_8s.srt"))), cue_text(srt->body)).rate,
            0.02)
      << srt->body;
  if (GetParam() == "s3") {
    EXPECT_FALSE(std::filesystem::exists(server_->bucket_dir() / "workflows"))
        << "stage files leaked to disk";
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, OcrWorkflowTest, ::testing::Values("local", "s3"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace yv::test
