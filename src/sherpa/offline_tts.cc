#include "sherpa/offline_tts.h"

#include <sherpa-onnx/c-api/c-api.h>

#include <cstring>

#include "core/error.h"

namespace yv::sherpa {

namespace {

// A zeroed configuration with what every network here shares: CPU, its threads, one sentence per call.
SherpaOnnxOfflineTtsConfig base_config(int threads) {
  SherpaOnnxOfflineTtsConfig config;
  std::memset(&config, 0, sizeof config);
  config.model.num_threads = threads;
  config.model.provider = "cpu";
  config.max_num_sentences = 1;
  return config;
}

SherpaOnnxGenerationConfig generation(float speed) {
  SherpaOnnxGenerationConfig g;
  std::memset(&g, 0, sizeof g);
  g.speed = speed;
  return g;
}

}  // namespace

OfflineTts::OfflineTts(const VitsOptions& o) : tts_(nullptr, SherpaOnnxDestroyOfflineTts) {
  const std::string model = o.model.string(), tokens = o.tokens.string();
  auto config = base_config(o.threads);
  config.model.vits.model = model.c_str();
  config.model.vits.tokens = tokens.c_str();
  config.model.vits.noise_scale = o.noise_scale;
  config.model.vits.noise_scale_w = o.noise_scale_w;
  config.model.vits.length_scale = o.length_scale;
  create(config, o.model);
}

OfflineTts::OfflineTts(const AcousticOptions& o) : tts_(nullptr, SherpaOnnxDestroyOfflineTts) {
  const std::string model = o.model.string(), tokens = o.tokens.string();
  auto config = base_config(o.threads);
  config.model.matcha.acoustic_model = model.c_str();
  config.model.matcha.tokens = tokens.c_str();
  config.model.matcha.length_scale = 1.0f;
  create(config, o.model);
}

void OfflineTts::create(const SherpaOnnxOfflineTtsConfig& config, const std::filesystem::path& model) {
  tts_.reset(SherpaOnnxCreateOfflineTts(&config));
  if (!tts_)
    throw Error("model_load_failed", "the voice " + model.filename().string() + " did not load", 500);
}

int OfflineTts::sample_rate() const { return SherpaOnnxOfflineTtsSampleRate(tts_.get()); }

std::vector<float> OfflineTts::speak(const std::u32string& symbols, float speed) const {
  if (symbols.empty()) return {};
  const std::vector<int32_t> points(symbols.begin(), symbols.end());
  const auto length = int32_t(points.size());
  auto g = generation(speed);
  g.phoneme_codepoints = points.data();
  g.phoneme_codepoints_lens = &length;
  g.phoneme_codepoints_num_sentences = 1;
  return generate(g);
}

std::vector<float> OfflineTts::speak_tokens(const std::vector<std::string>& tokens, float speed) const {
  if (tokens.empty()) return {};
  std::vector<const char*> names;
  for (const auto& t : tokens) names.push_back(t.c_str());
  const auto length = int32_t(names.size());
  auto g = generation(speed);
  g.tokens = names.data();
  g.tokens_lens = &length;
  g.tokens_num_sentences = 1;
  return generate(g);
}

std::vector<float> OfflineTts::generate(const SherpaOnnxGenerationConfig& g) const {
  std::lock_guard lock(mutex_);
  Handle<SherpaOnnxGeneratedAudio> audio(
      SherpaOnnxOfflineTtsGenerateWithConfig(tts_.get(), "", &g, nullptr, nullptr),
      SherpaOnnxDestroyOfflineTtsGeneratedAudio);
  if (!audio) throw Error("synthesis_failed", "the voice produced no audio", 500);
  return {audio->samples, audio->samples + audio->n};
}

}  // namespace yv::sherpa
