#include "nodes/ffmpeg/extract_keyframes_node.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/error.h"
#include "core/files.h"
#include "media/image_file.h"
#include "media/video_frames.h"

namespace yv::ffmpeg {
namespace {

using engine::ParamType;
using nlohmann::json;

json run(const engine::NodeRun& r) {
  const std::string path = r.params["video_path"];
  const int count = r.params["keyframe_sample_count"];
  media::VideoReader reader(path);
  const double duration = reader.info().duration;
  if (duration <= 0) throw Error("invalid_media", path + " does not state its duration", 400);

  const auto dir = r.work_dir / "keyframes";
  make_empty_directory(dir);
  json files = json::array();
  media::VideoFrame frame;
  int64_t last_index = -1;
  for (int i = 0; i < count; ++i) {
    if (r.cancelled) throw Error("cancelled", "extraction was cancelled", 409);
    const double at = (i + 0.5) * duration / count;
    // In a video shorter than `count` frames, instants share frames: each is taken once.
    if (std::ceil(at * reader.info().fps - 0.5) <= double(last_index)) continue;
    if (!reader.frame_at(at, frame)) break;
    last_index = frame.index;
    char name[32];
    std::snprintf(name, sizeof name, "keyframe_%06lld.jpg", static_cast<long long>(frame.index));
    media::write_image(dir / name, {frame.width, frame.height, frame.bgr.data(), frame.width * 3});
    files.push_back((dir / name).string());
    r.progress(double(i + 1) / count);
  }
  if (files.empty()) throw Error("invalid_media", "no picture of " + path + " could be decoded", 400);
  return {{"keyframe_dir", dir.string()}, {"keyframe_files", files}};
}

}  // namespace

engine::NodeSpec extract_keyframes_node() {
  engine::NodeSpec n;
  n.name = "ffmpeg.extract_keyframes";
  n.description = "Evenly spaced frames of a video as JPEG files (for finding the subtitle area)";
  n.params = {
      {"video_path", ParamType::kString, nullptr, true, true, "Video file to read"},
      {"keyframe_sample_count", ParamType::kInteger, 100, false, false, "How many frames to take", 1, 1000},
  };
  n.outputs = {"keyframe_dir", "keyframe_files"};
  n.time_limit_seconds = 1800;
  n.run = run;
  return n;
}

}  // namespace yv::ffmpeg
