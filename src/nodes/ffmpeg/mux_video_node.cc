#include "nodes/ffmpeg/mux_video_node.h"

#include <spdlog/fmt/fmt.h>

#include <filesystem>
#include <map>

#include "core/error.h"
#include "media/audio_decoder.h"
#include "media/audio_writer.h"
#include "media/track_muxer.h"

namespace yv::ffmpeg {
namespace {

using engine::ParamType;
using media::TrackKind;
using media::TrackSource;
using nlohmann::json;
namespace fs = std::filesystem;

// Two-letter codes (ISO 639-1) of the languages the transcription speaks most, as the ISO 639-2 codes that
// MP4 and Matroska store; anything else must be given as three letters.
const std::map<std::string, std::string>& two_letter_codes() {
  static const std::map<std::string, std::string> kCodes = {
      {"en", "eng"}, {"zh", "zho"}, {"ja", "jpn"}, {"ko", "kor"}, {"fr", "fra"}, {"de", "deu"},
      {"es", "spa"}, {"ru", "rus"}, {"pt", "por"}, {"it", "ita"}, {"ar", "ara"}, {"hi", "hin"},
      {"nl", "nld"}, {"tr", "tur"}, {"vi", "vie"}, {"th", "tha"}, {"id", "ind"}, {"pl", "pol"}};
  return kCodes;
}

std::string iso639_2(const std::string& code) {
  if (code.empty() || code.size() == 3) return code;
  const auto it = two_letter_codes().find(code);
  if (it == two_letter_codes().end())
    throw Error("invalid_parameter", "language '" + code + "': give its ISO 639-2 code (three letters)");
  return it->second;
}

std::vector<TrackSource> listed(const json& list, TrackKind kind, const char* what) {
  std::vector<TrackSource> out;
  for (const auto& t : list) {
    const auto text = [&](const char* key) { return !t.contains(key) || t[key].is_string(); };
    if (!t.is_object() || !t.contains("path") || !t["path"].is_string() || !text("language") ||
        !text("title"))
      throw Error("invalid_parameter",
                  std::string(what) + " entries need a path, and text for language and title");
    out.push_back({t["path"], kind, -1, iso639_2(t.value("language", "")), t.value("title", ""), false});
  }
  return out;
}

// `path` as a file the container holds: itself, or its audio encoded to AAC in `dir`.
std::string holdable_audio(const std::string& path, const std::string& container, const fs::path& dir,
                           size_t n) {
  if (media::can_hold(container, path, TrackKind::kAudio)) return path;
  media::AudioReader reader(path, 48000, 0);
  const fs::path aac = dir / fmt::format("audio_{}.m4a", n);
  media::AudioWriter writer(aac, "m4a", 48000, std::min(2, reader.channels()));
  media::AudioReader(path, 48000, std::min(2, reader.channels())).read([&](const float* s, size_t frames) {
    writer.write(s, frames);
    return true;
  });
  writer.finish();
  return aac.string();
}

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const std::string video = p["video_path"];
  const std::string container = p["output_format"];

  std::vector<TrackSource> audio;
  if (p.contains("audio_tracks")) {
    audio = listed(p["audio_tracks"], TrackKind::kAudio, "audio_tracks");
  } else if (p.contains("mixed_audio_path") || p.contains("dubbed_audio_path")) {
    const std::string dub = p.value("mixed_audio_path", p.value("dubbed_audio_path", ""));
    audio.push_back({dub, TrackKind::kAudio, -1, iso639_2(p.value("audio_language", "")), "Dubbed", false});
  }
  if (media::count_streams(video, TrackKind::kVideo) == 0)
    throw Error("no_video_stream", video + " has no video stream", 400);
  const bool keep_original = p["keep_original_audio"] && media::count_streams(video, TrackKind::kAudio) > 0;
  if (audio.empty() && !keep_original)
    throw Error("missing_input", "no audio track: give audio_tracks or run ffmpeg.mix_audio before");

  // Audio encoded for the container lives here until the mux is done, whatever happens.
  struct Scratch {
    fs::path dir;
    ~Scratch() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } scratch_dir{r.work_dir / "encoded"};
  const fs::path& scratch = scratch_dir.dir;
  fs::create_directories(scratch);
  for (size_t i = 0; i < audio.size(); ++i)
    audio[i].path = holdable_audio(audio[i].path, container, scratch, i);

