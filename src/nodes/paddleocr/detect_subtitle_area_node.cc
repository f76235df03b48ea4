#include "nodes/paddleocr/detect_subtitle_area_node.h"

#include <algorithm>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <optional>

#include "core/error.h"
#include "nodes/paddleocr/ocr_models.h"
#include "nodes/paddleocr/subtitle_area.h"
#include "nodes/paddleocr/text_detector.h"

namespace yv::paddleocr {
namespace {

using engine::ParamType;
using nlohmann::json;
namespace fs = std::filesystem;

// Keyframes are detected at this many rows (never enlarged): subtitle text, 5-8% of the height, stays 18
// pixels or more, which the detector finds, at a quarter of a 720p frame's work.
constexpr double kDetectRows = 360;

std::vector<fs::path> keyframes(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error("file_not_found", "文件不存在: " + dir.string(), 404);
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".jpg") files.push_back(entry.path());
  }
  if (files.empty()) throw Error("no_keyframes", dir.string() + " holds no keyframes (*.jpg)", 400);
  std::sort(files.begin(), files.end());
  return files;
}

json run(const engine::NodeRun& r) {
  const auto files = keyframes(r.params["keyframe_dir"].get<std::string>());
  TextDetector detector(ocr_model_files().detector);
  std::vector<std::vector<cv::Rect>> boxes;
  cv::Size frame;
  for (size_t i = 0; i < files.size(); ++i) {
    if (r.cancelled) throw Error("cancelled", "detection was cancelled", 409);
    const cv::Mat image = cv::imread(files[i].string(), cv::IMREAD_COLOR);
    if (image.empty()) throw Error("invalid_media", files[i].string() + " is not a readable image", 400);
    if (frame.empty()) frame = image.size();
    if (image.size() != frame) {
      throw Error("invalid_media", files[i].string() + " is not the size of the other keyframes", 400);
    }
    std::vector<cv::Rect> found;
    for (const TextBox& b : detector.detect(image, std::min(1.0, kDetectRows / image.rows)))
      found.push_back(b.box);
    boxes.push_back(std::move(found));
    r.progress(double(i + 1) / double(files.size()));
  }
  const std::string force = r.params["orientation"];
  const SubtitleArea area = find_subtitle_area(
      boxes, frame, force == "auto" ? std::nullopt : std::optional(parse_orientation(force)));
  const cv::Rect& a = area.area;
  return {{"subtitle_area", {a.x, a.y, a.x + a.width, a.y + a.height}},
          {"subtitle_area_found", area.found},
          {"orientation", orientation_name(area.orientation)}};
}

}  // namespace

engine::NodeSpec detect_subtitle_area_node() {
  engine::NodeSpec n;
  n.name = "paddleocr.detect_subtitle_area";
  n.description = "Find the band of the frame where subtitles are, from keyframes";
  n.params = {
      {"keyframe_dir", ParamType::kString, nullptr, true, false, "Folder of ffmpeg.extract_keyframes"},
      {"orientation", ParamType::kString, "auto", false, false,
       "Subtitles run \"horizontal\" (a band across the frame) or \"vertical\" (a column near an edge); "
       "\"auto\" decides from the keyframes",
       nullptr, nullptr, json{"auto", "horizontal", "vertical"}},
  };
  n.outputs = {"subtitle_area", "subtitle_area_found", "orientation"};
  n.run = run;
  return n;
}

}  // namespace yv::paddleocr
