// Encoding PCM into an audio file (WAV, FLAC, MP3, M4A/AAC or raw ADTS AAC) with libavcodec/libavformat,
// block by block, so an hour of audio needs no more memory than a second of it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace yv::media {

class AudioWriter {
 public:
  // The formats this build encodes: wav (16-bit PCM), flac, mp3, m4a (AAC in MP4), aac (ADTS stream).
  static const std::vector<std::string>& formats();

  // Starts `path` as `format` with the given rate and channel count; samples arrive as interleaved floats.
  // The file appears only when finish() succeeds: it is written beside `path` and renamed.
  // Throws yv::Error "unsupported_format" (400) for an unknown format or a rate the codec cannot take,
  // "storage_error" (507) when the file cannot be written.
  AudioWriter(const std::filesystem::path& path, const std::string& format, int sample_rate, int channels);
  ~AudioWriter();  // removes the partial file unless finish() succeeded
  AudioWriter(const AudioWriter&) = delete;
  AudioWriter& operator=(const AudioWriter&) = delete;

  void write(const float* samples, size_t frames);
  void finish();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace yv::media
