#include "tts/espeak.h"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <mutex>
#include <set>

#include "core/error.h"

namespace yv::tts::espeak {
namespace {

std::mutex g_mutex;
std::vector<float>* g_sink = nullptr;  // where the synthesis callback puts samples, under g_mutex
int g_rate = 0;

int collect(short* samples, int count, espeak_EVENT*) {
  if (g_sink && samples) {
    for (int i = 0; i < count; ++i) g_sink->push_back(float(samples[i]) / 32768.0f);
  }
  return 0;
}

// REQUIRES: g_mutex held.
void initialize() {
  if (g_rate > 0) return;
  g_rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_DONT_EXIT);
  if (g_rate <= 0)
    throw Error("tts_unavailable", "espeak-ng did not start (is espeak-ng-data installed?)", 500);
  espeak_SetSynthCallback(collect);
}

// The (priority, language) pairs of a voice: espeak-ng packs them as <priority byte><name>\0 ... \0.
std::vector<std::pair<int, std::string>> voice_languages(const espeak_VOICE* v) {
  std::vector<std::pair<int, std::string>> out;
  for (const char* p = v->languages; p && *p;) {
    const int priority = static_cast<unsigned char>(*p++);
    out.emplace_back(priority, p);
    p += std::strlen(p) + 1;
  }
  return out;
}

bool usable(const espeak_VOICE* v) { return v->identifier && std::strncmp(v->identifier, "mb/", 3) != 0; }

// REQUIRES: g_mutex held.
void select(const std::string& voice) {
  initialize();
  if (voice.empty() || espeak_SetVoiceByName(voice.c_str()) != EE_OK)
    throw Error("unsupported_language", "espeak-ng has no voice '" + voice + "'", 400);
}

std::u32string decode_utf8(const std::string& s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (int k = 1; k < n && i + k < s.size(); ++k)
      cp = cp << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

// The punctuation that ended the clause espeak-ng consumed up to `end` (exclusive), or 0.
char clause_mark(const char* begin, const char* end) {
  while (end > begin && std::strchr(" \t\r\n\"')]", end[-1])) --end;
  return end > begin && std::strchr(",.?!:;", end[-1]) ? end[-1] : 0;
}

}  // namespace

std::string voice_for(const std::string& language) {
  std::lock_guard lock(g_mutex);
  initialize();
  std::string code = language;
  std::transform(code.begin(), code.end(), code.begin(), [](unsigned char c) { return std::tolower(c); });
  std::replace(code.begin(), code.end(), '_', '-');
  std::string best;
  int best_priority = INT_MAX;
  for (const espeak_VOICE** v = espeak_ListVoices(nullptr); v && *v; ++v) {
    if (!usable(*v)) continue;
    const auto names = voice_languages(*v);
    for (const auto& [priority, name] : names) {
      if (name == code && priority < best_priority) best_priority = priority, best = (*v)->identifier;
    }
  }
  return best;
}

std::vector<std::string> languages() {
  std::lock_guard lock(g_mutex);
  initialize();
  std::set<std::string> codes;
  for (const espeak_VOICE** v = espeak_ListVoices(nullptr); v && *v; ++v) {
    if (!usable(*v)) continue;
    for (const auto& [priority, name] : voice_languages(*v)) codes.insert(name);
  }
  return {codes.begin(), codes.end()};
}

std::u32string phonemes(const std::string& sentence, const std::string& voice) {
  std::lock_guard lock(g_mutex);
  select(voice);
  std::string ipa;
  const void* cursor = sentence.c_str();
  while (cursor) {
    const char* from = static_cast<const char*>(cursor);
    const char* clause = espeak_TextToPhonemes(&cursor, espeakCHARS_UTF8, espeakPHONEMES_IPA);
    if (clause && *clause) {
      if (!ipa.empty() && ipa.back() != ' ') ipa += ' ';
      ipa += clause;
    }
    const char* to = cursor ? static_cast<const char*>(cursor) : sentence.c_str() + sentence.size();
    if (const char mark = clause_mark(from, to); mark && !ipa.empty()) ipa += mark;
  }
  return decode_utf8(ipa);
}

std::vector<float> speak(const std::string& sentence, const std::string& voice, float speed) {
  std::lock_guard lock(g_mutex);
  select(voice);
  espeak_SetParameter(espeakRATE, std::clamp(int(175 * speed), 80, 450), 0);
  std::vector<float> samples;
  g_sink = &samples;
  const auto status = espeak_Synth(sentence.c_str(), sentence.size() + 1, 0, POS_CHARACTER, 0,
                                   espeakCHARS_UTF8, nullptr, nullptr);
  g_sink = nullptr;
  if (status != EE_OK) throw Error("synthesis_failed", "espeak-ng could not speak the text", 500);
  return samples;
}

int sample_rate() {
  std::lock_guard lock(g_mutex);
  initialize();
  return g_rate;
}

}  // namespace yv::tts::espeak
