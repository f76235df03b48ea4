// What the hard-subtitle tests share: the test videos made by tools/ocr_fixture.py (CTest's ocr_media set-up
// runs it), reading a picture file back, and running an earlier node of the chain to make a stage's input.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/node_registry.h"
#include "media/video_frames.h"

namespace yv::test {

inline std::string ocr_media(const std::string& name) { return std::string(YIVIDEO_OCR_MEDIA) + "/" + name; }

// The picture of an image file (or the first frame of a video), as packed BGR.
inline media::VideoFrame load_picture(const std::filesystem::path& file) {
  media::VideoFrame picture;
  media::VideoReader(file.string()).read([&](const media::VideoFrame& f) {
    picture = f;
    return false;
  });
  return picture;
}

// Runs `node` on `given` (defaults filled) in `dir`, created if needed, and returns its outputs.
inline nlohmann::json run_node(const engine::NodeRegistry& nodes, const std::string& node,
                               const nlohmann::json& given, const std::filesystem::path& dir) {
  const auto& spec = nodes.get(node);
  const nlohmann::json params = nodes.resolve_params(spec, given);
  const std::function<void(double)> progress = [](double) {};
  const std::atomic<bool> cancelled{false};
  std::filesystem::create_directories(dir);
  return spec.run({params, progress, cancelled, dir});
}

}  // namespace yv::test
