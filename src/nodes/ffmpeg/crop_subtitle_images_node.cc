#include "nodes/ffmpeg/crop_subtitle_images_node.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "core/error.h"
#include "core/files.h"
#include "media/image_file.h"
#include "media/video_frames.h"
#include "nodes/ffmpeg/text_strokes.h"

namespace yv::ffmpeg {
namespace {

using engine::ParamType;
using nlohmann::json;

struct Area {
  int x1, y1, x2, y2;
};

// Whether the band shows the same picture in two frames: no block of kBlock x kBlock pixels differs by more
// than kSameCrop levels on average. Blocks, not the whole band: one changed character of a subtitle is a
// small part of the band but most of its block.
bool same_band(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, int width, const Area& r) {
  for (int by = r.y1; by < r.y2; by += kBlock) {
    for (int bx = r.x1; bx < r.x2; bx += kBlock) {
      const int y_end = std::min(by + kBlock, r.y2), x_end = std::min(bx + kBlock, r.x2);
      uint64_t sum = 0;
      for (int y = by; y < y_end; ++y) {
        const size_t row = size_t(y) * size_t(width) * 3;
        for (size_t i = row + size_t(bx) * 3; i < row + size_t(x_end) * 3; ++i) {
          sum += uint64_t(std::abs(int(a[i]) - int(b[i])));
        }
      }
      if (double(sum) > kSameCrop * (y_end - by) * (x_end - bx) * 3) return false;
    }
  }
  return true;
}

// A crop written, what later frames are compared with.
struct Written {
  double time;
  std::vector<uint8_t> bgr;  // the whole frame
  TextStrokes strokes;
};

// Whether frame `f` shows what `last` shows, as far as the OCR nodes care: the same outlined text, or, when
// neither has any, the same picture, or a picture less than kStrokelessSeconds on (see the header).
bool same_crop(const Written& last, const media::VideoFrame& f, const TextStrokes& strokes,
               const Area& area) {
  if (last.strokes.has_text() && strokes.has_text()) return last.strokes.same_text(strokes);
  if (last.strokes.has_text() || strokes.has_text()) return false;
  return f.time - last.time < kStrokelessSeconds - 1e-6 || same_band(last.bgr, f.bgr, f.width, area);
}

// A copy of a band, to write later.
struct Band {
  int64_t index = -1;
  std::vector<uint8_t> bgr;  // packed rows
};

Band copy_band(int64_t index, const media::BgrImage& band) {
  Band b{index, std::vector<uint8_t>(size_t(band.width) * size_t(band.height) * 3)};
  for (int y = 0; y < band.height; ++y) {
    std::copy_n(band.bgr + ptrdiff_t(y) * band.stride, size_t(band.width) * 3,
                b.bgr.begin() + ptrdiff_t(y) * band.width * 3);
  }
  return b;
}

// The frames after a crop's first that may be read again (see the header): samples every `stride` frames,
// thinned when kRereadSamples are held, and the latest.
class Rereads {
 public:
  void add(int64_t index, const media::BgrImage& band) {
    if (++seen_ % stride_ == 0) {
      samples_.push_back(copy_band(index, band));
      if (samples_.size() == kRereadSamples) {
        for (size_t i = 0; i < kRereadSamples / 2; ++i) samples_[i] = std::move(samples_[2 * i + 1]);
        samples_.resize(kRereadSamples / 2);
        stride_ *= 2;
      }
    }
    latest_ = copy_band(index, band);
  }
  // The sample nearest the middle of the crop's frames, and the last frame.
  std::vector<const Band*> picked() const {
    if (seen_ == 0) return {};
    const Band* middle = nullptr;
    for (const Band& b : samples_) {  // offsets from the crop's first frame: stride_, 2 * stride_, ...
      const auto offset = [&](const Band& s) { return double(&s - samples_.data() + 1) * double(stride_); };
      if (!middle || std::abs(offset(b) - double(seen_) / 2) < std::abs(offset(*middle) - double(seen_) / 2))
        middle = &b;
    }
    if (!middle || middle->index == latest_.index) return {&latest_};
    return {middle, &latest_};
  }

