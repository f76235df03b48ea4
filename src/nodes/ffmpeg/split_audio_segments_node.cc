#include "nodes/ffmpeg/split_audio_segments_node.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>

#include "core/error.h"
#include "core/files.h"
#include "media/audio_decoder.h"
#include "media/audio_writer.h"
#include "nodes/wservice/params.h"
#include "nodes/wservice/segments.h"
#include "nodes/wservice/speaker_merge.h"

namespace yv::ffmpeg {
namespace {

using engine::ParamType;
using nlohmann::json;
namespace fs = std::filesystem;

// More pieces than this sounding at one instant is not a transcript: refused, so that a request cannot open
// thousands of encoders at once.
constexpr size_t kMaxOpen = 32;
constexpr size_t kMaxPieces = 100000;
// Shorter than this, a piece may hold no sample at all: skipped like one under min_segment_duration.
constexpr double kShortest = 0.001;

struct Piece {
  Piece(double start, double end, std::string speaker, std::string text, std::string kind, size_t source)
      : start(start),
        end(end),
        speaker(std::move(speaker)),
        text(std::move(text)),
        kind(std::move(kind)),
        source(source) {}

  double start = 0, end = 0;
  std::string speaker;  // "" when unknown
  std::string text;
  std::string kind = "speech";
  size_t source = 0;             // index of the segment it comes from
  uint64_t first = 0, last = 0;  // frames [first, last)
  fs::path file;
  std::unique_ptr<media::AudioWriter> writer;
  uint64_t written = 0;
};

// A speaker label as a folder name: letters, digits, '-' and '_' kept, anything else '_'.
std::string folder_name(const std::string& speaker) {
  if (speaker.empty()) return "unknown";
  std::string out = speaker;
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  }
  return out;
}

wservice::Transcript segments_of(const json& p) {
  if (p.contains("subtitle_path")) {
    const std::string path = p["subtitle_path"];
    if (!wservice::is_subtitle_file(path))
      throw Error("invalid_parameter", "subtitle_path must name an .srt, .vtt or .ass file");
    return wservice::read_subtitle_file(path, "subtitle_path");
  }
  return wservice::load_transcript(p);
}

// Adds [start, end) as pieces of at most `longest` seconds each.
void add_cut(std::vector<Piece>& pieces, const Piece& piece, double longest) {
  const double count = std::max(1.0, std::ceil((piece.end - piece.start) / longest - 1e-9));
  if (double(pieces.size()) + count > double(kMaxPieces))
    throw Error("invalid_input", fmt::format("more than {} pieces to write", kMaxPieces));
  const int parts = int(count);
  const double step = (piece.end - piece.start) / parts;
  const double start = piece.start;
  for (int k = 0; k < parts; ++k) {
    pieces.emplace_back(start + step * k, start + step * (k + 1), piece.speaker, piece.text, piece.kind,
                        piece.source);
  }
}

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const std::string audio = p.contains("vocal_audio")  ? p["vocal_audio"].get<std::string>()
                            : p.contains("audio_path") ? p["audio_path"].get<std::string>()
                                                       : p.value("video_path", "");
  if (audio.empty()) throw Error("invalid_parameter", "give audio_path (or run ffmpeg.extract_audio before)");
  const wservice::Transcript t = segments_of(p);
  const auto turns = wservice::load_turns(p);
  const std::string format = p["output_format"];
  const int rate = p["sample_rate"], channels = p["channels"];
  const double shortest = p["min_segment_duration"], longest = p["max_segment_duration"];
  const bool by_speaker = p["group_by_speaker"];

