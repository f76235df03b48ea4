#include "nodes/subtitles/formats.h"

#include <spdlog/fmt/fmt.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace yv::subtitles {
namespace {

std::string joined(const Cue& c, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < c.lines.size(); ++i) out += (i ? separator : "") + c.lines[i];
  return out;
}

std::string srt(const std::vector<Cue>& cues, bool speaker_prefix) {
  std::string out;
  for (size_t i = 0; i < cues.size(); ++i) {
    const Cue& c = cues[i];
    const std::string prefix = speaker_prefix && c.speaker ? *c.speaker + ": " : "";
    out += fmt::format("{}\n{} --> {}\n{}{}\n\n", i + 1, timestamp(c.start, ','), timestamp(c.end, ','),
                       prefix, joined(c, "\n"));
  }
  return out;
}

std::string vtt_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '&')
      out += "&amp;";
    else if (ch == '<')
      out += "&lt;";
    else if (ch == '>')
      out += "&gt;";
    else
      out += ch;
  }
  return out;
}

std::string vtt(const std::vector<Cue>& cues) {
  std::string out = "WEBVTT\n\n";
  for (const Cue& c : cues) {
    const std::string voice = c.speaker ? "<v " + vtt_escape(*c.speaker) + ">" : "";
    out += fmt::format("{} --> {}\n{}{}\n\n", timestamp(c.start, '.'), timestamp(c.end, '.'), voice,
                       vtt_escape(joined(c, "\n")));
  }
  return out;
}

std::string ass_time(double seconds) {
  const auto cs = int64_t(std::llround(seconds * 100));
  return fmt::format("{}:{:02}:{:02}.{:02}", cs / 360000, cs / 6000 % 60, cs / 100 % 60, cs % 100);
}

std::string ass(const std::vector<Cue>& cues) {
  // One style per speaker, told apart by colour (ASS colours are &HAABBGGRR).
  static const char* kColours[] = {"&H00FFFFFF", "&H0000FFFF", "&H00FFFF00",
                                   "&H0000FF00", "&H00FF80FF", "&H008080FF"};
  std::map<std::string, std::string> styles = {{"", "Default"}};
  for (const Cue& c : cues) {
    if (c.speaker && !styles.contains(*c.speaker)) styles[*c.speaker] = *c.speaker;
  }
  std::string out =
      "[Script Info]\nScriptType: v4.00+\nPlayResX: 1920\nPlayResY: 1080\nWrapStyle: "
      "2\nScaledBorderAndShadow: yes\n\n"
      "[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
      "BackColour, "
      "Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
      "Alignment, "
      "MarginL, MarginR, MarginV, Encoding\n";
  size_t n = 0;
  for (const auto& [speaker, name] : styles) {
    out += fmt::format(
        "Style: {},Arial,64,{},&H000000FF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,3,1,2,60,60,50,1\n",
        name, kColours[n++ % 6]);
  }
  out += "\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n";
  for (const Cue& c : cues) {
    std::string text = joined(c, "\\N");
    for (char& ch : text) {
      if (ch == '{') ch = '(';  // braces would open override blocks
      if (ch == '}') ch = ')';
    }
    out += fmt::format("Dialogue: 0,{},{},{},{},0,0,0,,{}\n", ass_time(c.start), ass_time(c.end),
                       styles[c.speaker.value_or("")], c.speaker.value_or(""), text);
  }
  return out;
}

std::string xml_escape(const std::string& s) {
  std::string out = vtt_escape(s);
  std::string quoted;
  for (char ch : out) quoted += ch == '"' ? std::string("&quot;") : std::string(1, ch);
  return quoted;
}

std::string ttml(const std::vector<Cue>& cues, const std::string& language) {
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tt xmlns=\"http://www.w3.org/ns/ttml\" "
      "xmlns:ttm=\"http://www.w3.org/ns/ttml#metadata\" xml:lang=\"{}\">\n<body>\n<div>\n",
      xml_escape(language));
  for (const Cue& c : cues) {
    std::string lines;
    for (size_t i = 0; i < c.lines.size(); ++i) lines += (i ? "<br/>" : "") + xml_escape(c.lines[i]);
    const std::string agent = c.speaker ? " ttm:agent=\"" + xml_escape(*c.speaker) + "\"" : "";
    out += fmt::format("<p begin=\"{}\" end=\"{}\"{}>{}</p>\n", timestamp(c.start, '.'),
                       timestamp(c.end, '.'), agent, lines);
  }
  return out + "</div>\n</body>\n</tt>\n";
}

std::string txt(const std::vector<Cue>& cues) {
  std::string out;
  for (const Cue& c : cues) out += (c.speaker ? *c.speaker + ": " : "") + joined(c, " ") + "\n";
  return out;
}

std::string json_words(const std::vector<Cue>& cues, const std::string& language) {
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < cues.size(); ++i) {
    const Cue& c = cues[i];
    nlohmann::json words = nlohmann::json::array();
    for (const auto& w : c.words) {
      nlohmann::json word = {{"start", w.start}, {"end", w.end}, {"word", w.text}};
      word["speaker"] = w.speaker ? nlohmann::json(*w.speaker) : nlohmann::json(nullptr);
      words.push_back(word);
    }
    list.push_back({{"index", i + 1},
                    {"start", c.start},
                    {"end", c.end},
                    {"text", joined(c, " ")},
                    {"lines", c.lines},
                    {"speaker", c.speaker ? nlohmann::json(*c.speaker) : nlohmann::json(nullptr)},
                    {"words", words}});
  }
  return nlohmann::json{{"language", language}, {"cues", list}}.dump(2) + "\n";
}

}  // namespace

const std::vector<std::string>& supported_formats() {
  static const std::vector<std::string> kFormats = {"srt", "vtt", "ass", "ttml", "txt", "json"};
  return kFormats;
}

std::string timestamp(double seconds, char separator) {
  const auto ms = int64_t(std::llround(std::max(0.0, seconds) * 1000));
  return fmt::format("{:02}:{:02}:{:02}{}{:03}", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, separator,
                     ms % 1000);
}

std::string render(const std::string& format, const std::vector<Cue>& cues, const std::string& language,
                   bool speaker_prefix) {
  if (format == "srt") return srt(cues, speaker_prefix);
  if (format == "vtt") return vtt(cues);
  if (format == "ass") return ass(cues);
  if (format == "ttml") return ttml(cues, language);
  if (format == "txt") return txt(cues);
  if (format == "json") return json_words(cues, language);
  throw Error("invalid_parameter", "unknown subtitle format '" + format + "'", 400);
}

}  // namespace yv::subtitles
