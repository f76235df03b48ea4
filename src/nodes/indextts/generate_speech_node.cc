#include "nodes/indextts/generate_speech_node.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"
#include "media/audio_writer.h"
#include "nodes/wservice/sentences.h"
#include "tts/voices.h"

namespace yv::indextts {
namespace {

using engine::ParamType;
using nlohmann::json;

constexpr double kPauseSeconds = 0.25;  // between sentences, about a speaker's pause at a full stop
constexpr size_t kMaxTextBytes = 100000;

size_t code_points(const std::string& s) {
  size_t n = 0;
  for (const unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::vector<std::string> check(const json& p) {
  std::vector<std::string> problems;
  if (!p.value("spk_audio_prompt", "").empty())
    problems.push_back(
        "'spk_audio_prompt' (voice cloning) needs a zero-shot cloning model, and no package registry ships "
        "one; "
        "leave it out and choose a voice from indextts.list_voice_presets");
  if (p.contains("text")) {
    const std::string text = p["text"];
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      problems.push_back("'text' is empty");
    } else if (std::none_of(text.begin(), text.end(),
                            [](unsigned char c) { return c >= 0x80 || std::isalnum(c); })) {
      problems.push_back("'text' has nothing to speak (only punctuation or symbols)");
    }
    if (text.size() > kMaxTextBytes)
      problems.push_back("'text' is longer than " + std::to_string(kMaxTextBytes) + " bytes; split it");
  }
  try {
    tts::choose_voice(p.value("voice", ""), p.value("language", ""));
  } catch (const Error& e) {
    problems.push_back(e.detail());
  }
  return problems;
}

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const std::string text = p["text"];
  const std::string requested = p.value("voice", "");
  const auto voice = tts::choose_voice(requested, p.value("language", ""));
  const auto speaker = tts::load_speaker(voice);
  const float speed = p["speed"].get<float>();
  const auto sentences = wservice::subtitle_segments(text, p["max_text_tokens_per_segment"].get<int>());

  const std::string file = p["output_path"];
  const auto path = r.work_dir / file;
  const int rate = speaker->sample_rate();
  media::AudioWriter writer(path, file.substr(file.rfind('.') + 1), rate, 1);
  const std::vector<float> pause(size_t(kPauseSeconds * rate), 0.0f);
  size_t frames = 0, spoken = 0;
  for (size_t i = 0; i < sentences.size(); ++i) {
    if (r.cancelled) throw Error("cancelled", "speech synthesis was cancelled", 409);
    const auto samples = speaker->speak(sentences[i], speed);
    if (!samples.empty()) {
      if (spoken++ > 0) writer.write(pause.data(), pause.size()), frames += pause.size();
      writer.write(samples.data(), samples.size());
      frames += samples.size();
    }
    r.progress(double(i + 1) / double(sentences.size()));
  }
  if (frames == 0)
    throw Error("invalid_parameter", "the text has nothing to speak (only punctuation or symbols)");
  writer.finish();
  return {{"audio_path", path.string()},
          {"duration", double(frames) / rate},
          {"text_length", code_points(text)},
          {"status", "success"},
          {"voice", voice.name},
          {"engine", voice.engine},
          {"language", voice.language},
          {"fallback", requested.empty() && voice.engine == "espeak-ng"},
          {"sample_rate", rate},
          {"segments", spoken}};
}

}  // namespace

engine::NodeSpec generate_speech_node() {
  engine::NodeSpec n;
  n.name = "indextts.generate_speech";
  n.description =
      "Speak a text with an installed voice (Piper voices on sherpa-onnx; espeak-ng for other languages)";
  n.params = {
      {"text", ParamType::kString, nullptr, true, false,
       "The text to speak (sentences are spoken one by one)"},
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
  n.outputs = {"audio_path", "duration", "text_length", "status",      "voice",
               "engine",     "language", "fallback",    "sample_rate", "segments"};
  n.time_limit_seconds = 1800;
  n.run = run;
  return n;
}

}  // namespace yv::indextts