  std::vector<TrackSource> tracks = {{video, TrackKind::kVideo, -1, "", "", true}};
  for (auto& a : audio) tracks.push_back(a);
  if (keep_original) {
    TrackSource original{video, TrackKind::kAudio, -1, iso639_2(p.value("original_language", "")), "Original",
                         false};
    original.path = holdable_audio(video, container, scratch, audio.size());
    tracks.push_back(original);
  }
  if (tracks.size() > 1) tracks[1].is_default = true;  // the first audio track plays by default
  if (p.contains("subtitle_tracks")) {
    for (auto& s : listed(p["subtitle_tracks"], TrackKind::kSubtitle, "subtitle_tracks")) tracks.push_back(s);
  } else if (p.contains("srt_path")) {
    tracks.push_back(
        {p["srt_path"], TrackKind::kSubtitle, -1, iso639_2(p.value("subtitle_language", "")), "", false});
  }
  r.progress(0.2);

  const fs::path out = r.work_dir / ("video." + container);
  media::mux_tracks(tracks, out, container);
  json listing = json::array();
  for (const auto& t : tracks) {
    listing.push_back({{"kind", t.kind == TrackKind::kVideo   ? "video"
                                : t.kind == TrackKind::kAudio ? "audio"
                                                              : "subtitle"},
                       {"language", t.language},
                       {"title", t.title},
                       {"default", t.is_default}});
  }
  r.progress(1.0);
  return {{"muxed_video_path", out.string()}, {"format", container}, {"tracks", listing}};
}

// Track lists and language codes are checked at submit, so that a typo is refused before any stage runs.
std::vector<std::string> check(const json& p) {
  std::vector<std::string> problems;
  for (const char* list : {"audio_tracks", "subtitle_tracks"}) {
    if (!p.contains(list)) continue;
    try {
      listed(p[list], TrackKind::kAudio, list);
    } catch (const Error& e) {
      problems.push_back(e.detail());
    }
  }
  for (const char* code : {"audio_language", "original_language", "subtitle_language"}) {
    if (!p.contains(code) || !p[code].is_string()) continue;
    try {
      iso639_2(p[code]);
    } catch (const Error& e) {
      problems.push_back(e.detail());
    }
  }
  return problems;
}

}  // namespace

engine::NodeSpec mux_video_node() {
  const json track = {{"type", "object"},
                      {"required", {"path"}},
                      {"properties",
                       {{"path", {{"type", "string"}}},
                        {"language", {{"type", "string"}}},
                        {"title", {{"type", "string"}}}}}};
  // The codes iso639_2 takes: any three letters, or a two-letter code it maps.
  std::string language = "^([a-z]{3}";
  for (const auto& [two, three] : two_letter_codes()) language += "|" + two;
  language += ")$";
  engine::NodeSpec n;
  n.name = "ffmpeg.mux_video";
  n.description = "Put new audio and soft subtitle tracks beside the original video stream, copied";
  n.params = {
      {"video_path", ParamType::kString, nullptr, true, true, "Video whose picture is copied"},
      {"audio_tracks", ParamType::kArray, nullptr, false, false, "Audio tracks {path, language, title}",
       nullptr, nullptr, nullptr, "", track},
      {"mixed_audio_path", ParamType::kString, nullptr, false, false, "Dubbed mix (from ffmpeg.mix_audio)"},
      {"dubbed_audio_path", ParamType::kString, nullptr, false, false,
       "Speech track (from ffmpeg.fit_dubbing), when there is no mix"},
      {"audio_language", ParamType::kString, nullptr, false, false, "Language of mixed_audio_path", nullptr,
       nullptr, nullptr, language},
      {"keep_original_audio", ParamType::kBoolean, true, false, false,
       "Keep the video's own audio as a further track"},
      {"original_language", ParamType::kString, nullptr, false, false, "Language of the original audio",
       nullptr, nullptr, nullptr, language},
      {"subtitle_tracks", ParamType::kArray, nullptr, false, false,
       "Subtitle files {path, language, title} (SRT, ASS or WebVTT)", nullptr, nullptr, nullptr, "", track},
      {"srt_path", ParamType::kString, nullptr, false, false, "Subtitles (from the subtitle stage)"},
      {"subtitle_language", ParamType::kString, nullptr, false, false, "Language of srt_path", nullptr,
       nullptr, nullptr, language},
      {"output_format", ParamType::kString, "mp4", false, false, "mp4 or mkv", nullptr, nullptr,
       json{"mp4", "mkv"}},
  };
  n.cross_check = check;
  n.outputs = {"muxed_video_path", "format", "tracks"};
  n.time_limit_seconds = 3600;
  n.run = run;
  return n;
}

}  // namespace yv::ffmpeg
