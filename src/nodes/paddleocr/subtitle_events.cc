#include "nodes/paddleocr/subtitle_events.h"

#include <map>

#include "core/wer.h"

namespace yv::paddleocr {
namespace {

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

bool same_text(const std::string& a, const std::string& b) {
  return a == b || character_error_rate(a, b).rate <= kSameText;
}

// An event being built: its time span and how long each reading was held.
struct Open {
  bool active = false;
  double start = 0, end = 0;
  std::string text;  // the first reading, what later frames are compared with
  struct Reading {
    double held = 0;  // seconds
    std::vector<std::string> lines;
  };
  std::map<std::string, Reading> readings;
};

}  // namespace

std::vector<SubtitleEvent> subtitle_events(const std::vector<FrameText>& frames, float min_confidence,
                                           double min_duration) {
  std::vector<SubtitleEvent> events;
  Open open;
  int misses = 0;  // frames without text since the open event's text was last read
  const auto close = [&] {
    if (!open.active) return;
    auto longest = open.readings.begin();
    for (auto it = open.readings.begin(); it != open.readings.end(); ++it) {
      if (it->second.held > longest->second.held) longest = it;
    }
    if (open.end - open.start >= min_duration)
      events.push_back({open.start, open.end, longest->second.lines});
    open = Open{};
  };
  const auto reading = [&](const FrameText& f) {
    std::vector<std::string> lines;
    for (size_t i = 0; i < f.lines.size(); ++i) {
      if (f.confidences[i] >= min_confidence && !f.lines[i].empty()) lines.push_back(f.lines[i]);
    }
    return lines;
  };
  size_t last = 0;  // the open event's last frame that read its text
  for (size_t i = 0;;) {
    if (i == frames.size()) {
      if (!open.active) break;
      // Frames after the event's last reading were taken as a gap: read them again, on their own.
      close();
      i = last + 1;
      misses = 0;
      continue;
    }
    const FrameText& f = frames[i];
    const std::vector<std::string> lines = reading(f);
    const std::string text = joined(lines);
    if (open.active && !text.empty() && same_text(open.text, text)) {
      open.end = f.end;
      auto& held = open.readings[text];
      held.held += f.end - f.start;
      held.lines = lines;
      last = i++;
      misses = 0;
      continue;
    }
    if (open.active && ++misses <= kMaxGapFrames) {
      ++i;  // a gap, if the event's text comes back after it
      continue;
    }
    if (open.active) {
      close();
      i = last + 1;
      misses = 0;
      continue;
    }
    if (!text.empty()) {
      open.active = true;
      open.start = f.start;
      open.end = f.end;
      open.text = text;
      open.readings[text] = {f.end - f.start, lines};
      last = i;
    }
    ++i;
  }
  return events;
}

}  // namespace yv::paddleocr
