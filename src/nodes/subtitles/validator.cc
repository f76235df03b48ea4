#include "nodes/subtitles/validator.h"

#include <regex>
#include <sstream>

#include "nodes/subtitles/compliance.h"

namespace yv::subtitles {
namespace {

std::vector<std::string> lines_of(const std::string& content) {
  std::vector<std::string> lines;
  std::istringstream in(content);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

// "HH:MM:SS<sep>mmm" to seconds; -1 when malformed.
double parse_time(const std::string& s, char separator) {
  static const std::regex kSrt(R"((\d{2,}):([0-5]\d):([0-5]\d),(\d{3}))");
  static const std::regex kVtt(R"((?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3}))");
  std::smatch m;
  if (!std::regex_match(s, m, separator == ',' ? kSrt : kVtt)) return -1;
  const double hours = m[1].matched ? std::stod(m[1]) : 0;
  return hours * 3600 + std::stod(m[2]) * 60 + std::stod(m[3]) + std::stod(m[4]) / 1000;
}

// Blocks of SRT/VTT: a timing line "<start> --> <end>[ settings]" followed by text lines up to a blank line.
void parse_blocks(const std::vector<std::string>& lines, size_t from, char separator, bool numbered,
                  Validation& v) {
  int expected_index = 1;
  for (size_t i = from; i < lines.size();) {
    if (lines[i].empty()) {
      ++i;
      continue;
    }
    const size_t block_line = i + 1;
    if (numbered) {
      if (lines[i] != std::to_string(expected_index)) {
        v.errors.push_back("line " + std::to_string(block_line) + ": expected cue number " +
                           std::to_string(expected_index) + ", found '" + lines[i] + "'");
      }
      ++expected_index;
      ++i;
    } else if (i + 1 < lines.size() && lines[i].find("-->") == std::string::npos) {
      ++i;  // a WebVTT cue identifier
    }
    if (i >= lines.size()) {
      v.errors.push_back("line " + std::to_string(block_line) + ": cue without a timing line");
      break;
    }
    const std::string& timing = lines[i];
    const auto arrow = timing.find(" --> ");
    Cue cue;
    if (arrow == std::string::npos) {
      v.errors.push_back("line " + std::to_string(i + 1) + ": expected '<start> --> <end>', found '" +
                         timing + "'");
    } else {
      const std::string start = timing.substr(0, arrow);
      std::string end = timing.substr(arrow + 5);
      end = end.substr(0, end.find(' '));  // VTT cue settings follow the end time
      cue.start = parse_time(start, separator);
      cue.end = parse_time(end, separator);
      if (cue.start < 0 || cue.end < 0) {
        v.errors.push_back("line " + std::to_string(i + 1) + ": bad timestamp in '" + timing + "'");
      } else if (cue.end <= cue.start) {
        v.errors.push_back("line " + std::to_string(i + 1) + ": the cue ends before it starts");
      }
    }
    for (++i; i < lines.size() && !lines[i].empty(); ++i) cue.lines.push_back(lines[i]);
    if (cue.lines.empty()) v.errors.push_back("line " + std::to_string(block_line) + ": empty cue");
    v.cues.push_back(std::move(cue));
  }
}

// Text of a cue line without VTT voice/style tags ("<v Speaker>", "<i>", ...).
std::string strip_tags(const std::string& s) {
  static const std::regex kTag("<[^>]*>");
  return std::regex_replace(s, kTag, "");
}

void parse_ass(const std::vector<std::string>& lines, Validation& v) {
  bool info = false, styles = false, events = false;
  int fields = 0;
  static const std::regex kTime(R"((\d+):([0-5]\d):([0-5]\d)\.(\d{2}))");
  const auto ass_time = [&](const std::string& s) {
    std::smatch m;
    if (!std::regex_match(s, m, kTime)) return -1.0;
    return std::stod(m[1]) * 3600 + std::stod(m[2]) * 60 + std::stod(m[3]) + std::stod(m[4]) / 100;
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    info = info || line == "[Script Info]";
    styles = styles || line == "[V4+ Styles]";
    events = events || line == "[Events]";
    if (events && line.starts_with("Format:")) fields = int(std::count(line.begin(), line.end(), ',')) + 1;
    if (!line.starts_with("Dialogue:")) continue;
    std::vector<std::string> parts;
    size_t pos = line.find(':') + 1;
    for (int f = 0; f < fields - 1 && pos != std::string::npos; ++f) {
      const size_t comma = line.find(',', pos);
      parts.push_back(line.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
      pos = comma == std::string::npos ? comma : comma + 1;
    }
    if (fields == 0 || pos == std::string::npos) {
      v.errors.push_back("line " + std::to_string(i + 1) + ": Dialogue without all the fields of its Format");
      continue;
    }
    Cue cue;
    cue.start = ass_time(parts[1].substr(parts[1].find_first_not_of(' ')));
    cue.end = ass_time(parts[2]);
    if (cue.start < 0 || cue.end < 0) v.errors.push_back("line " + std::to_string(i + 1) + ": bad time");
    std::string text = line.substr(pos);
    for (size_t at; (at = text.find("\\N")) != std::string::npos;) {
      cue.lines.push_back(text.substr(0, at));
      text = text.substr(at + 2);
    }
    cue.lines.push_back(text);
    v.cues.push_back(std::move(cue));
  }
  if (!info || !styles || !events) v.errors.push_back("missing [Script Info], [V4+ Styles] or [Events]");
}

}  // namespace

Validation validate(const std::string& content, const std::string& format, const Limits& limits) {
  Validation v;
  const auto lines = lines_of(content);
  if (format == "srt") {
    parse_blocks(lines, 0, ',', true, v);
  } else if (format == "vtt") {
    if (lines.empty() || !lines[0].starts_with("WEBVTT"))
      v.errors.push_back("line 1: missing the WEBVTT header");
    parse_blocks(lines, 1, '.', false, v);
    for (auto& cue : v.cues) {
      for (auto& line : cue.lines) line = strip_tags(line);
    }
  } else if (format == "ass") {
    parse_ass(lines, v);
  } else {
    v.errors.push_back("unknown format '" + format + "'");
  }
  if (v.cues.empty() && v.errors.empty()) v.errors.push_back("no cues");
  v.compliance = compliance(v.cues, limits);
  return v;
}

}  // namespace yv::subtitles