  json info = json::array();
  std::vector<Piece> pieces;
  for (size_t i = 0; i < t.segments.size(); ++i) {
    const auto& s = t.segments[i];
    Piece piece(s.start, s.end, s.speaker.value_or(""), s.text, "speech", i);
    if (piece.speaker.empty() && turns)
      piece.speaker = wservice::main_speaker(*turns, s.start, s.end).speaker.value_or("");
    if (s.end - s.start < std::max(shortest, kShortest)) {
      info.push_back({{"source_segment", i},
                      {"start", s.start},
                      {"end", s.end},
                      {"status", "skipped"},
                      {"reason", "shorter than min_segment_duration"}});
      continue;
    }
    add_cut(pieces, piece, longest);
  }
  std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) { return a.start < b.start; });
  if (p["include_silence"]) {
    double covered = 0;
    const size_t speech = pieces.size();
    for (size_t i = 0; i <= speech; ++i) {
      const double next = i < speech ? pieces[i].start : covered;  // the audio's end is not known yet
      if (next - covered >= std::max(shortest, kShortest))
        add_cut(pieces, Piece(covered, next, "", "", "silence", SIZE_MAX), longest);
      if (i < speech) covered = std::max(covered, pieces[i].end);
    }
    std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) { return a.start < b.start; });
  }
  if (by_speaker && std::all_of(pieces.begin(), pieces.end(), [](auto& x) { return x.speaker.empty(); }) &&
      !pieces.empty()) {
    throw Error(
        "invalid_input",
        "group_by_speaker needs speakers: segments with a speaker (wservice.merge_speaker_segments) or "
        "a diarization_file");
  }

  const fs::path dir = r.work_dir / "audio_segments";
  fs::create_directories(dir);
  for (size_t i = 0; i < pieces.size(); ++i) {
    Piece& x = pieces[i];
    x.first = uint64_t(std::llround(x.start * rate));
    x.last = uint64_t(std::llround(x.end * rate));
    const std::string group = x.kind == "silence" ? "silence" : folder_name(x.speaker);
    const fs::path folder = by_speaker ? dir / group : dir;
    x.file = folder / fmt::format("segment_{:04d}.{}", i + 1, format);
  }

  media::AudioReader reader(audio, rate, channels);
  const double expected = std::max(1.0, reader.duration()) * rate;
  uint64_t position = 0;
  size_t next = 0;
  std::vector<Piece*> open;
  const auto close_done = [&](uint64_t upto) {
    std::erase_if(open, [&](Piece* x) {
      if (x->last > upto) return false;
      x->writer->finish();
      x->writer.reset();
      return true;
    });
  };
  reader.read([&](const float* samples, size_t frames) {
    if (r.cancelled) return false;
    const uint64_t end = position + frames;
    for (; next < pieces.size() && pieces[next].first < end; ++next) {
      if (open.size() >= kMaxOpen) {
        throw Error("invalid_input",
                    fmt::format("more than {} segments overlap at {:.2f} s", kMaxOpen, pieces[next].start));
      }
      fs::create_directories(pieces[next].file.parent_path());
      pieces[next].writer = std::make_unique<media::AudioWriter>(pieces[next].file, format, rate, channels);
      open.push_back(&pieces[next]);
    }
    for (Piece* x : open) {
      const uint64_t from = std::max(position, x->first), to = std::min(end, x->last);
      if (to > from) {
        x->writer->write(samples + (from - position) * uint64_t(channels), size_t(to - from));
        x->written += to - from;
      }
    }
    position = end;
    close_done(position);
    r.progress(std::min(0.99, double(position) / expected));
    return next < pieces.size() || !open.empty();
  });
  if (r.cancelled) throw Error("cancelled", "splitting was cancelled", 409);
  for (Piece* x : open) {  // pieces running past the end of the audio end with it
    if (x->written) x->writer->finish();
    x->writer.reset();
  }

  size_t ok = 0, failed = 0;
  double total = 0;
  json summary = json::object();
  for (const Piece& x : pieces) {
    json entry = {{"source_segment", x.source == SIZE_MAX ? json(nullptr) : json(x.source)},
                  {"start", x.start},
                  {"end", x.end},
                  {"kind", x.kind},
                  {"speaker", x.speaker.empty() ? json(nullptr) : json(x.speaker)},
                  {"text", x.text}};
    if (x.written == 0) {
      ++failed;
      entry["status"] = "failed";
      entry["reason"] = "starts after the end of the audio";
    } else {
      ++ok;
      const double seconds = double(x.written) / rate;
      total += seconds;
      entry["status"] = "ok";
      entry["file"] = fs::relative(x.file, dir).string();
      entry["duration"] = seconds;
      const std::string key = x.kind == "silence" ? "silence" : x.speaker.empty() ? "unknown" : x.speaker;
      json& s = summary[key];
      if (s.is_null()) s = {{"count", 0}, {"duration", 0.0}};
      s["count"] = s["count"].get<int>() + 1;
      s["duration"] = s["duration"].get<double>() + seconds;
    }
    info.push_back(std::move(entry));
  }
  const auto info_file = r.work_dir / "split_info.json";
  write_file_atomically(info_file, json{{"audio", fs::path(audio).filename().string()},
                                        {"format", format},
                                        {"sample_rate", rate},
                                        {"channels", channels},
                                        {"segments", info}}
                                           .dump(2) +
                                       "\n");
  r.progress(1.0);
  return {{"audio_segments_dir", dir.string()},
          {"total_segments", pieces.size()},
          {"successful_segments", ok},
          {"failed_segments", failed},
          {"skipped_segments", info.size() - pieces.size()},
          {"total_duration", total},
          {"split_info_file", info_file.string()},
          {"speaker_summary", summary}};
}

