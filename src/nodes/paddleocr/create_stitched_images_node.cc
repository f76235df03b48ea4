#include "nodes/paddleocr/create_stitched_images_node.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "core/files.h"
#include "media/image_file.h"
#include "media/video_frames.h"
#include "nodes/paddleocr/subtitle_area.h"

namespace yv::paddleocr {
namespace {

using engine::ParamType;
using nlohmann::json;
namespace fs = std::filesystem;

json read_crops(const fs::path& dir) {
  const auto file = dir / "crops.json";
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    throw Error("invalid_input",
                dir.string() + " holds no crops.json (ffmpeg.crop_subtitle_images writes it)", 400);
  }
  json crops = json::parse(read_file(file), nullptr, false);
  const auto picture = [](const json& c) {
    return c.is_object() && c.contains("file") && c["file"].is_string() && c.contains("index");
  };
  bool valid = crops.is_object() && crops.contains("crops") && crops["crops"].is_array() &&
               crops.contains("fps") && crops.contains("frame_width") && crops.contains("frame_height") &&
               crops.contains("subtitle_area") &&
               (!crops.contains("orientation") || crops["orientation"] == "horizontal" ||
                crops["orientation"] == "vertical");
  for (const auto& c : valid ? crops["crops"] : json::array()) {
    valid = valid && picture(c) && c.contains("start") && c.contains("end") &&
            (!c.contains("rereads") || c["rereads"].is_array());
    for (const auto& again : valid ? c.value("rereads", json::array()) : json::array())
      valid = valid && picture(again);
  }
  if (!valid)
    throw Error("invalid_input", file.string() + " is not a crops.json of ffmpeg.crop_subtitle_images", 400);
  return crops;
}

// One crop file's picture.
media::VideoFrame load_crop(const fs::path& file) {
  media::VideoFrame crop;
  media::VideoReader reader(file.string());
  reader.read([&](const media::VideoFrame& f) {
    crop = f;
    return false;
  });
  return crop;
}

json run(const engine::NodeRun& r) {
  const fs::path in = r.params["cropped_images_path"].get<std::string>();
  const int batch = r.params["batch_size"];
  const json crops = read_crops(in);
  json list = json::array();  // every picture to place: the crops, each followed by its rereads
  for (const auto& c : crops.at("crops")) {
    list.push_back(c);
    for (const auto& again : c.value("rereads", json::array())) {
      list.push_back({{"file", again.at("file")},
                      {"index", again.at("index")},
                      {"start", c.at("start")},
                      {"end", c.at("end")},
                      {"reading_of", c.at("index")}});
    }
  }
  const std::string orientation = crops.value("orientation", "horizontal");
  const bool vertical = parse_orientation(orientation) == Orientation::kVertical;
  const auto out = r.work_dir / "stitched";
  make_empty_directory(out);
  json images = json::array();
  for (size_t first = 0; first < list.size(); first += size_t(batch)) {
    if (r.cancelled) throw Error("cancelled", "stitching was cancelled", 409);
    const size_t n = std::min(size_t(batch), list.size() - first);
    std::vector<media::VideoFrame> parts;
    for (size_t k = 0; k < n; ++k)
      parts.push_back(load_crop(in / list[first + k].at("file").get<std::string>()));
    // The crops follow each other down (horizontal text) or across (vertical text); the other side is the
    // largest crop's.
    int width = 0, height = 0;
    for (const auto& p : parts) {
      if (vertical) {
        width += p.width;
        height = std::max(height, p.height);
      } else {
        height += p.height;
        width = std::max(width, p.width);
      }
    }
    const int gap = std::max(8, (vertical ? parts.front().width : parts.front().height) / 4);
    (vertical ? width : height) += gap * int(n - 1);
    std::vector<uint8_t> canvas(size_t(width) * size_t(height) * 3, 0);
    json placed = json::array();
    int x = 0, y = 0;
    for (size_t k = 0; k < n; ++k) {
      const auto& p = parts[k];
      for (int row = 0; row < p.height; ++row) {
        std::memcpy(&canvas[(size_t(y + row) * size_t(width) + size_t(x)) * 3],
                    &p.bgr[size_t(row) * size_t(p.width) * 3], size_t(p.width) * 3);
      }
      const auto& c = list[first + k];
      placed.push_back({{"index", c.at("index")},
                        {"start", c.at("start")},
                        {"end", c.at("end")},
                        {"x", x},
                        {"y", y},
                        {"width", p.width},
                        {"height", p.height}});
      if (c.contains("reading_of")) placed.back()["reading_of"] = c["reading_of"];
      if (vertical) {
        x += p.width + gap;
      } else {
        y += p.height + gap;
      }
    }
    char name[32];
    std::snprintf(name, sizeof name, "stitched_%04zu.png", images.size());
    media::write_image(out / name, {width, height, canvas.data(), width * 3});
    images.push_back({{"file", name}, {"crops", placed}});
    r.progress(double(first + n) / double(list.size()));
  }
  json manifest = {{"fps", crops.at("fps")},
                   {"frame_width", crops.at("frame_width")},
                   {"frame_height", crops.at("frame_height")},
                   {"subtitle_area", crops.at("subtitle_area")},
                   {"orientation", orientation},
                   {"images", images}};
  const auto manifest_path = out / "manifest.json";
  write_file_atomically(manifest_path, manifest.dump(1));
  return {{"multi_frames_path", out.string()},
          {"manifest_path", manifest_path.string()},
          {"stitched_images_count", images.size()}};
}

}  // namespace

engine::NodeSpec create_stitched_images_node() {
  engine::NodeSpec n;
  n.name = "paddleocr.create_stitched_images";
  n.description = "Stack subtitle crops into tall images for batched text detection";
  n.params = {
      {"cropped_images_path", ParamType::kString, nullptr, true, false,
       "Folder of ffmpeg.crop_subtitle_images (with its crops.json)"},
      {"batch_size", ParamType::kInteger, 10, false, false, "Crops per stitched image", 1, 100},
  };
  n.outputs = {"multi_frames_path", "manifest_path", "stitched_images_count"};
  n.run = run;
  return n;
}

}  // namespace yv::paddleocr
