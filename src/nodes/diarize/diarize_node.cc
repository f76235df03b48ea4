#include "nodes/diarize/diarize_node.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>

#include "core/error.h"
#include "core/files.h"
#include "media/audio_decoder.h"
#include "nodes/diarize/channels.h"
#include "nodes/diarize/diarizer.h"
#include "nodes/diarize/mel.h"
#include "nodes/whisper/model_store.h"

namespace yv::diarize {
namespace {

using engine::ParamType;
using nlohmann::json;

// The networks stay loaded for the life of the worker process, like the Whisper models.
template <class Network>
const Network& cached(const char* file) {
  static std::mutex mutex;
  static std::unique_ptr<Network> network;
  std::lock_guard lock(mutex);
  if (!network) network = std::make_unique<Network>(whisper::default_model_dir() / file);
  return *network;
}

int count_param(const json& p, const char* name, int fallback) {
  if (!p.contains(name) || p[name].is_null()) return fallback;
  return p[name].get<int>();
}

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const std::string input = p.value("audio_path", p.value("video_path", ""));
  if (input.empty())
    throw Error("invalid_parameter", "pyannote_audio.diarize_speakers needs audio_path or video_path");
  DiarizeOptions o;
  o.num_speakers = count_param(p, "speaker_count", count_param(p, "num_speakers", 0));
  o.min_speakers = count_param(p, "min_speakers", 1);
  o.max_speakers = count_param(p, "max_speakers", std::max({8, o.min_speakers, o.num_speakers}));
  if (p.contains("speaker_count") && p.contains("num_speakers") && p["speaker_count"] != p["num_speakers"]) {
    throw Error("invalid_parameter", "speaker_count and num_speakers disagree; give one of them");
  }
  check(o);
  o.cancelled = &r.cancelled;

  double duration = 0;
  Diarization d;
  if (p.value("channel_mode", "mix") == "per_channel") {
    const auto channels = media::decode_channels(input, kSampleRate, kMaxSpeakerChannels);
    duration = channels.front().duration();
    d = diarize_channels(channels, &r.cancelled, r.progress);
  } else {
    const media::Audio audio = media::decode_audio(input, kSampleRate);
    duration = audio.duration();
    d = diarize(cached<SpeakerEncoder>("ge2e-speaker-encoder.bin"),
                cached<SpeakerSegmentation>("speaker-segmentation.bin"), audio, o, r.progress);
  }

  json segments = json::array();
  for (const auto& t : d.turns)
    segments.push_back({{"start", t.start}, {"end", t.end}, {"speaker", t.speaker}});
  json talk = json::object();
  for (const auto& [speaker, seconds] : talk_time(d.turns)) talk[speaker] = std::round(seconds * 1000) / 1000;
  const json file = {{"segments", segments},
                     {"speakers", d.speakers},
                     {"speaker_count", d.speakers.size()},
                     {"talk_time", talk},
                     {"duration", duration}};
  const auto diarization_file = r.work_dir / "diarization.json";
  const auto rttm_file = r.work_dir / "diarization.rttm";
  write_file_atomically(diarization_file, file.dump(2) + "\n");
  write_file_atomically(rttm_file, to_rttm(d.turns, std::filesystem::path(input).stem().string()));
  return {{"diarization_file", diarization_file.string()},
          {"rttm_file", rttm_file.string()},
          {"speakers", d.speakers},
          {"speaker_count", d.speakers.size()},
          {"talk_time", talk}};
}

}  // namespace

engine::NodeSpec diarize_node() {
  engine::NodeSpec n;
  n.name = "pyannote_audio.diarize_speakers";
  n.description =
      "Find who spoke when (GE2E speaker embeddings, spectral clustering; overlapped speech from pyannote's "
      "segmentation network), as JSON and RTTM";
  n.params = {
      {"audio_path", ParamType::kString, nullptr, false, false,
       "Audio to diarize (from ffmpeg.extract_audio)"},
      {"video_path", ParamType::kString, nullptr, false, true, "Media to decode when there is no audio_path"},
      {"speaker_count", ParamType::kInteger, nullptr, false, true,
       "The number of speakers, when known (0: find it)"},
      {"num_speakers", ParamType::kInteger, nullptr, false, false,
       "Alias of speaker_count (pyannote's name)"},
      {"min_speakers", ParamType::kInteger, nullptr, false, false, "At least this many speakers (default 1)"},
      {"max_speakers", ParamType::kInteger, nullptr, false, false, "At most this many speakers (default 8)"},
      {"channel_mode", ParamType::kString, "mix", false, false,
       "mix: the channels mixed, speakers told apart by voice; per_channel: one speaker per channel "
       "(call-centre recordings), SPEAKER_00 the first channel, overlaps kept; the counts do not apply",
       nullptr, nullptr, json::array({"mix", "per_channel"})},
  };
  n.outputs = {"diarization_file", "rttm_file", "speakers", "speaker_count", "talk_time"};
  n.run = run;
  return n;
}

}  // namespace yv::diarize
