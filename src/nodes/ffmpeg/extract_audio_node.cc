#include "nodes/ffmpeg/extract_audio_node.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "media/audio_decoder.h"
#include "media/audio_writer.h"

namespace yv::ffmpeg {
namespace {

using engine::ParamType;
using nlohmann::json;

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  // The registry has checked the bounds and 0 <= start < end (the spec below) before any run.
  const std::string format = p["audio_format"];
  const int rate = p["sample_rate"];
  const int channels = p["channels"];
  const double start = p.value("start", 0.0);
  const double end = p.value("end", 1e300);

  media::AudioReader reader(p["video_path"], rate, channels, p.value("audio_stream", -1));
  const auto path = r.work_dir / ("audio." + format);
  media::AudioWriter writer(path, format, rate, channels);
  // The excerpt [start, end) in frames; the stream is decoded from its beginning so the cut is exact.
  const auto first = uint64_t(std::llround(start * rate));
  const auto last = end >= 1e299 ? UINT64_MAX : uint64_t(std::llround(end * rate));
  const double expected = std::max(1.0, std::min(reader.duration(), end) - start) * rate;
  uint64_t position = 0, written = 0;
  reader.read([&](const float* samples, size_t frames) {
    if (r.cancelled) return false;
    const uint64_t from = std::max(position, first), to = std::min(position + frames, last);
    if (to > from) {
      writer.write(samples + (from - position) * uint64_t(channels), size_t(to - from));
      written += to - from;
      r.progress(std::min(0.99, double(written) / expected));
    }
    position += frames;
    return position < last;
  });
  if (r.cancelled) throw Error("cancelled", "extraction was cancelled", 409);
  if (written == 0) throw Error("invalid_parameter", "the excerpt holds no audio (start is past the end)");
  writer.finish();
  return {{"audio_path", path.string()},
          {"duration", double(written) / rate},
          {"sample_rate", rate},
          {"channels", channels},
          {"format", format}};
}

// The excerpt must not be empty: an absent start is 0, an absent end the end of the media.
std::vector<std::string> check_excerpt(const json& p) {
  if (p.contains("end") && p["end"].get<double>() <= p.value("start", 0.0))
    return {"'end' must be after 'start'"};
  return {};
}

}  // namespace

engine::NodeSpec extract_audio_node() {
  engine::NodeSpec n;
  n.name = "ffmpeg.extract_audio";
  n.description = "Extract the audio track of any media FFmpeg reads, as WAV, FLAC, MP3 or M4A";
  n.params = {
      {"video_path", ParamType::kString, nullptr, true, true, "Media file to read"},
      {"audio_format", ParamType::kString, "wav", false, false, "wav (16-bit PCM), flac, mp3 or m4a"},
      {"sample_rate", ParamType::kInteger, 16000, false, false, "Output sample rate in Hz", 8000, 192000},
      {"channels", ParamType::kInteger, 1, false, false, "Output channels (downmixed or upmixed)", 1, 8},
      {"audio_stream", ParamType::kInteger, nullptr, false, false,
       "Which audio stream (0-based); default the best", 0},
      {"start", ParamType::kNumber, nullptr, false, false, "Start of the excerpt in seconds", 0},
      {"end", ParamType::kNumber, nullptr, false, false, "End of the excerpt in seconds (after start)", 0},
  };
  n.cross_check = check_excerpt;
  n.outputs = {"audio_path", "duration", "sample_rate", "channels", "format"};
  n.time_limit_seconds = 1800;
  n.run = run;
  return n;
}

}  // namespace yv::ffmpeg
