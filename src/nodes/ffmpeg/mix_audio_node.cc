#include "nodes/ffmpeg/mix_audio_node.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "media/audio_decoder.h"
#include "media/audio_filter.h"
#include "media/audio_writer.h"

namespace yv::ffmpeg {
namespace {

using engine::ParamType;
using nlohmann::json;
namespace fs = std::filesystem;

// Quieter than this (integrated, LUFS), a mix holds no programme to normalise (EBU R128's absolute gate).
constexpr double kSilent = -70;

struct Bed {
  std::string path;
  std::string source;  // the parameter it came from
};

Bed bed_of(const json& p) {
  if (p.contains("background_audio_path")) return {p["background_audio_path"], "background_audio_path"};
  if (p.contains("all_audio_files")) {
    const std::string vocals = p.value("vocal_audio", "");
    for (const auto& f : p["all_audio_files"]) {
      if (f.is_string() && f.get<std::string>() != vocals) return {f, "all_audio_files"};
    }
  }
  if (p.contains("video_path")) return {p["video_path"], "video_path"};
  if (p.contains("audio_path")) return {p["audio_path"], "audio_path"};
  throw Error(
      "missing_input",
      "give background_audio_path, or run audio_separator.separate_vocals or give video_path / audio_path "
      "for the bed under the speech");
}

// The mix as a graph of [file0] (the bed) and [file1] (the speech), ending in one open output. The ducking
// is keyed by the speech as given, before speech_volume_db, so that the gain of the speech in the mix does
// not change how deep the bed ducks.
std::string mix_graph(const json& p) {
  const int rate = p["output_sample_rate"];
  const std::string layout = p["output_channels"] == 1 ? "mono" : "stereo";
  const std::string format =
      fmt::format("aresample={},aformat=sample_fmts=flt:channel_layouts={}", rate, layout);
  const std::string bed =
      fmt::format("[file0]{},volume={}dB[bed];", format, p["bed_volume_db"].get<double>());
  const std::string voice = fmt::format("volume={}dB[voice];", p["speech_volume_db"].get<double>());
  if (!p["ducking"])
    return bed + "[file1]" + format + "," + voice + "[bed][voice]amix=inputs=2:duration=first:normalize=0";
  return bed + "[file1]" + format + ",asplit=2[key][speech];[speech]" + voice +
         fmt::format("[bed][key]sidechaincompress=threshold={}:ratio={}:attack=20:release=400[ducked];",
                     std::pow(10.0, p["duck_threshold_db"].get<double>() / 20),
                     p["duck_ratio"].get<double>()) +
         "[ducked][voice]amix=inputs=2:duration=first:normalize=0";
}

double number(const std::map<std::string, std::string>& metadata, const std::string& key) {
  const auto it = metadata.find(key);
  if (it == metadata.end()) throw Error("invalid_media", "the loudness meter gave no " + key);
  return std::stod(it->second);
}

struct Loudness {
  double integrated = 0, range = 0, true_peak_db = 0;
};

Loudness loudness_of(const std::map<std::string, std::string>& metadata) {
  const double peak = number(metadata, "lavfi.r128.true_peak");
  return {number(metadata, "lavfi.r128.I"), number(metadata, "lavfi.r128.LRA"),
          peak > 0 ? 20 * std::log10(peak) : -99.0};
}

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const std::string speech = p["dubbed_audio_path"];
  const Bed bed = bed_of(p);
  const int rate = p["output_sample_rate"], channels = p["output_channels"];
  const std::string format = p["output_format"];
  const double target = p["loudness"], peak = p["true_peak_db"];
  // Opened once each here, so that a missing file or one without audio is named as AudioReader names it.
  const double duration = media::AudioReader(bed.path, rate, channels).duration();
  media::AudioReader(speech, rate, 1);
  const std::vector<std::string> files = {bed.path, speech};
  const double expected = std::max(1.0, duration) * rate;
  uint64_t done = 0;  // frames given out by the current pass
  const std::string graph = mix_graph(p);
  const media::PcmFormat out{rate, channels};

  // Pass 1: the mix's loudness, range and true peak, over the whole programme.
  media::AudioFilter meter(
      graph + ",ebur128=metadata=1:peak=true", {}, out,
      [&](const float*, size_t frames) {
        if (r.cancelled) throw Error("cancelled", "mixing was cancelled", 409);
        done += frames;
        // The bed is read by the graph, not by AudioReader, so its cap on decoded length is applied here.
        if (double(done) > media::max_media_seconds() * rate)
          throw Error("media_too_long", "the bed lasts longer than the longest media", 413);
        r.progress(std::min(0.49, 0.5 * double(done) / expected));
      },
      files);
  meter.finish();
  const Loudness before = loudness_of(meter.metadata());
  if (!(before.integrated > kSilent)) throw Error("invalid_input", "the mix is silent: nothing to normalise");
  r.progress(0.5);
  done = 0;

