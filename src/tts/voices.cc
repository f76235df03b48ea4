#include "tts/voices.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "nodes/whisper/model_store.h"
#include "sherpa/offline_tts.h"
#include "tts/code_switch.h"
#include "tts/espeak.h"
#include "tts/mandarin.h"

namespace yv::tts {
namespace {

namespace fs = std::filesystem;

class PiperSpeaker : public Speaker {
 public:
  explicit PiperSpeaker(const Voice& v)
      : espeak_voice_(v.espeak_voice),
        tts_({v.dir / "model.onnx", v.dir / "tokens.txt", v.noise_scale, v.noise_w, v.length_scale}) {}
  int sample_rate() const override { return tts_.sample_rate(); }
  std::vector<float> speak(const std::string& sentence, float speed) const override {
    return tts_.speak(espeak::phonemes(sentence, espeak_voice_), speed);
  }

 private:
  std::string espeak_voice_;
  sherpa::OfflineTts tts_;
};

class BakerSpeaker : public Speaker {
 public:
  explicit BakerSpeaker(const Voice& v)
      : front_end_(v.dir), tts_(sherpa::AcousticOptions{v.dir / "model.onnx", v.dir / "tokens.txt"}) {}
  int sample_rate() const override { return tts_.sample_rate(); }
  // Long sentences go in pieces of about 40 syllables at speed 1 (some 10 s of speech, far below the voice's
  // 25.6 s limit; tts/mandarin.h split_phones), fewer when slower.
  std::vector<float> speak(const std::string& sentence, float speed) const override {
    std::vector<float> samples;
    for (const auto& piece : split_phones(front_end_.phones(sentence), size_t(40 * speed))) {
      const auto part = tts_.speak_tokens(piece, speed);
      samples.insert(samples.end(), part.begin(), part.end());
    }
    return samples;
  }

 private:
  MandarinFrontEnd front_end_;
  sherpa::OfflineTts tts_;
};

class EspeakSpeaker : public Speaker {
 public:
  explicit EspeakSpeaker(std::string voice) : voice_(std::move(voice)) {}
  int sample_rate() const override { return espeak::sample_rate(); }
  std::vector<float> speak(const std::string& sentence, float speed) const override {
    return espeak::speak(sentence, voice_, speed);
  }

 private:
  std::string voice_;
};

// Languages Debian's espeak-ng cannot stand in for: its Chinese voices (cmn, yue) ship without the full
// dictionaries (cmn_listx), so Han characters are read as English spellings of pinyin with tone digits ("she
// five"). Heard back by Whisper base, the fixtures' two Mandarin sentences scored CER 1.62 and 0.93. Refusing
// is better than a silent wrong output.
bool espeak_cannot_speak(const std::string& language) {
  return language == "zh" || language == "cmn" || language == "yue";
}

std::string known_voices() {
  std::string names;
  for (const auto& v : neural_voices()) names += v.name + " (" + v.language + "), ";
  return names + kEspeakVoice + " (the other languages espeak-ng speaks, Chinese excepted)";
}

}  // namespace

std::string base_language(std::string tag) {
  std::transform(tag.begin(), tag.end(), tag.begin(), [](unsigned char c) { return std::tolower(c); });
  return tag.substr(0, tag.find_first_of("-_"));
}

std::string espeak_voice_for(const std::string& language) {
  if (espeak_cannot_speak(base_language(language))) return "";
  const auto voice = espeak::voice_for(language);
  return voice.empty() ? espeak::voice_for(base_language(language)) : voice;
}

std::vector<Voice> neural_voices() {
  std::vector<Voice> voices;
  std::error_code ec;
  const auto root = whisper::default_model_dir() / "tts";
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    std::ifstream in(entry.path() / "voice.json");
    const auto meta = nlohmann::json::parse(in, nullptr, false);
    if (!meta.is_object()) continue;
    Voice v;
    v.engine = meta.value("engine", "");
    if (v.engine != "piper" && v.engine != "baker") continue;
    v.name = meta.value("name", entry.path().filename().string());
    v.language = base_language(meta.value("language", ""));
    v.espeak_voice = meta.value("espeak_voice", "");
    v.description = meta.value("description", "");
    v.dir = entry.path();
    v.noise_scale = meta.value("noise_scale", v.noise_scale);
    v.noise_w = meta.value("noise_w", v.noise_w);
    v.length_scale = meta.value("length_scale", v.length_scale);
    voices.push_back(std::move(v));
  }
  std::sort(voices.begin(), voices.end(), [](const Voice& a, const Voice& b) { return a.name < b.name; });
  return voices;
}

Voice choose_voice(const std::string& name, const std::string& language) {
  const std::string wanted = base_language(language);
  const auto neural = neural_voices();
  if (!name.empty() && name != kEspeakVoice) {
    const auto it =
        std::find_if(neural.begin(), neural.end(), [&](const Voice& v) { return v.name == name; });
    if (it == neural.end())
      throw Error("unknown_voice", "no voice '" + name + "' is installed; the voices are: " + known_voices());
    if (!wanted.empty() && wanted != it->language)
      throw Error("voice_language_mismatch",
                  "the voice '" + name + "' speaks '" + it->language + "', not '" + language + "'");
    return *it;
  }
  const std::string code = language.empty() ? "en" : language;
  if (name.empty()) {
    for (const auto& v : neural)
      if (v.language == base_language(code)) return v;
  }
  Voice v;
  v.name = kEspeakVoice;
  v.engine = "espeak-ng";
  v.language = base_language(code);
  v.espeak_voice = espeak_voice_for(code);
  if (v.espeak_voice.empty())
    throw Error(
        "unsupported_language",
        "no voice speaks '" + language + "'" +
            (espeak_cannot_speak(v.language) ? ": espeak-ng's Chinese lacks its dictionary in Debian" : "") +
            "; the voices are: " + known_voices());
  v.description = "espeak-ng " + v.espeak_voice;
  return v;
}

std::optional<Voice> english_voice_for(const Voice& voice) {
  if (voice.engine != "baker") return std::nullopt;
  for (auto& v : neural_voices())
    if (v.language == "en") return std::move(v);
  return std::nullopt;
}

std::shared_ptr<const Speaker> load_speaker(const Voice& voice) {
  if (voice.engine == kEspeakVoice) return std::make_shared<EspeakSpeaker>(voice.espeak_voice);
  static std::mutex mutex;
  static std::map<fs::path, std::shared_ptr<const Speaker>> loaded;
  const auto english = english_voice_for(voice);
  std::lock_guard lock(mutex);
  const auto load = [&](const Voice& v) {
    auto& speaker = loaded[v.dir];
    if (!speaker && v.engine == "baker") speaker = std::make_shared<BakerSpeaker>(v);
    if (!speaker) speaker = std::make_shared<PiperSpeaker>(v);
    return speaker;
  };
  if (!english) return load(voice);
  return std::make_shared<CodeSwitchSpeaker>(load(voice), load(*english));
}

}  // namespace yv::tts
