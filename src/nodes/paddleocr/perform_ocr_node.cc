#include "nodes/paddleocr/perform_ocr_node.h"

#include <algorithm>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "core/files.h"
#include "nodes/paddleocr/line_boxes.h"
#include "nodes/paddleocr/ocr_models.h"
#include "nodes/paddleocr/subtitle_area.h"
#include "nodes/paddleocr/text_detector.h"
#include "nodes/paddleocr/text_recognizer.h"
#include "nodes/paddleocr/vertical_text.h"

namespace yv::paddleocr {
namespace {

using engine::ParamType;
using nlohmann::json;
namespace fs = std::filesystem;

// Stitched images are detected with each crop's short side scaled to about this many pixels (never
// enlarged): a subtitle band is a line or two of text with margins across it, so its text stays 20 pixels
// or more high (wide, for a vertical band), which the detector finds; the recogniser still reads the lines
// at full resolution.
constexpr double kCropRows = 80;

json read_manifest(const std::string& path) {
  const json m = json::parse(read_file(path), nullptr, false);
  bool valid =
      m.is_object() && m.contains("images") && m["images"].is_array() && m.contains("fps") &&
      m.contains("subtitle_area") && m["subtitle_area"].is_array() && m["subtitle_area"].size() == 4 &&
      (!m.contains("orientation") || m["orientation"] == "horizontal" || m["orientation"] == "vertical");
  for (const auto& image : valid ? m["images"] : json::array()) {
    valid = valid && image.contains("file") && image["file"].is_string() && image.contains("crops") &&
            image["crops"].is_array();
    for (const auto& c : valid ? image["crops"] : json::array()) {
      valid = valid && c.contains("index") && c.contains("start") && c.contains("end");
      for (const char* key : {"x", "y", "width", "height"})
        valid = valid && c.contains(key) && c[key].is_number_integer();
    }
  }
  if (!valid)
    throw Error("invalid_input", path + " is not a manifest of paddleocr.create_stitched_images", 400);
  return m;
}

// One line found in a crop, before rows are joined.
struct Found {
  cv::Rect box;  // in the stitched image
  Recognition read;
};

json run(const engine::NodeRun& r) {
  const json manifest = read_manifest(r.params["manifest_path"]);
  const fs::path images = r.params["multi_frames_path"].get<std::string>();
  const auto models = ocr_model_files();
  TextDetector detector(models.detector);
  TextRecognizer recognizer(models.recognizer, models.alphabet);
  const int area_x = manifest["subtitle_area"][0], area_y = manifest["subtitle_area"][1];
  const bool vertical =
      parse_orientation(manifest.value("orientation", "horizontal")) == Orientation::kVertical;
  json frames = json::array();
  const auto& list = manifest["images"];
  for (size_t n = 0; n < list.size(); ++n) {
    if (r.cancelled) throw Error("cancelled", "OCR was cancelled", 409);
    const auto file = images / list[n]["file"].get<std::string>();
    const cv::Mat image = cv::imread(file.string(), cv::IMREAD_COLOR);
    if (image.empty()) throw Error("invalid_input", file.string() + " is not a readable image", 400);
    const auto& crops = list[n]["crops"];
    if (crops.empty()) continue;
    std::vector<std::vector<Found>> per_crop(crops.size());
    const auto place = [&](size_t c) {
      const auto& p = crops[c];
      return cv::Rect(p["x"].get<int>(), p["y"].get<int>(), p["width"].get<int>(), p["height"].get<int>());
    };
    const cv::Rect first = place(0);
    const double scale = std::min(1.0, kCropRows / std::min(first.width, first.height));
    std::vector<cv::Mat> lines;
    std::vector<std::pair<size_t, size_t>> owner;  // (crop, position in per_crop) of each line
    std::vector<cv::Rect> found;
    for (const TextBox& b : detector.detect(image, scale)) found.push_back(b.box);
    tidy_line_boxes(found, vertical);
    if (vertical) {  // columns right to left
      std::stable_sort(found.begin(), found.end(),
                       [](const cv::Rect& a, const cv::Rect& b) { return a.x > b.x; });
    }
    for (const cv::Rect& b : found) {
      const cv::Point middle(b.x + b.width / 2, b.y + b.height / 2);
      for (size_t c = 0; c < crops.size(); ++c) {
        if (!place(c).contains(middle)) continue;
        const cv::Rect box = b & place(c);
        if (box.area() == 0) break;
        owner.emplace_back(c, per_crop[c].size());
        per_crop[c].push_back({box, {}});
        lines.push_back(vertical ? vertical_to_horizontal(image(box)) : image(box));
        break;
      }
    }
    const auto read = recognizer.recognize(lines);
    for (size_t i = 0; i < read.size(); ++i) per_crop[owner[i].first][owner[i].second].read = read[i];
    for (size_t c = 0; c < crops.size(); ++c) {
      json out = json::array();
      for (const Found& f : per_crop[c]) {
        if (f.read.text.empty()) continue;
        const cv::Rect box = f.box - place(c).tl() + cv::Point(area_x, area_y);
        out.push_back({{"text", f.read.text},
                       {"confidence", f.read.confidence},
                       {"box", {box.x, box.y, box.br().x, box.br().y}}});
      }
      if (crops[c].contains("reading_of")) {  // another reading of the frame before it
        if (frames.empty() || frames.back()["index"] != crops[c]["reading_of"]) {
          throw Error("invalid_input",
                      r.params["manifest_path"].get<std::string>() +
                          " lists a reread that does not follow the crop it reads again",
                      400);
        }
        frames.back()["rereads"].push_back({{"index", crops[c]["index"]}, {"lines", out}});
        continue;
      }
      frames.push_back({{"index", crops[c]["index"]},
                        {"start", crops[c]["start"]},
                        {"end", crops[c]["end"]},
                        {"lines", out}});
    }
    r.progress(double(n + 1) / double(list.size()));
  }
  const auto path = r.work_dir / "ocr_results.json";
  write_file_atomically(path, json{{"fps", manifest["fps"]},
                                   {"subtitle_area", manifest["subtitle_area"]},
                                   {"orientation", manifest.value("orientation", "horizontal")},
                                   {"frames", frames}}
                                  .dump(1));
  return {{"ocr_results_path", path.string()}, {"ocr_results_count", frames.size()}};
}

}  // namespace

engine::NodeSpec perform_ocr_node() {
  engine::NodeSpec n;
  n.name = "paddleocr.perform_ocr";
  n.description = "Detect and recognise the text of stitched subtitle images, per frame";
  n.params = {
      {"manifest_path", ParamType::kString, nullptr, true, false,
       "Manifest of paddleocr.create_stitched_images"},
      {"multi_frames_path", ParamType::kString, nullptr, true, false, "Folder of the stitched images"},
  };
  n.outputs = {"ocr_results_path", "ocr_results_count"};
  n.time_limit_seconds = 7200;
  n.run = run;
  return n;
}

}  // namespace yv::paddleocr