  // Pass 2: the same mix, brought to the target with the measurements, and measured again on its way out.
  // loudnorm's measured_thresh is the programme's relative gate, which ebur128 does not report; loudnorm
  // only checks it was given, and the gate sits 10 LU under the loudness of the blocks above the absolute
  // gate, of which the integrated loudness is the nearest measure we have.
  const std::string normalise = fmt::format(
      ",loudnorm=I={}:TP={}:LRA={}:measured_I={:.2f}:measured_LRA={:.2f}:measured_TP={:.2f}:measured_thresh={"
      ":.2f}:"
      "linear=true,ebur128=metadata=1:peak=true",
      target, peak, std::clamp(std::max(11.0, before.range + 1), 1.0, 50.0), before.integrated, before.range,
      before.true_peak_db, std::max(-99.0, before.integrated - 10));
  const fs::path path = r.work_dir / ("mixed_audio." + format);
  media::AudioWriter writer(path, format, rate, channels);
  media::AudioFilter mix(
      graph + normalise, {}, out,
      [&](const float* samples, size_t frames) {
        if (r.cancelled) throw Error("cancelled", "mixing was cancelled", 409);
        writer.write(samples, frames);
        done += frames;
        r.progress(std::min(0.99, 0.5 + 0.5 * double(done) / expected));
      },
      files);
  mix.finish();
  writer.finish();
  const Loudness after = loudness_of(mix.metadata());
  r.progress(1.0);
  return {{"mixed_audio_path", path.string()},     {"format", format},
          {"duration", mix.seconds_out()},         {"bed_source", bed.source},
          {"measured_loudness", after.integrated}, {"loudness_range", after.range},
          {"true_peak", after.true_peak_db},       {"input_loudness", before.integrated}};
}

std::vector<std::string> check(const json& p) {
  if (p.contains("all_audio_files") && !std::all_of(p["all_audio_files"].begin(), p["all_audio_files"].end(),
                                                    [](const json& f) { return f.is_string(); }))
    return {"all_audio_files must be a list of file names"};
  return {};
}

}  // namespace

engine::NodeSpec mix_audio_node() {
  engine::NodeSpec n;
  n.name = "ffmpeg.mix_audio";
  n.description = "Mix dubbed speech over the accompaniment with ducking, normalised to EBU R128 loudness";
  n.params = {
      {"dubbed_audio_path", ParamType::kString, nullptr, true, false,
       "Speech track (from ffmpeg.fit_dubbing)"},
      {"background_audio_path", ParamType::kString, nullptr, false, false, "Bed under the speech"},
      {"all_audio_files", ParamType::kArray, nullptr, false, false,
       "Stems of audio_separator.separate_vocals: the one that is not vocal_audio is the bed", nullptr,
       nullptr, nullptr, "", json{{"type", "string"}}},
      {"vocal_audio", ParamType::kString, nullptr, false, false, "The vocal stem (left out of the bed)"},
      {"video_path", ParamType::kString, nullptr, false, true, "Original media whose audio is the bed"},
      {"audio_path", ParamType::kString, nullptr, false, false, "Original audio as the bed"},
      {"ducking", ParamType::kBoolean, true, false, false, "Lower the bed while the speech sounds"},
      {"duck_threshold_db", ParamType::kNumber, -35.0, false, false,
       "Speech level where ducking starts (dBFS)", -60, 0},
      {"duck_ratio", ParamType::kNumber, 6.0, false, false, "Ducking ratio", 1, 20},
      {"bed_volume_db", ParamType::kNumber, 0.0, false, false, "Gain of the bed before mixing (dB)", -60, 20},
      {"speech_volume_db", ParamType::kNumber, 0.0, false, false, "Gain of the speech before mixing (dB)",
       -60, 20},
      {"loudness", ParamType::kNumber, -16.0, false, false, "Integrated loudness target (LUFS)", -70, -5},
      {"true_peak_db", ParamType::kNumber, -1.5, false, false, "Highest true peak (dBTP)", -9, 0},
      {"output_sample_rate", ParamType::kInteger, 48000, false, false, "Sample rate in Hz", 8000, 192000},
      {"output_channels", ParamType::kInteger, 2, false, false, "1 (mono) or 2 (stereo)", 1, 2},
      {"output_format", ParamType::kString, "wav", false, false, "wav, flac or m4a", nullptr, nullptr,
       json{"wav", "flac", "m4a"}},
  };
  n.cross_check = check;
  n.outputs = {"mixed_audio_path",  "format",         "duration",  "bed_source",
               "measured_loudness", "loudness_range", "true_peak", "input_loudness"};
  n.time_limit_seconds = 3600;
  n.run = run;
  return n;
}

}  // namespace yv::ffmpeg
