// Rendering subtitles into a video's picture: decoded, drawn by libass through libavfilter's `subtitles`
// filter, encoded again with libx264.
//
// A thin wrapper like media/video_frames.h: one frame in flight, nothing else sees an AV* handle. Only the
// picture is written (a video-only MP4, which keeps each packet's decoding time for the copy that follows);
// the caller copies the audio beside it (media/track_muxer.h), so that the sound is never re-encoded.
//
// Fonts: libass is given `fonts_dir` and every style's font is forced to `font`, so that the text is drawn
// with the font asked for, found there, whatever fonts the machine has and whatever font an SRT's default
// style or an ASS file names (a missing font would otherwise fall back to any font that fontconfig picks,
// which for Chinese may be one without the glyphs).
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace yv::media {

struct BurnOptions {
  std::string subtitles;  // .srt, .ass or .vtt
  std::string fonts_dir;
  std::string font;   // family name, e.g. "Noto Sans CJK SC"
  int font_size = 0;  // in the script's pixels (ASS's PlayRes); 0: the style's own
  int crf = 20;       // libx264 constant rate factor
  std::string preset = "medium";
};

// Writes `out` (MP4, one H.264 stream) with `video`'s best video stream, subtitles drawn in. The file
// appears only when complete. `progress` gets the fraction of the stream's duration done.
// Throws yv::Error "file_not_found" (404), "no_video_stream" (400), "invalid_media" (400) for a video or
// subtitle file that cannot be read, "unsupported_format" (400) when libx264 or the subtitles filter is
// missing or refuses an option, "storage_error" (507).
void burn_subtitles(const std::string& video, const BurnOptions& options, const std::filesystem::path& out,
                    const std::function<void(double)>& progress);

}  // namespace yv::media
