#include "nodes/ffmpeg/fit_dubbing_node.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "core/files.h"
#include "media/audio_decoder.h"
#include "media/audio_filter.h"
#include "media/audio_writer.h"

namespace yv::ffmpeg {
namespace {

using engine::ParamType;
using nlohmann::json;
namespace fs = std::filesystem;

// Longer than this, an audio file is not one dubbing segment (a cue lasts seconds): refused before it is
// held in memory.
constexpr double kLongestSegment = 600;
constexpr size_t kMaxSegments = 100000;
// Silence is trimmed in windows of this length, so that a click in a pause does not count as speech.
constexpr double kTrimWindow = 0.010;

struct Segment {
  size_t id = 0;
  double start = 0, end = 0;
  std::string audio;
  std::string text;
};

Segment segment_of(const json& j, size_t id, const fs::path& base) {
  if (!j.is_object() || !j.contains("start") || !j.contains("end") || !j["start"].is_number() ||
      !j["end"].is_number())
    throw Error("invalid_input", fmt::format("segment {} needs numeric start and end", id));
  const json& audio = j.contains("audio_path") ? j["audio_path"] : j.value("file", json());
  if (!audio.is_string() || audio.get<std::string>().empty())
    throw Error("invalid_input", fmt::format("segment {} names no audio_path", id));
  const json text = j.value("text", json(""));
  Segment s{id, j["start"], j["end"], audio, text.is_string() ? text.get<std::string>() : ""};
  if (fs::path(s.audio).is_relative() && !base.empty()) s.audio = (base / s.audio).string();
  if (!(s.start >= 0) || !(s.end > s.start))
    throw Error("invalid_input",
                fmt::format("segment {}: end {} must be after start {} >= 0", id, s.end, s.start));
  // The track is silence up to the last cue: a cue hours away would write hours of it.
  if (s.end > media::max_media_seconds()) {
    throw Error("media_too_long",
                fmt::format("segment {} ends at {} s, past the longest media, {} s", id, s.end,
                            media::max_media_seconds()),
                413);
  }
  return s;
}

std::vector<Segment> segments_of(const json& p) {
  std::vector<Segment> out;
  if (p.contains("tts_segments") || p.contains("tts_segments_file")) {
    fs::path base;
    json list;
    if (p.contains("tts_segments")) {
      list = p["tts_segments"];
    } else {
      const fs::path file = p["tts_segments_file"].get<std::string>();
      if (!fs::is_regular_file(file)) throw Error("file_not_found", "文件不存在: " + file.string(), 404);
      try {
        list = json::parse(read_file(file));
      } catch (const json::parse_error& e) {
        throw Error("invalid_input", "tts_segments_file is not JSON: " + std::string(e.what()));
      }
      if (list.is_object()) list = list.value("segments", json());
      base = file.parent_path();
    }
    if (!list.is_array()) throw Error("invalid_input", "segments must be a list of {audio_path, start, end}");
    for (size_t i = 0; i < list.size() && i < kMaxSegments; ++i) out.push_back(segment_of(list[i], i, base));
  } else if (p.contains("prepared_segments") && p.contains("audio_files")) {
    const json& cues = p["prepared_segments"];
    const json& files = p["audio_files"];
    if (cues.size() != files.size()) {
      throw Error("invalid_input",
                  fmt::format("{} prepared_segments but {} audio_files: one synthesis per segment",
                              cues.size(), files.size()));
    }
    for (size_t i = 0; i < cues.size() && i < kMaxSegments; ++i) {
      json j = cues[i];
      j["audio_path"] = files[i];
      out.push_back(segment_of(j, i, {}));
    }
  } else {
    throw Error(
        "missing_input",
        "give tts_segments (or tts_segments_file), or prepared_segments (wservice.prepare_tts_segments) with "
        "audio_files, one synthesised file per segment");
  }
  if (out.empty()) throw Error("invalid_input", "there are no segments to fit");
  std::stable_sort(out.begin(), out.end(),
                   [](const Segment& a, const Segment& b) { return a.start < b.start; });
  return out;
}

std::vector<float> decode_segment(const Segment& s, int rate) {
  std::vector<float> samples;
  const auto longest = size_t(kLongestSegment * rate);
  media::AudioReader(s.audio, rate, 1).read([&](const float* x, size_t n) {
    samples.insert(samples.end(), x, x + n);
    if (samples.size() > longest)
      throw Error("invalid_input",
                  fmt::format("segment {} ({}) lasts over {} s", s.id, s.audio, kLongestSegment));
    return true;
  });
  return samples;
}

// `samples` from the first to the last window whose RMS level reaches `threshold` (linear). RMS over 10 ms
// windows, not single peaks: a real recording's noise floor has peaks near -45 dBFS that are not speech.
std::vector<float> trimmed(const std::vector<float>& samples, double threshold, int rate) {
  const size_t window = std::max<size_t>(1, size_t(kTrimWindow * rate));
  const auto loud = [&](size_t from) {
    const size_t to = std::min(samples.size(), from + window);
    double energy = 0;
    for (size_t i = from; i < to; ++i) energy += double(samples[i]) * samples[i];
    return energy >= threshold * threshold * double(to - from);
  };
  size_t first = 0;
  while (first < samples.size() && !loud(first)) first += window;
  if (first >= samples.size()) return {};
  size_t last = first + window;
  for (size_t w = first; w < samples.size(); w += window) {
    if (loud(w)) last = std::min(samples.size(), w + window);
  }
  return {samples.begin() + long(first), samples.begin() + long(std::min(last, samples.size()))};
}

std::string stretch_graph(const std::string& stretcher, double speed) {
  return stretcher == "atempo" ? fmt::format("atempo={:.6f}", speed)
                               : fmt::format("rubberband=tempo={:.6f}", speed);
}

// The speech track, written in time order: `pending` holds the samples from `flushed` on that a later
// segment may still be mixed into.
class Timeline {
 public:
  Timeline(const fs::path& path, const std::string& format, int rate) : writer_(path, format, rate, 1) {}