 private:
  int64_t seen_ = 0, stride_ = 1;
  std::vector<Band> samples_;
  Band latest_;
};

json run(const engine::NodeRun& r) {
  const std::string path = r.params["video_path"];
  const auto& a = r.params["subtitle_area"];
  const Area area{a[0], a[1], a[2], a[3]};
  const double sample_fps = r.params["sample_fps"];
  media::VideoReader reader(path);
  const auto& info = reader.info();
  if (area.x1 < 0 || area.y1 < 0 || area.x2 > info.width || area.y2 > info.height) {
    throw Error("invalid_parameter",
                "subtitle_area " + a.dump() + " is not inside the " + std::to_string(info.width) + "x" +
                    std::to_string(info.height) + " frame of " + path,
                400);
  }
  const auto dir = r.work_dir / "crops";
  make_empty_directory(dir);
  // With sample_fps, frame i is taken when it is the nearest frame to a multiple of 1 / sample_fps.
  const double step = sample_fps > 0 ? std::max(1.0, info.fps / sample_fps) : 1.0;
  const auto wanted = [&](int64_t index) {
    return std::floor(double(index) / step) != std::floor(double(index - 1) / step);
  };
  const double span = step / info.fps;  // the time one taken frame stands for
  // The stroke mask's scales follow the frame's height (subtitle text is a fixed share of it), set for 720p:
  // strokes of 40-pixel characters with a 3-pixel outline, 32-pixel blocks.
  const double scale = info.height / 720.0;
  const int reach = std::max(2, int(std::lround(8 * scale))),
            block = std::max(8, int(std::lround(32 * scale)));
  const int min_text = std::max(20, int(std::lround(200 * scale * scale)));
  const int band_width = area.x2 - area.x1, band_height = area.y2 - area.y1;
  const auto write = [&](int64_t index, const media::BgrImage& band) {
    char name[32];
    std::snprintf(name, sizeof name, "crop_%06lld.png", static_cast<long long>(index));
    media::write_image(dir / name, band);
    return std::string(name);
  };
  json crops = json::array();
  size_t files = 0;
  std::optional<Written> last;
  Rereads rereads;
  // The last crop is done: its rereads, when its text stayed long enough and they show another picture.
  const auto finish = [&] {
    if (!last || !last->strokes.has_text()) return;
    auto& crop = crops.back();
    if (crop["end"].get<double>() - crop["start"].get<double>() < kRereadSeconds - 1e-6) return;
    const size_t offset = (size_t(area.y1) * size_t(info.width) + size_t(area.x1)) * 3;
    const Area whole{0, 0, band_width, band_height};
    std::vector<uint8_t> first(size_t(band_width) * size_t(band_height) * 3);
    for (int y = 0; y < band_height; ++y) {
      std::copy_n(last->bgr.begin() + ptrdiff_t(offset) + ptrdiff_t(y) * info.width * 3,
                  size_t(band_width) * 3, first.begin() + ptrdiff_t(y) * band_width * 3);
    }
    for (const Band* b : rereads.picked()) {
      if (same_band(first, b->bgr, band_width, whole)) continue;
      crop["rereads"].push_back(
          {{"file", write(b->index, {band_width, band_height, b->bgr.data(), band_width * 3})},
           {"index", b->index}});
      ++files;
    }
  };
  reader.read(
      [&](const media::VideoFrame& f) {
        if (r.cancelled) return false;
        const size_t offset = (size_t(area.y1) * size_t(f.width) + size_t(area.x1)) * 3;
        const media::BgrImage band{band_width, band_height, f.bgr.data() + offset, f.width * 3};
        TextStrokes strokes(band, reach, block, min_text);
        if (last && same_crop(*last, f, strokes, area)) {
          crops.back()["end"] = f.time + span;
          if (strokes.has_text()) rereads.add(f.index, band);
          return true;
        }
        if (!crops.empty()) crops.back()["end"] = f.time;
        finish();
        crops.push_back(
            {{"file", write(f.index, band)}, {"index", f.index}, {"start", f.time}, {"end", f.time + span}});
        ++files;
        last.emplace(Written{f.time, f.bgr, std::move(strokes)});
        rereads = Rereads();
        if (info.duration > 0) r.progress(std::min(0.99, f.time / info.duration));
        return true;
      },
      wanted);
  if (r.cancelled) throw Error("cancelled", "cropping was cancelled", 409);
  finish();
  const json manifest = {{"fps", info.fps},
                         {"frame_width", info.width},
                         {"frame_height", info.height},
                         {"subtitle_area", a},
                         {"orientation", r.params["orientation"]},
                         {"crops", crops}};
  write_file_atomically(dir / "crops.json", manifest.dump(1));
  return {{"cropped_images_path", dir.string()}, {"cropped_images_files_count", files}};
}

std::vector<std::string> check_area(const json& p) {
  if (!p.contains("subtitle_area")) return {};
  const auto& a = p["subtitle_area"];
  if (a.is_string()) return {};  // a stage reference, resolved later
  const bool ints =
      a.size() == 4 && std::all_of(a.begin(), a.end(), [](const json& v) { return v.is_number_integer(); });
  if (!ints) return {"'subtitle_area' must be four integers [x1, y1, x2, y2]"};
  if (a[0].get<int>() >= a[2].get<int>() || a[1].get<int>() >= a[3].get<int>()) {
    return {"'subtitle_area' must have x1 < x2 and y1 < y2"};
  }
  return {};
}

}  // namespace

engine::NodeSpec crop_subtitle_images_node() {
  engine::NodeSpec n;
  n.name = "ffmpeg.crop_subtitle_images";
  n.description = "Crop the subtitle area of a video's frames to PNG files (unchanged frames once)";
  n.params = {
      {"video_path", ParamType::kString, nullptr, true, true, "Video file to read"},
      {"subtitle_area", ParamType::kArray, nullptr, true, false,
       "[x1, y1, x2, y2] in frame pixels (paddleocr.detect_subtitle_area finds it)", nullptr, nullptr,
       nullptr, "", json{{"type", "integer"}}, 4},
      {"sample_fps", ParamType::kNumber, 0, false, false,
       "Frames per second to take; 0 takes every frame (subtitle times exact to the frame)", 0, 240},
      {"orientation", ParamType::kString, "horizontal", false, false,
       "How the subtitles in the area run (paddleocr.detect_subtitle_area finds it); kept in crops.json for "
       "the stitching and OCR",
       nullptr, nullptr, json{"horizontal", "vertical"}},
  };
  n.cross_check = check_area;
  n.outputs = {"cropped_images_path", "cropped_images_files_count"};
  n.time_limit_seconds = 3600;
  n.run = run;
  return n;
}

}  // namespace yv::ffmpeg
