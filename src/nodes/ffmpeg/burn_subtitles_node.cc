#include "nodes/ffmpeg/burn_subtitles_node.h"

#include <filesystem>

#include "core/error.h"
#include "media/subtitle_burner.h"
#include "media/track_muxer.h"

namespace yv::ffmpeg {
namespace {

using engine::ParamType;
using nlohmann::json;
namespace fs = std::filesystem;

// Where Debian's fonts-noto-cjk puts its fonts (scripts/lib/deps.sh installs it).
constexpr const char* kCjkFonts = "/usr/share/fonts/opentype/noto";

// The value of the first of `names` in `p`; empty when none is.
std::string first_given(const json& p, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (p.contains(name)) return p[name];
  }
  return "";
}

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const std::string video = first_given(p, {"muxed_video_path", "video_path"});
  if (video.empty()) throw Error("missing_input", "give video_path (or run ffmpeg.mux_video before)");
  const std::string subtitles = first_given(p, {"subtitle_path", "ass_path", "srt_path"});
  if (subtitles.empty())
    throw Error("missing_input", "give subtitle_path (or run wservice.generate_subtitle_files before)");
  if (!fs::is_directory(kCjkFonts))
    throw Error("invalid_config", std::string("fonts-noto-cjk is not installed (no ") + kCjkFonts + ")", 500);
  const std::string container = p["output_format"];

  media::BurnOptions options{subtitles, kCjkFonts, p["font"], p.value("font_size", 0), p["crf"], p["preset"]};
  const fs::path picture = r.work_dir / "picture.mp4";
  media::burn_subtitles(video, options, picture, [&](double f) {
    if (r.cancelled) throw Error("cancelled", "burning was cancelled", 409);
    r.progress(0.95 * f);
  });
  std::vector<media::TrackSource> tracks = {{picture.string(), media::TrackKind::kVideo, -1, "", "", true}};
  const int audio = media::count_streams(video, media::TrackKind::kAudio);
  for (int i = 0; i < audio; ++i) tracks.push_back({video, media::TrackKind::kAudio, i, "", "", i == 0});
  // Soft subtitles stay selectable beside the burned ones (a dub's original and translation): MP4 takes any
  // as mov_text, Matroska only those it holds as they are.
  const int soft = media::count_streams(video, media::TrackKind::kSubtitle);
  for (int i = 0; i < soft; ++i) {
    if (container == "mp4" || media::can_hold(container, video, media::TrackKind::kSubtitle, i))
      tracks.push_back({video, media::TrackKind::kSubtitle, i, "", "", false});
  }
  const fs::path out = r.work_dir / ("burned." + container);
  media::mux_tracks(tracks, out, container);
  fs::remove(picture);
  r.progress(1.0);
  return {{"burned_video_path", out.string()}, {"format", container}, {"audio_track_count", audio}};
}

}  // namespace

engine::NodeSpec burn_subtitles_node() {
  engine::NodeSpec n;
  n.name = "ffmpeg.burn_subtitles";
  n.description = "Draw ASS/SRT subtitles into the picture (libass), re-encoding the video with libx264";
  n.params = {
      {"video_path", ParamType::kString, nullptr, false, true, "Video to draw into"},
      {"muxed_video_path", ParamType::kString, nullptr, false, false,
       "Video from ffmpeg.mux_video, taken instead of video_path"},
      {"subtitle_path", ParamType::kString, nullptr, false, false, "ASS, SRT or WebVTT file to draw"},
      {"ass_path", ParamType::kString, nullptr, false, false, "ASS from the subtitle stage"},
      {"srt_path", ParamType::kString, nullptr, false, false, "SRT from the subtitle stage"},
      {"font", ParamType::kString, "Noto Sans CJK SC", false, false, "Font family for every style"},
      {"font_size", ParamType::kInteger, nullptr, false, false, "Font size (the style's own when absent)", 4,
       400},
      {"crf", ParamType::kInteger, 20, false, false, "libx264 quality (lower is better, 18-28 usual)", 0, 51},
      {"preset", ParamType::kString, "medium", false, false, "libx264 speed preset", nullptr, nullptr,
       json{"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"}},
      {"output_format", ParamType::kString, "mp4", false, false, "mp4 or mkv", nullptr, nullptr,
       json{"mp4", "mkv"}},
  };
  n.outputs = {"burned_video_path", "format", "audio_track_count"};
  n.time_limit_seconds = 7200;
  n.run = run;
  return n;
}

}  // namespace yv::ffmpeg