  void place(uint64_t at, const std::vector<float>& samples) {
    if (at >= flushed_ + pending_.size()) {
      write(pending_);
      silence(at - flushed_ - pending_.size());
      pending_.clear();
      flushed_ = at;
    }
    const size_t offset = size_t(at - flushed_);
    if (pending_.size() < offset + samples.size()) pending_.resize(offset + samples.size(), 0.0f);
    for (size_t i = 0; i < samples.size(); ++i) pending_[offset + i] += samples[i];
  }

  // Writes what is pending, then silence up to `length` frames in all.
  void finish(uint64_t length) {
    write(pending_);
    flushed_ += pending_.size();
    if (length > flushed_) silence(length - flushed_);
    writer_.finish();
  }

 private:
  void write(const std::vector<float>& samples) {
    if (!samples.empty()) writer_.write(samples.data(), samples.size());
  }
  void silence(uint64_t frames) {
    static const std::vector<float> kZeros(media::kBlockFrames, 0.0f);
    for (; frames > 0;) {
      const size_t n = size_t(std::min<uint64_t>(frames, kZeros.size()));
      writer_.write(kZeros.data(), n);
      frames -= n;
    }
  }

  media::AudioWriter writer_;
  uint64_t flushed_ = 0;
  std::vector<float> pending_;
};

struct Fitted {
  std::vector<float> samples;
  json report;
};

Fitted fit(const Segment& s, const json& p, int rate) {
  const double max_speed = p["max_speed"], min_speed = p["min_speed"];
  const double threshold = std::pow(10.0, p["silence_threshold_db"].get<double>() / 20);
  std::vector<float> speech = decode_segment(s, rate);
  const double source_seconds = double(speech.size()) / rate;
  if (p["trim_silence"]) speech = trimmed(speech, threshold, rate);
  if (speech.empty())
    throw Error("invalid_input", fmt::format("segment {} ({}) holds no sound", s.id, s.audio));
  const double slot = s.end - s.start, spoken = double(speech.size()) / rate;
  // The pause is left at the end of a slot that the speech must be stretched to fill: sentences do not run
  // into each other, and the stretcher's rounding (atempo ends up to ~10 ms long) stays inside the slot.
  const double pause = std::min(p["pause"].get<double>(), slot / 4);
  const double needed = spoken / (slot - pause);
  const double speed = std::clamp(needed, min_speed, max_speed);
  if (std::fabs(speed - 1.0) > 1e-3) {
    speech = media::filter_all(stretch_graph(p["stretcher"], speed), speech.data(), speech.size(), {rate, 1});
    // The stretcher's own latency comes out as leading near-silence: trimmed again, the speech starts on cue.
    if (p["trim_silence"]) speech = trimmed(speech, threshold, rate);
  }
  const double fitted = double(speech.size()) / rate;
  const double overflow = std::max(0.0, fitted - slot);
  json report = {{"id", s.id},
                 {"start", s.start},
                 {"end", s.end},
                 {"slot", slot},
                 {"pause", pause},
                 {"audio_path", s.audio},
                 {"source_duration", source_seconds},
                 {"speech_duration", spoken},
                 {"needed_ratio", needed},
                 {"speed", speed},
                 {"fitted_duration", fitted},
                 {"overflow", overflow},
                 {"status", overflow > 0.0005 ? "overflow" : "fit"}};
  if (!s.text.empty()) report["text"] = s.text;
  return {std::move(speech), std::move(report)};
}

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const int rate = p["output_sample_rate"];
  const std::string format = p["output_format"];
  const double max_overflow = p["max_overflow"];
  const std::vector<Segment> segments = segments_of(p);
  if (p.value("timeline_duration", 0.0) > media::max_media_seconds())
    throw Error("media_too_long", "timeline_duration is past the longest media", 413);

