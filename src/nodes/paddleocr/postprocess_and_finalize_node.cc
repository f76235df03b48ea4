#include "nodes/paddleocr/postprocess_and_finalize_node.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "core/files.h"
#include "nodes/paddleocr/reading_vote.h"
#include "nodes/paddleocr/subtitle_events.h"
#include "nodes/subtitles/formats.h"

namespace yv::paddleocr {
namespace {

using engine::ParamType;
using nlohmann::json;

// A line read in a frame, with its box's extent across the text: its rows (horizontal text) or columns
// (vertical text).
struct Read {
  std::string text;
  float confidence;
  int from, to;
};

// The lines of one frame read with at least `min_confidence`, pieces of one row (the detector splits a row at
// wide spaces; a piece continues the row when its centre across the text is inside the row's extent) joined
// by a space; for vertical text the "rows" are columns, side by side.
FrameText join_rows(double start, double end, const std::vector<Read>& reads, float min_confidence) {
  FrameText t{start, end, {}, {}};
  int row_from = 0, row_to = -1;
  for (const Read& r : reads) {
    if (r.confidence < min_confidence) continue;
    const int centre = (r.from + r.to) / 2;
    if (!t.lines.empty() && centre >= row_from && centre < row_to) {
      // Chinese has no spaces between words; a space is kept only between two pieces of Latin script.
      const bool latin = static_cast<unsigned char>(t.lines.back().back()) < 0x80 &&
                         static_cast<unsigned char>(r.text.front()) < 0x80;
      t.lines.back() += (latin ? " " : "") + r.text;
      t.confidences.back() = std::min(t.confidences.back(), r.confidence);
      continue;
    }
    t.lines.push_back(r.text);
    t.confidences.push_back(r.confidence);
    row_from = r.from;
    row_to = r.to;
  }
  return t;
}

// perform_ocr's frames: {"frames": [{"start", "end", "lines": [{"text", "confidence", "box"}, ...]}, ...]}.
std::vector<FrameText> read_frames(const std::string& path, float min_confidence) {
  const json results = json::parse(read_file(path), nullptr, false);
  const auto invalid = [&] {
    return Error("invalid_input", path + " is not an OCR result of paddleocr.perform_ocr", 400);
  };
  if (!results.is_object() || !results.contains("frames") || !results["frames"].is_array()) throw invalid();
  // The box's sides across the text: top and bottom, or left and right for columns.
  const bool vertical = results.contains("orientation") && results["orientation"] == "vertical";
  const size_t from = vertical ? 0 : 1, to = vertical ? 2 : 3;
  // One reading of a frame: its lines, rows joined.
  const auto reading = [&](const json& lines, double start, double end) {
    if (!lines.is_array()) throw invalid();
    std::vector<Read> reads;
    for (const auto& line : lines) {
      const bool valid = line.is_object() && line.contains("text") && line["text"].is_string() &&
                         line.contains("confidence") && line["confidence"].is_number() &&
                         line.contains("box") && line["box"].is_array() && line["box"].size() == 4 &&
                         line["box"][from].is_number_integer() && line["box"][to].is_number_integer();
      if (!valid) throw invalid();
      reads.push_back({line["text"], line["confidence"], line["box"][from], line["box"][to]});
    }
    return join_rows(start, end, reads, min_confidence);
  };
  std::vector<FrameText> frames;
  for (const auto& f : results["frames"]) {
    const bool frame = f.is_object() && f.contains("start") && f["start"].is_number() && f.contains("end") &&
                       f["end"].is_number() && f.contains("lines") &&
                       (!f.contains("rereads") || f["rereads"].is_array());
    if (!frame) throw invalid();
    std::vector<FrameText> readings = {reading(f["lines"], f["start"], f["end"])};
    for (const auto& again : f.value("rereads", json::array())) {
      if (!again.is_object() || !again.contains("lines")) throw invalid();
      readings.push_back(reading(again["lines"], f["start"], f["end"]));
    }
    frames.push_back(vote(readings));
  }
  return frames;
}

json run(const engine::NodeRun& r) {
  const auto min_confidence = float(r.params["min_confidence"].get<double>());
  const auto frames = read_frames(r.params["ocr_results_path"], min_confidence);
  const auto events = subtitle_events(frames, min_confidence, r.params["min_duration_seconds"]);
  std::vector<subtitles::Cue> cues;
  json list = json::array();
  for (const auto& e : events) {
    subtitles::Cue c;
    c.start = e.start;
    c.end = e.end;
    c.lines = e.lines;
    std::string text;
    for (const auto& l : e.lines) text += (text.empty() ? "" : "\n") + l;
    list.push_back({{"start", e.start}, {"end", e.end}, {"text", text}});
    cues.push_back(std::move(c));
  }
  const std::string video = r.params.value("video_path", "");
  const std::string stem = video.empty() ? "subtitles" : std::filesystem::path(video).stem().string();
  const auto srt = r.work_dir / (stem + ".srt");
  const auto json_file = r.work_dir / (stem + ".json");
  write_file_atomically(srt, subtitles::render("srt", cues, "zh"));
  write_file_atomically(json_file, list.dump(1));
  return {{"srt_file", srt.string()}, {"json_file", json_file.string()}, {"subtitles_count", events.size()}};
}

}  // namespace

engine::NodeSpec postprocess_and_finalize_node() {
  engine::NodeSpec n;
  n.name = "paddleocr.postprocess_and_finalize";
  n.description = "Merge per-frame OCR text into timed subtitle events; write SRT and JSON";
  n.params = {
      {"ocr_results_path", ParamType::kString, nullptr, true, false, "Results file of paddleocr.perform_ocr"},
      {"video_path", ParamType::kString, nullptr, false, true, "The video (names the files)"},
      {"min_duration_seconds", ParamType::kNumber, 0.2, false, false, "Shorter events are dropped", 0, 60},
      {"min_confidence", ParamType::kNumber, 0.8, false, false, "Lines read with less are dropped", 0, 1},
  };
  n.outputs = {"srt_file", "json_file", "subtitles_count"};
  n.run = run;
  return n;
}

}  // namespace yv::paddleocr
