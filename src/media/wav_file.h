// Writing decoded audio as a WAV file (16-bit PCM, mono): the format every later stage and every tool reads.
#pragma once

#include <filesystem>

#include "media/audio_decoder.h"

namespace yv::media {

// Writes `audio` to `path` atomically: a reader sees the whole file or none (it is written beside the
// target and renamed). Throws yv::Error "storage_error" (503) when the file cannot be written.
void write_wav(const std::filesystem::path& path, const Audio& audio);

}  // namespace yv::media
