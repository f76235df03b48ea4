// One text spoken into one audio file, shared by indextts.generate_speech's two modes (one text; one file per
// prepared dubbing segment). The text is cut into sentences (wservice/sentences.h, CJK punctuation included;
// a sentence over max_chars code points at its clauses), spoken one by one and joined with a short pause, and
// streamed to the file, so memory is one sentence's samples whatever the text's length.
#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

#include "tts/voices.h"

namespace yv::indextts {

struct SpokenFile {
  size_t frames = 0;     // at the speaker's sample rate
  size_t sentences = 0;  // sentences that gave sound
};

// Whether `text` has anything a voice could say: a letter, a digit or any non-ASCII character.
bool speakable(const std::string& text);

// Speaks `text` into `path` (its format by its extension: wav, flac, mp3, m4a). The file appears only when
// complete (media::AudioWriter). `progress` gets the share of sentences spoken. Throws yv::Error "cancelled"
// (409) when `cancelled` is set between sentences, "invalid_parameter" (400) when no sentence gave sound.
SpokenFile speak_to_file(const tts::Speaker& speaker, const std::string& text, float speed, int max_chars,
                         const std::filesystem::path& path, const std::atomic<bool>& cancelled,
                         const std::function<void(double)>& progress);

}  // namespace yv::indextts
