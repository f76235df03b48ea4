// Decoding a video's pictures as 8-bit BGR frames: at chosen instants (by seeking) or all in order.
//
// A thin wrapper over libavformat/libavcodec/libswscale, like media/audio_decoder.h: nothing else in YiVideo
// sees an AV* handle, and the frames come out in the byte order OpenCV works in (BGR, rows packed), so that
// the OCR nodes wrap them without a copy. One frame is held at a time; a 10-minute 720p video is never in
// memory whole.
//
// Times are the presentation times of the frames, in seconds from the stream's start (a stream whose first
// timestamp is not 0 is shifted to 0), so that frame i of a constant-rate video starts at i / fps: the
// subtitle events the OCR nodes emit are placed on the same clock a player shows.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace yv::media {

struct VideoInfo {
  int width = 0;
  int height = 0;
  double fps = 0;       // the stream's average frame rate (its nominal rate when that is unknown)
  double duration = 0;  // seconds, as the container states it; 0 when unknown
};

struct VideoFrame {
  double time = 0;    // presentation time, seconds from the stream's start
  int64_t index = 0;  // round(time * fps): the frame's number on a constant-rate clock
  int width = 0;
  int height = 0;
  std::vector<uint8_t> bgr;  // height rows of width * 3 bytes
};

class VideoReader {
 public:
  // Opens the best video stream of `path`. Throws yv::Error "file_not_found" (404) when the path does not
  // exist, "no_video_stream" (400) when the media has no video stream (an audio file, a still image counts
  // as video), "invalid_media" (400) when it cannot be opened or has no decoder.
  explicit VideoReader(const std::string& path);
  ~VideoReader();
  VideoReader(const VideoReader&) = delete;
  VideoReader& operator=(const VideoReader&) = delete;

  const VideoInfo& info() const { return info_; }

  // The frame on screen at `seconds`: seeks to the key frame at or before it and decodes forward, so the
  // cost is one group of pictures, not the video up to there. False past the last frame.
  bool frame_at(double seconds, VideoFrame& out);

  // Decodes from the start (wherever frame_at left the reader) to the end, calling sink with each frame in
  // presentation order; stops early, without error, when sink returns false. `wanted(index)`, when given,
  // says which frames are converted to BGR (the others are decoded, as they must be, but not converted or
  // delivered). Throws "invalid_media" when the stream yields no frame at all.
  void read(const std::function<bool(const VideoFrame&)>& sink,
            const std::function<bool(int64_t index)>& wanted = nullptr);

 private:
  struct State;
  std::unique_ptr<State> s_;
  std::string path_;
  VideoInfo info_;
};

}  // namespace yv::media
