#include "nodes/audio_separator/separate_vocals_node.h"

#include <algorithm>
#include <map>
#include <optional>

#include "core/error.h"
#include "media/audio_decoder.h"
#include "media/audio_writer.h"
#include "nodes/audio_separator/separation_model.h"
#include "nodes/audio_separator/streaming_separation.h"
#include "nodes/audio_separator/vocal_enhancement.h"

namespace yv::audio_separator {
namespace {

using engine::ParamType;
using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kModelName = "spleeter-2stems";
constexpr const char* kEnhancementName = "gtcrn";
constexpr int kRate = 44100;  // Spleeter's

const std::map<std::string, Overlap> kQualityModes = {
    {"fast", {8192, kRate / 4}},
    {"default", {kRate, kRate}},
    {"high_quality", {2 * kRate, kRate * 3 / 2}},
};

std::string input_of(const json& p) {
  if (p.contains("audio_path")) return p["audio_path"];
  if (p.contains("video_path")) return p["video_path"];
  throw Error("missing_input", "give audio_path (or run ffmpeg.extract_audio before) or video_path");
}

// A stem's frames, interleaved with the output's channels: both, or their mean for a mono input.
const float* interleave(const sherpa::StereoSamples& stem, size_t frames, int channels,
                        std::vector<float>& buffer) {
  buffer.resize(frames * size_t(channels));
  for (size_t i = 0; i < frames; ++i) {
    if (channels == 1) {
      buffer[i] = 0.5f * (stem[0][i] + stem[1][i]);
    } else {
      buffer[2 * i] = stem[0][i];
      buffer[2 * i + 1] = stem[1][i];
    }
  }
  return buffer.data();
}

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const std::string input = input_of(p), format = p["output_format"];
  const auto& model = spleeter();
  const bool enhance = p["enhance_vocals"];
  const auto enhancement_model = enhance ? std::optional(gtcrn_files()) : std::nullopt;
  std::optional<media::AudioReader> reader;
  reader.emplace(input, kRate, 0);
  const int channels = std::min(reader->channels(), 2);
  if (reader->channels() > 2) reader.emplace(input, kRate, 2);
  const double expected = std::max(1.0, reader->duration() * kRate);

  const fs::path vocals_path = r.work_dir / ("vocals." + format);
  const fs::path accompaniment_path = r.work_dir / ("accompaniment." + format);
  media::AudioWriter vocals(vocals_path, format, kRate, channels);
  media::AudioWriter accompaniment(accompaniment_path, format, kRate, channels);
  // The accompaniment stays Spleeter's: the enhancement only removes, and what it takes from the voice is not
  // music to give back to the accompaniment.
  std::optional<VocalEnhancement> enhancement;
  if (enhancement_model)
    enhancement.emplace(*enhancement_model, kRate, channels,
                        [&](const float* samples, size_t frames) { vocals.write(samples, frames); });
  std::vector<float> buffer;
  size_t done = 0;
  StreamingSeparation stream(
      model, kQualityModes.at(p["quality_mode"]), [&](const sherpa::Stems& stems, size_t frames) {
        const float* voice = interleave(stems.vocals, frames, channels, buffer);
        if (enhancement)
          enhancement->write(voice, frames);
        else
          vocals.write(voice, frames);
        accompaniment.write(interleave(stems.accompaniment, frames, channels, buffer), frames);
        done += frames;
        r.progress(std::min(0.99, double(done) / expected));
      });
  std::vector<float> stereo;
  reader->read([&](const float* samples, size_t frames) {
    if (r.cancelled) throw Error("cancelled", "the separation was cancelled", 409);
    if (channels == 2) {
      stream.write(samples, frames);
    } else {
      stereo.resize(2 * frames);
      for (size_t i = 0; i < frames; ++i) stereo[2 * i] = stereo[2 * i + 1] = samples[i];
      stream.write(stereo.data(), frames);
    }
    return true;
  });
  stream.finish();
  if (enhancement) enhancement->finish();
  if (done == 0) throw Error("invalid_input", "the input holds no audio to separate");
  vocals.finish();
  try {
    accompaniment.finish();
  } catch (...) {
    std::error_code ec;
    fs::remove(vocals_path, ec);  // both stems or neither
    throw;
  }
  return {{"vocal_audio", vocals_path.string()},
          {"all_audio_files", json::array({vocals_path.string(), accompaniment_path.string()})},
          {"model_used", kModelName},
          {"quality_mode", p["quality_mode"]},
          {"vocal_enhancement", enhance ? kEnhancementName : "none"}};
}

}  // namespace

engine::NodeSpec separate_vocals_node() {
  engine::NodeSpec n;
  n.name = "audio_separator.separate_vocals";
  n.description = "Separate the voice from the music and other sounds (Spleeter 2-stems)";
  n.params = {
      {"audio_path", ParamType::kString, nullptr, false, false,
       "Audio or media to separate (from ffmpeg.extract_audio when not given)"},
      {"video_path", ParamType::kString, nullptr, false, true,
       "Media to separate when there is no audio_path"},
      {"quality_mode", ParamType::kString, "default", false, false,
       "Overlap of the 12 s windows: fast, default or high_quality", nullptr, nullptr,
       json{"fast", "default", "high_quality"}},
      {"model_type", ParamType::kString, "spleeter", false, false, "Separation model family (spleeter)",
       nullptr, nullptr, json{"spleeter"}},
      {"model_name", ParamType::kString, kModelName, false, false, "Separation model (spleeter-2stems)",
       nullptr, nullptr, json{kModelName}},
      {"output_format", ParamType::kString, "flac", false, false, "flac, wav, mp3 or m4a", nullptr, nullptr,
       json{"flac", "wav", "mp3", "m4a"}},
      {"enhance_vocals", ParamType::kBoolean, true, false, false,
       "Clean the music Spleeter leaves in the voice with GTCRN speech enhancement (voice band-limited to 8 "
       "kHz)"},
  };
  n.outputs = {"vocal_audio", "all_audio_files", "model_used", "quality_mode", "vocal_enhancement"};
  n.time_limit_seconds = 7200;
  n.run = run;
  return n;
}

}  // namespace yv::audio_separator
