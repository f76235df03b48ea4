#include "engine/presets.h"

#include <algorithm>

#include "core/error.h"

namespace yv::engine {
namespace {

using nlohmann::json;

const std::vector<Preset>& all_presets() {
  static const std::vector<Preset> presets = {
      {"subtitles",
       "Speech to subtitles: audio extracted, transcribed (word timestamps), SRT/VTT/ASS/JSON written",
       {"ffmpeg.extract_audio", "faster_whisper.transcribe_audio", "wservice.generate_subtitle_files"}},
      {"subtitles_speakers",
       "Speech to subtitles with speaker labels: as subtitles, with diarization before the files are written",
       {"ffmpeg.extract_audio", "faster_whisper.transcribe_audio", "pyannote_audio.diarize_speakers",
        "wservice.generate_subtitle_files"}},
      {"translate",
       "Speech to translated subtitles: transcribed, translated cue by cue by the configured LLM provider "
       "(give wservice.translate_subtitles.target_language), files written from the translation",
       {"ffmpeg.extract_audio", "faster_whisper.transcribe_audio", "wservice.translate_subtitles",
        "wservice.generate_subtitle_files"}},
      {"hard_subtitles",
       "Subtitles burnt into the picture read back by OCR: keyframes, subtitle area, crops, stitching, "
       "recognition, SRT",
       {"ffmpeg.extract_keyframes", "paddleocr.detect_subtitle_area", "ffmpeg.crop_subtitle_images",
        "paddleocr.create_stitched_images", "paddleocr.perform_ocr", "paddleocr.postprocess_and_finalize"}},
  };
  return presets;
}

bool runnable(const Preset& p, const NodeRegistry& nodes) {
  return std::all_of(p.chain.begin(), p.chain.end(), [&](const std::string& n) { return nodes.find(n); });
}

}  // namespace

std::vector<Preset> available_presets(const NodeRegistry& nodes) {
  std::vector<Preset> out;
  for (const Preset& p : all_presets()) {
    if (runnable(p, nodes)) out.push_back(p);
  }
  return out;
}

Preset find_preset(const NodeRegistry& nodes, const std::string& name) {
  std::string names;
  for (const Preset& p : available_presets(nodes)) {
    if (p.name == name) return p;
    names += (names.empty() ? "" : ", ") + p.name;
  }
  throw Error("unknown_preset", "no preset named '" + name + "'; the presets are " + names, 400);
}

}  // namespace yv::engine
