#include "nodes/indextts/generate_speech_node.h"

#include "core/error.h"
#include "nodes/indextts/segment_speech.h"
#include "nodes/indextts/spoken_file.h"
#include "nodes/subtitles/cues.h"
#include "tts/voices.h"

namespace yv::indextts {
namespace {

using engine::ParamType;
using nlohmann::json;

constexpr size_t kMaxTextBytes = 100000;

std::vector<std::string> check(const json& p) {
  std::vector<std::string> problems;
  if (!p.value("spk_audio_prompt", "").empty())
    problems.push_back(
        "'spk_audio_prompt' (voice cloning) needs a zero-shot cloning model, and no package registry ships "
        "one; "
        "leave it out and choose a voice from indextts.list_voice_presets");
  // The text is what is spoken only without segments; beside them it may be an earlier transcription's.
  if (p.contains("text") && !p.contains("prepared_segments")) {
    const std::string text = p["text"];
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      problems.push_back("'text' is empty");
    } else if (!speakable(text)) {
      problems.push_back("'text' has nothing to speak (only punctuation or symbols)");
    }
    if (text.size() > kMaxTextBytes)
      problems.push_back("'text' is longer than " + std::to_string(kMaxTextBytes) + " bytes; split it");
  }
  if (p.contains("prepared_segments")) {
    for (auto& problem : segment_problems(p["prepared_segments"])) problems.push_back(std::move(problem));
  }
  try {
    tts::choose_voice(p.value("voice", ""), p.value("language", ""));
  } catch (const Error& e) {
    problems.push_back(e.detail());
  }
  return problems;
}

// One text into output_path.
json speak_text(const engine::NodeRun& r, const tts::Speaker& speaker) {
  const auto& p = r.params;
  const std::string text = p["text"];
  const auto path = r.work_dir / p["output_path"].get<std::string>();
  const SpokenFile spoken = speak_to_file(speaker, text, p["speed"].get<float>(),
                                          p["max_text_tokens_per_segment"], path, r.cancelled, r.progress);
  return {{"audio_path", path.string()},
          {"duration", double(spoken.frames) / speaker.sample_rate()},
          {"text_length", subtitles::length(text)},
          {"segments", spoken.sentences}};
}

// Prepared segments (an earlier wservice.prepare_tts_segments', or given inline) are spoken one file each;
// else the text, whole. The segments come first because a stage is also given the latest earlier output of
// each name it takes: in a dub chain, `text` is the transcription's whole text, in the source language.
json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  if (!p.contains("text") && !p.contains("prepared_segments")) {
    throw Error("missing_input",
                "give 'text', or run wservice.prepare_tts_segments before this stage (or give "
                "prepared_segments) to speak one file per dubbing segment");
  }
  const std::string requested = p.value("voice", "");
  const auto voice = tts::choose_voice(requested, p.value("language", ""));
  const auto speaker = tts::load_speaker(voice);
  json out = p.contains("prepared_segments") ? speak_segments(r, *speaker) : speak_text(r, *speaker);
  out.update({{"status", "success"},
              {"voice", voice.name},
              {"engine", voice.engine},
              {"language", voice.language},
              {"fallback", requested.empty() && voice.engine == "espeak-ng"},
              {"sample_rate", speaker->sample_rate()}});
  // A Mandarin voice says which voice spoke the English words in its text; null: none is installed, so they
  // were spelled letter by letter (tts/voices.h english_voice_for).
  if (voice.engine == "baker") {
    const auto english = tts::english_voice_for(voice);
    out["english_voice"] = english ? json(english->name) : json(nullptr);
  }
  return out;
}

}  // namespace

engine::NodeSpec generate_speech_node() {
  engine::NodeSpec n;
  n.name = "indextts.generate_speech";
  n.description =
      "Speak a text with an installed voice (Piper voices on sherpa-onnx; espeak-ng for other languages)";
  n.params = {
      {"text", ParamType::kString, nullptr, false, false,
       "The text to speak (sentences are spoken one by one), when there are no prepared_segments"},
      {"prepared_segments", ParamType::kArray, nullptr, false, false,
       "Dubbing segments {start, end, text} (from wservice.prepare_tts_segments), spoken one file each "
       "instead of text",
       nullptr, nullptr, nullptr, "", prepared_segment_schema()},
      {"output_path", ParamType::kString, "speech.wav", false, false,
       "Name of the audio file to write: wav, flac, mp3 or m4a", nullptr, nullptr, nullptr,
       R"(^[A-Za-z0-9_-][A-Za-z0-9._-]{0,120}\.(wav|flac|mp3|m4a)$)"},
      {"voice", ParamType::kString, nullptr, false, false,
       "A voice from indextts.list_voice_presets; default the first voice of `language`, else espeak-ng"},
      {"language", ParamType::kString, nullptr, false, false,
       "Language of the text (ISO 639 code: en, zh, de, ...); default the voice's, else en", nullptr, nullptr,
       nullptr, R"(^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$)"},
      {"speed", ParamType::kNumber, 1.0, false, false, "Speaking rate: above 1 faster, below 1 slower", 0.5,
       2.0},
      {"spk_audio_prompt", ParamType::kString, nullptr, false, false,
       "Voice cloning from a reference recording: refused, no registry ships a cloning model"},
      {"max_text_tokens_per_segment", ParamType::kInteger, 120, false, false,
       "Longest piece spoken at once, in characters; longer sentences are cut at clauses", 20, 1000},
  };
  n.cross_check = check;
  n.outputs = {"audio_path",   "duration",    "text_length",    "status",       "voice",
               "engine",       "language",    "fallback",       "sample_rate",  "segments",
               "tts_segments", "audio_files", "segments_count", "english_voice"};
  n.time_limit_seconds = 7200;  // a film's dub is spoken in one stage
  n.run = run;
  return n;
}

}  // namespace yv::indextts
