#include "nodes/ffmpeg/extract_audio_node.h"

#include <algorithm>

#include "core/error.h"
#include "media/audio_decoder.h"
#include "media/wav_file.h"

namespace yv::ffmpeg {
namespace {

using engine::ParamType;
using nlohmann::json;

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  if (p["audio_format"] != "wav") {
    throw Error("unsupported_format",
                "audio_format '" + p["audio_format"].get<std::string>() + "' is not supported yet: use wav");
  }
  if (p["channels"] != 1) throw Error("unsupported_format", "only channels = 1 (mono) is supported yet");
  const int rate = p["sample_rate"];
  if (rate < 8000 || rate > 192000) throw Error("invalid_parameter", "sample_rate must be 8000-192000");
  media::Audio audio = media::decode_audio(p["video_path"], rate);
  r.progress(0.8);
  const double start = p.value("start", 0.0), end = p.value("end", audio.duration());
  if (start < 0 || end <= start) throw Error("invalid_parameter", "need 0 <= start < end");
  const auto first = std::min(audio.samples.size(), size_t(start * rate));
  const auto last = std::min(audio.samples.size(), size_t(end * rate));
  audio.samples = std::vector<float>(audio.samples.begin() + long(first), audio.samples.begin() + long(last));
  if (r.cancelled) throw Error("cancelled", "extraction was cancelled", 409);
  const auto path = r.work_dir / "audio.wav";
  media::write_wav(path, audio);
  return {{"audio_path", path.string()},
          {"duration", audio.duration()},
          {"sample_rate", rate},
          {"channels", 1},
          {"format", "wav"}};
}

}  // namespace

engine::NodeSpec extract_audio_node() {
  engine::NodeSpec n;
  n.name = "ffmpeg.extract_audio";
  n.description = "Extract the audio track of a video or audio file (FFmpeg) as 16-bit mono WAV";
  n.params = {
      {"video_path", ParamType::kString, nullptr, true, true, "Media file to read"},
      {"audio_format", ParamType::kString, "wav", false, false, "Output format (wav)"},
      {"sample_rate", ParamType::kInteger, 16000, false, false, "Output sample rate in Hz"},
      {"channels", ParamType::kInteger, 1, false, false, "Output channels (1)"},
      {"start", ParamType::kNumber, nullptr, false, false, "Start of the excerpt in seconds"},
      {"end", ParamType::kNumber, nullptr, false, false, "End of the excerpt in seconds"},
  };
  n.outputs = {"audio_path", "duration", "sample_rate", "channels", "format"};
  n.time_limit_seconds = 1800;
  n.run = run;
  return n;
}

}  // namespace yv::ffmpeg