  // The track is written to a partial file that only finish() renames into place: a refusal below (or a
  // failure) leaves nothing behind. Fitting goes on past the first segment that is too long, so that the
  // refusal names them all.
  const fs::path path = r.work_dir / ("dubbed_speech." + format);
  Timeline track(path, format, rate);
  json report = json::array();
  std::vector<std::string> too_long;
  uint64_t end = 0;
  size_t overflowing = 0, overlapping = 0;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (r.cancelled) throw Error("cancelled", "fitting was cancelled", 409);
    Fitted f = fit(segments[i], p, rate);
    const double overflow = f.report["overflow"];
    if (overflow > max_overflow) {
      too_long.push_back(
          fmt::format("segment {} ({:.2f}-{:.2f} s) needs {:.2f}x, runs {:.2f} s over at {:.2f}x",
                      segments[i].id, segments[i].start, segments[i].end,
                      f.report["needed_ratio"].get<double>(), overflow, f.report["speed"].get<double>()));
    }
    const auto at = uint64_t(std::llround(segments[i].start * rate));
    if (too_long.empty()) track.place(at, f.samples);
    end = std::max(end, at + f.samples.size());
    const double ends = segments[i].start + double(f.samples.size()) / rate;
    if (i + 1 < segments.size() && ends > segments[i + 1].start + 1e-6) {
      f.report["overlaps_next"] = ends - segments[i + 1].start;
      ++overlapping;
    }
    overflowing += f.report["status"] == "overflow" ? 1 : 0;
    report.push_back(std::move(f.report));
    r.progress(0.95 * double(i + 1) / double(segments.size()));
  }
  if (!too_long.empty()) {
    throw Error("invalid_input",
                fmt::format("{} of {} segments do not fit their slots even at max_speed, beyond max_overflow "
                            "{} s (shorten their text or raise max_speed): {}",
                            too_long.size(), segments.size(), max_overflow, fmt::join(too_long, "; ")));
  }
  const uint64_t length = std::max(end, uint64_t(std::llround(p.value("timeline_duration", 0.0) * rate)));
  track.finish(length);

  const fs::path report_file = r.work_dir / "fit_report.json";
  write_file_atomically(report_file, json{{"track", path.filename().string()},
                                          {"sample_rate", rate},
                                          {"stretcher", p["stretcher"]},
                                          {"max_speed", p["max_speed"]},
                                          {"min_speed", p["min_speed"]},
                                          {"pause", p["pause"]},
                                          {"segments", report}}
                                             .dump(2) +
                                         "\n");
  r.progress(1.0);
  return {{"dubbed_audio_path", path.string()},
          {"fit_report_file", report_file.string()},
          {"fit_report", report},
          {"segments_count", segments.size()},
          {"overflow_count", overflowing},
          {"overlap_count", overlapping},
          {"dubbed_duration", double(length) / rate}};
}

