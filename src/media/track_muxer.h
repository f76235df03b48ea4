// Putting streams of several media files into one new MP4 or Matroska file, their packets copied: a video
// stream comes out bit for bit as it went in (no decoding, no quality lost, seconds instead of minutes).
//
// A thin wrapper over libavformat's demuxers and muxers, like media/audio_decoder.h: nothing else sees an
// AV* handle. The inputs are read side by side, the packet with the earliest time first, so the output is
// interleaved as players expect and nothing is held beyond one packet per input.
//
// Subtitles are the exception to copying where the container demands it: MP4 holds only timed text
// (mov_text), so SRT/ASS/WebVTT cues bound for MP4 are decoded and encoded to mov_text (text and timing kept,
// ASS styling dropped); Matroska takes SRT, ASS and WebVTT as they are. Audio is never converted here: one
// whose codec the container cannot hold is refused (can_hold() tells first), the caller encodes it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace yv::media {

enum class TrackKind { kVideo, kAudio, kSubtitle };

struct TrackSource {
  std::string path;  // media file (for subtitles: an .srt, .ass or .vtt file)
  TrackKind kind = TrackKind::kVideo;
  int index = -1;        // the index-th stream of its kind in the file (0-based); -1: the best one
  std::string language;  // ISO 639-2 code ("eng", "zho"); empty: the input stream's own tag, if any
  std::string title;     // empty: the input stream's own title, if any
  bool is_default = false;
};

// The number of streams of `kind` in `path`. Throws as mux_tracks does for a file that cannot be opened.
int count_streams(const std::string& path, TrackKind kind);

// Whether `container` ("mp4" or "mkv") can take `path`'s stream of `kind` (at `index`) as it is.
bool can_hold(const std::string& container, const std::string& path, TrackKind kind, int index = -1);

// Writes `out` as `container` ("mp4" or "mkv") with one track per source, in the order given. The file
// appears only when complete (written beside it and renamed); on any failure nothing is left.
// Throws yv::Error "file_not_found" (404) for a missing input, "invalid_media" (400) for one that cannot be
// read, "no_video_stream" / "no_audio_stream" (400) for a file without the stream asked for,
// "unsupported_format" (400) for a stream the container cannot hold, "storage_error" (507) when the output
// cannot be written.
void mux_tracks(const std::vector<TrackSource>& tracks, const std::filesystem::path& out,
                const std::string& container);

}  // namespace yv::media
