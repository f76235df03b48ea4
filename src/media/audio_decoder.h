// Decoding any media file's audio, as a stream of PCM blocks or whole.
//
// A thin wrapper over FFmpeg's libavformat/libavcodec/libswresample: the rest of YiVideo never sees an AV*
// handle. The file is read packet by packet and each decoded frame is resampled and handed on at once in
// blocks of at most kBlockFrames, so memory grows neither with the length of the input nor with the ratio of
// the rates (a frame of 1 Hz audio is hours at 16 kHz); decode_audio, which keeps the samples, holds 3.8 MB
// per minute of 16 kHz mono.
//
// A few kilobytes of media can decode to hours of audio (silence compresses to nothing; a 1 Hz WAV lasts
// 5 hours at 40 KB), so what is decoded is capped at max_media_seconds(). The decoded length is capped, not
// the length a container states, which may be anything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace yv::media {

// The most frames (samples per channel) handed to a sink at once.
constexpr size_t kBlockFrames = 8192;

// The longest audio that is decoded, in seconds: $YIVIDEO_MAX_MEDIA_SECONDS (at most 10^9), 6 hours when
// unset or invalid.
double max_media_seconds();

struct Audio {
  std::vector<float> samples;  // mono, in [-1, 1]
  int sample_rate = 0;
  double duration() const { return sample_rate ? double(samples.size()) / sample_rate : 0.0; }
};

class AudioReader {
 public:
  // Opens an audio stream of `path`: the best one, or the `audio_stream`-th audio stream (0-based) when
  // given; its samples are delivered as interleaved floats at `sample_rate` with `channels` channels (0: as
  // many as the stream has).
  // Throws yv::Error: "file_not_found" (404) when the path does not exist; "no_audio_stream" (400) when the
  // media has no (such) audio stream; "invalid_media" (400) when it cannot be opened or decoded.
  AudioReader(const std::string& path, int sample_rate, int channels, int audio_stream = -1);
  ~AudioReader();
  AudioReader(const AudioReader&) = delete;
  AudioReader& operator=(const AudioReader&) = delete;

  // The stream's duration in seconds as the container states it; 0 when unknown.
  double duration() const;
  // Channels of each delivered frame.
  int channels() const;

  // Decodes to the end, calling sink(samples, frames) with each block (frames x channels floats, frames <=
  // kBlockFrames). Stops early, without error, when sink returns false. Throws "invalid_media" when every
  // packet is corrupt or the stream holds no audio at all, and "media_too_long" (413) when the audio goes on
  // past max_media_seconds() (what came before was delivered).
  void read(const std::function<bool(const float* samples, size_t frames)>& sink);

 private:
  struct State;
  std::unique_ptr<State> s_;
  std::string path_;
  uint64_t max_frames_;  // max_media_seconds() at the output rate
};

// The whole audio of `path` (its best stream), downmixed to mono at `sample_rate`. Errors as AudioReader's.
Audio decode_audio(const std::string& path, int sample_rate = 16000);

// Each channel of `path`'s best audio stream on its own, at `sample_rate`. Errors as AudioReader's, and
// "too_many_channels" (400) for a stream of more than `max_channels`, refused before decoding (memory grows
// with the channels).
std::vector<Audio> decode_channels(const std::string& path, int sample_rate, int max_channels);

}  // namespace yv::media