std::vector<std::string> check(const json& p) {
  std::vector<std::string> problems;
  if (p.contains("audio_files") && !std::all_of(p["audio_files"].begin(), p["audio_files"].end(),
                                                [](const json& f) { return f.is_string(); }))
    problems.push_back("audio_files must be a list of file names");
  // What the API document says of tts_segments' items (types, required fields, times >= 0) is checked at
  // submit; the rules it cannot state (end after start, a file that exists) when the stage runs.
  for (const auto& j : p.value("tts_segments", json::array())) {
    const auto time = [&](const char* key) { return j.contains(key) && j[key].is_number() && j[key] >= 0; };
    if (!j.is_object() || !j.contains("audio_path") || !j["audio_path"].is_string() || !time("start") ||
        !time("end") || (j.contains("text") && !j["text"].is_string())) {
      problems.push_back("tts_segments items are {audio_path, start >= 0, end >= 0, text}");
      break;
    }
  }
  return problems;
}

}  // namespace

engine::NodeSpec fit_dubbing_node() {
  const json segment = {{"type", "object"},
                        {"required", {"audio_path", "start", "end"}},
                        {"properties",
                         {{"audio_path", {{"type", "string"}}},
                          {"start", {{"type", "number"}, {"minimum", 0}}},
                          {"end", {{"type", "number"}, {"minimum", 0}}},
                          {"text", {{"type", "string"}}}}}};
  engine::NodeSpec n;
  n.name = "ffmpeg.fit_dubbing";
  n.description = "Time-stretch synthesised speech segments into their cues' slots, as one speech track";
  n.params = {
      {"tts_segments", ParamType::kArray, nullptr, false, false, "Segments {audio_path, start, end, text}",
       nullptr, nullptr, nullptr, "", segment},
      {"tts_segments_file", ParamType::kString, nullptr, false, false,
       "JSON file of such segments (a list, or an object with 'segments'; relative paths from its folder), "
       "when "
       "tts_segments is not given"},
      {"prepared_segments", ParamType::kArray, nullptr, false, false,
       "Cues {start, end} (from wservice.prepare_tts_segments), paired with audio_files"},
      {"audio_files", ParamType::kArray, nullptr, false, false, "One synthesised file per prepared segment",
       nullptr, nullptr, nullptr, "", json{{"type", "string"}}},
      {"max_speed", ParamType::kNumber, 1.5, false, false, "Fastest speed-up (1.5: 50% faster)", 1.0, 4.0},
      {"pause", ParamType::kNumber, 0.1, false, false,
       "Seconds of silence kept at the end of a slot that speech is stretched to fill (at most a quarter of "
       "the slot)",
       0, 2},
      {"min_speed", ParamType::kNumber, 1.0, false, false,
       "Slowest speed (below 1 slows short segments towards their slot)", 0.5, 1.0},
      {"max_overflow", ParamType::kNumber, 1.0, false, false,
       "Seconds a fitted segment may run past its slot; more is refused", 0, 60},
      {"stretcher", ParamType::kString, "rubberband", false, false, "rubberband or atempo", nullptr, nullptr,
       json{"rubberband", "atempo"}},
      {"trim_silence", ParamType::kBoolean, true, false, false,
       "Trim each segment's leading and trailing silence"},
      {"silence_threshold_db", ParamType::kNumber, -45.0, false, false,
       "RMS level (10 ms windows) under which is silence, dBFS", -90, -10},
      {"output_sample_rate", ParamType::kInteger, 48000, false, false, "Sample rate of the track in Hz", 8000,
       192000},
      {"output_format", ParamType::kString, "wav", false, false, "wav or flac", nullptr, nullptr,
       json{"wav", "flac"}},
      {"timeline_duration", ParamType::kNumber, nullptr, false, false,
       "Length of the track in seconds (silence after the last segment); default its end", 0, 86400},
  };
  n.cross_check = check;
  n.outputs = {"dubbed_audio_path", "fit_report_file", "fit_report",     "segments_count",
               "overflow_count",    "overlap_count",   "dubbed_duration"};
  n.time_limit_seconds = 3600;
  n.run = run;
  return n;
}

}  // namespace yv::ffmpeg
