// Decoding any media file's audio to the PCM that speech models take.
//
// A thin wrapper over FFmpeg's libavformat/libavcodec/libswresample: the rest of YiVideo never sees an AV*
// handle. The file is read packet by packet (never loaded whole); only the decoded mono samples are kept,
// which for 16 kHz float is 3.8 MB per minute of audio.
#pragma once

#include <string>
#include <vector>

namespace yv::media {

struct Audio {
  std::vector<float> samples;  // mono, in [-1, 1]
  int sample_rate = 0;
  double duration() const { return sample_rate ? double(samples.size()) / sample_rate : 0.0; }
};

// Decodes the best audio stream of `path` (any container/codec FFmpeg reads: WAV, FLAC, MP3, MP4, MKV, ...),
// downmixed to mono and resampled to `sample_rate`.
// Throws yv::Error: "file_not_found" (404) when the path does not exist; "invalid_media" (400) when the file
// cannot be opened as media, has no audio stream, or its audio cannot be decoded.
Audio decode_audio(const std::string& path, int sample_rate = 16000);

}  // namespace yv::media
