// Subtitle file formats: SRT, WebVTT, ASS, TTML, plain text and word-level JSON, written from cues.
// Speaker labels: an SRT prefix ("SPEAKER_00: ") when asked for, VTT voice tags (<v SPEAKER_00>), one ASS
// style per speaker, a TTML agent attribute, and "speaker" per cue and word in JSON.
#pragma once

#include <string>
#include <vector>

#include "nodes/subtitles/cues.h"

namespace yv::subtitles {

// The formats this build writes: srt, vtt, ass, ttml, txt, json.
const std::vector<std::string>& supported_formats();

// The file content of `format` (one of supported_formats()). speaker_prefix applies to srt only.
std::string render(const std::string& format, const std::vector<Cue>& cues, const std::string& language,
                   bool speaker_prefix = false);

// "HH:MM:SS<sep>mmm" (SRT: ',', VTT and TTML: '.').
std::string timestamp(double seconds, char separator);

}  // namespace yv::subtitles