std::vector<std::string> check(const json& p) {
  auto problems = wservice::check_inline_data(p);
  wservice::check_order(p, "min_segment_duration", "max_segment_duration", problems);
  return problems;
}

}  // namespace

engine::NodeSpec split_audio_segments_node() {
  engine::NodeSpec n;
  n.name = "ffmpeg.split_audio_segments";
  n.description = "Cut the audio into one file per subtitle cue or segment, optionally per speaker";
  n.params = {
      {"audio_path", ParamType::kString, nullptr, false, false, "Audio to cut (from ffmpeg.extract_audio)"},
      {"vocal_audio", ParamType::kString, nullptr, false, false,
       "Separated vocals, used instead of audio_path when present"},
      {"video_path", ParamType::kString, nullptr, false, true, "Media to decode when there is no audio"},
      {"subtitle_path", ParamType::kString, nullptr, false, false,
       "SRT, VTT or ASS file whose cues to cut at (instead of segments)"},
  };
  for (auto& s : wservice::segment_params()) n.params.push_back(std::move(s));
  for (auto& s : wservice::speaker_params()) n.params.push_back(std::move(s));
  const json formats(media::AudioWriter::formats());
  n.params.push_back({"output_format", ParamType::kString, "wav", false, false, "wav, flac, mp3, aac or m4a",
                      nullptr, nullptr, formats});
  n.params.push_back(
      {"sample_rate", ParamType::kInteger, 16000, false, false, "Sample rate in Hz", 8000, 192000});
  n.params.push_back({"channels", ParamType::kInteger, 1, false, false, "Channels", 1, 8});
  n.params.push_back({"min_segment_duration", ParamType::kNumber, 1.0, false, false,
                      "Shorter segments are skipped (seconds)", 0, 3600});
  n.params.push_back({"max_segment_duration", ParamType::kNumber, 30.0, false, false,
                      "Longer segments are cut into equal parts (seconds)", 0.1, 3600});
  n.params.push_back({"group_by_speaker", ParamType::kBoolean, false, false, false,
                      "One folder per speaker (speakers from the segments or diarization_file)"});
  n.params.push_back({"include_silence", ParamType::kBoolean, false, false, false,
                      "Also write the gaps between segments, marked silence"});
  n.cross_check = check;
  n.outputs = {"audio_segments_dir", "total_segments", "successful_segments", "failed_segments",
               "skipped_segments",   "total_duration", "split_info_file",     "speaker_summary"};
  n.time_limit_seconds = 1800;
  n.run = run;
  return n;
}

}  // namespace yv::ffmpeg
