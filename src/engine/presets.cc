#include "engine/presets.h"

#include <algorithm>

#include "core/error.h"

namespace yv::engine {
namespace {

using nlohmann::json;

// Issue 21's dub: the video's speech transcribed, translated cue by cue, spoken again in the target language,
// laid on the cues, mixed over the video's sound and muxed beside the untouched picture with both languages'
// subtitles as soft tracks; `burn` also draws the translation into the picture.
Preset dub(bool burn) {
  const std::string source_srt = "${{ stages.wservice.generate_subtitle_files.output.srt_path }}";
  const std::string target_srt = "${{ stages.wservice.translate_subtitles.output.srt_path }}";
  Preset p;
  p.name = burn ? "dub_burned" : "dub";
  p.description =
      std::string(
          "Dub a video into another language: speech transcribed, translated cue by cue by the "
          "configured LLM provider, spoken by a voice of target_language, fitted to the cues, mixed "
          "over the video's sound to -16 LUFS and muxed beside the copied picture with soft "
          "subtitles in both languages") +
      (burn ? "; the translation is also burnt into the picture (re-encoded)" : "");
  p.chain = {
      // Separation first: with no audio before it, it reads the video's own sound at its full rate (the
      // extracted 16 kHz mono would leave Spleeter nothing above 8 kHz). Its accompaniment is the mix's bed
      // (mix_audio takes all_audio_files before the video's sound), so the original voice does not stay
      // audible, ducked, under the dub; transcription still hears extract_audio's audio_path.
      "audio_separator.separate_vocals",
      "ffmpeg.extract_audio",
      "faster_whisper.transcribe_audio",
      "wservice.generate_subtitle_files",
      "wservice.translate_subtitles",
      "wservice.prepare_tts_segments",
      "indextts.generate_speech",
      "ffmpeg.fit_dubbing",
      "ffmpeg.mix_audio",
      "ffmpeg.mux_video"};
  // Two subtitle lines: the translation is told a cue's budget (lines x 42 characters), and one line is too
  // few for a speaker's 5-7 s cue. A translation still runs long now and then (the small local model does
  // not always keep the budget), so speech may be sped up to 2x with atempo, which keeps words better than
  // rubberband past 1.5x (docs/architecture.md, "Dubbing assembly"), and a segment is kept up to 3 s over its
  // slot, reported, rather than failing the dub after the translation's minutes; beyond, fit_dubbing refuses.
  // The dub uses the separation's accompaniment only, so the vocal stem is not enhanced: that would add time
  // (about 0.08 RTF) to a stem no later stage reads.
  p.node_params = {
      {"audio_separator.separate_vocals", {{"enhance_vocals", false}}},
      {"wservice.translate_subtitles", {{"max_lines", 2}}},
      {"ffmpeg.fit_dubbing", {{"max_speed", 2.0}, {"stretcher", "atempo"}, {"max_overflow", 3.0}}},
      {"ffmpeg.mux_video",
       {{"subtitle_tracks", json::array({{{"path", source_srt}, {"title", "Original"}},
                                         {{"path", target_srt}, {"title", "Dub"}}})}}}};
  if (burn) {
    p.chain.push_back("ffmpeg.burn_subtitles");
    p.node_params["ffmpeg.burn_subtitles"] = {{"subtitle_path", target_srt}};
  }
  p.parameters = {
      {"target_language",
       "Language of the dub and its subtitles (zh, es, de, ...)",
       "zh",
       {"/ffmpeg.mux_video/audio_language", "/wservice.translate_subtitles/target_language",
        "/indextts.generate_speech/language", "/ffmpeg.mux_video/subtitle_tracks/1/language"}},
      {"source_language",
       "Language spoken in the video (the transcription's: give this rather than the global language)",
       "en",
       {"/ffmpeg.mux_video/original_language", "/faster_whisper.transcribe_audio/language",
        "/wservice.translate_subtitles/source_language", "/ffmpeg.mux_video/subtitle_tracks/0/language"}},
  };
  return p;
}

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
      dub(false),
      dub(true),
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

std::vector<PresetParameter> preset_parameters(const NodeRegistry& nodes) {
  std::vector<PresetParameter> out;
  for (const Preset& p : available_presets(nodes)) {
    for (const PresetParameter& parameter : p.parameters) {
      const auto same = [&](const PresetParameter& q) { return q.name == parameter.name; };
      if (std::none_of(out.begin(), out.end(), same)) out.push_back(parameter);
    }
  }
  return out;
}

json expand_node_params(const Preset& preset, const json& values) {
  json params = preset.node_params;
  for (const PresetParameter& parameter : preset.parameters) {
    const json& value = values.contains(parameter.name) ? values[parameter.name] : parameter.default_value;
    for (const std::string& target : parameter.targets) params[json::json_pointer(target)] = value;
  }
  return params;
}

}  // namespace yv::engine
