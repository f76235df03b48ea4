// Decoding any media file's audio, as a stream of PCM blocks or whole.
//
// A thin wrapper over FFmpeg's libavformat/libavcodec/libswresample: the rest of YiVideo never sees an AV*
// handle. The file is read packet by packet and each decoded frame is resampled and handed on at once, so
// memory does not grow with the length of the input (decode_audio, which keeps the samples, holds 3.8 MB per
// minute of 16 kHz mono).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace yv::media {

struct Audio {
  std::vector<float> samples;  // mono, in [-1, 1]
  int sample_rate = 0;
  double duration() const { return sample_rate ? double(samples.size()) / sample_rate : 0.0; }
};

class AudioReader {
 public:
  // Opens an audio stream of `path`: the best one, or the `audio_stream`-th audio stream (0-based) when
  // given; its samples are delivered as interleaved floats at `sample_rate` with `channels` channels.
  // Throws yv::Error: "file_not_found" (404) when the path does not exist; "no_audio_stream" (400) when the
  // media has no (such) audio stream; "invalid_media" (400) when it cannot be opened or decoded.
  AudioReader(const std::string& path, int sample_rate, int channels, int audio_stream = -1);
  ~AudioReader();
  AudioReader(const AudioReader&) = delete;
  AudioReader& operator=(const AudioReader&) = delete;

  // The stream's duration in seconds as the container states it; 0 when unknown.
  double duration() const;

  // Decodes to the end, calling sink(samples, frames) with each block (frames x channels floats). Stops
  // early, without error, when sink returns false. Throws "invalid_media" when every packet is corrupt or the
  // stream holds no audio at all.
  void read(const std::function<bool(const float* samples, size_t frames)>& sink);

 private:
  struct State;
  std::unique_ptr<State> s_;
  std::string path_;
};

// The whole audio of `path` (its best stream), downmixed to mono at `sample_rate`. Errors as AudioReader's.
Audio decode_audio(const std::string& path, int sample_rate = 16000);

}  // namespace yv::media
