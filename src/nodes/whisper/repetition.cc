#include "nodes/whisper/repetition.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>

namespace yv::whisper {
namespace {

std::string normalised(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) out.push_back(char(std::tolower(c)));
  }
  return out;
}

}  // namespace

double compression_ratio(std::string_view text) {
  if (text.empty()) return 0;
  uLongf size = compressBound(uLong(text.size()));
  std::string out(size, '\0');
  if (compress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(text.data()),
               uLong(text.size())) != Z_OK) {
    return 0;  // only on out-of-memory; no verdict rather than a false alarm
  }
  return double(text.size()) / double(size);
}

bool looping(const Transcript& t, double threshold) {
  constexpr double kWindowSeconds = 30;
  std::map<long, std::string> windows;
  for (const auto& s : t.segments) windows[long(s.start / kWindowSeconds)] += s.text;
  return std::any_of(windows.begin(), windows.end(),
                     [&](const auto& w) { return compression_ratio(w.second) > threshold; });
}

std::vector<bool> loop_free_bytes(std::string_view text) {
  std::vector<size_t> starts;  // byte offset of each code point, then of the end
  for (size_t b = 0; b < text.size(); ++b) {
    if ((static_cast<unsigned char>(text[b]) & 0xc0) != 0x80) starts.push_back(b);
  }
  const size_t n = starts.size();
  starts.push_back(text.size());
  // Code points [a, a + count) as bytes.
  const auto piece = [&](size_t a, size_t count) {
    return text.substr(starts[a], starts[a + count] - starts[a]);
  };
  std::vector<bool> keep(text.size(), true);
  for (size_t i = 0; i < n;) {
    size_t looped = 0;  // code points from i that the loop found here covers
    for (size_t unit = 1; unit <= size_t(kMaxLoopUnit) && i + 2 * unit <= n && !looped; ++unit) {
      size_t repeats = 1;
      while (i + (repeats + 1) * unit <= n && piece(i + repeats * unit, unit) == piece(i, unit)) ++repeats;
      if (repeats < size_t(kMinLoopRepeats) || repeats * unit < size_t(kMinLoopLength)) continue;
      looped = repeats * unit;
      // A loop usually stops part-way through its piece ("4-4-4-4"): that part goes too.
      for (size_t tail = unit - 1; tail > 0; --tail) {
        if (i + looped + tail <= n && piece(i + looped, tail) == piece(i, tail)) {
          looped += tail;
          break;
        }
      }
      std::fill(keep.begin() + long(starts[i + unit]), keep.begin() + long(starts[i + looped]), false);
    }
    i += looped ? looped : 1;
  }
  return keep;
}

bool cut_loops(Segment& segment) {
  std::string joined;  // the text the words spell, or the segment's text when it has no words
  for (const auto& w : segment.words) joined += w.word;
  if (segment.words.empty()) joined = segment.text;
  const auto keep = loop_free_bytes(joined);
  if (std::all_of(keep.begin(), keep.end(), [](bool k) { return k; })) return false;
  // The bytes of `text`, which starts at byte `from` of `joined`, that are kept.
  const auto kept = [&](const std::string& text, size_t from) {
    std::string out;
    for (size_t b = 0; b < text.size(); ++b) {
      if (keep[from + b]) out += text[b];
    }
    return out;
  };
  if (segment.words.empty()) {
    segment.text = kept(segment.text, 0);
    return true;
  }
  std::vector<Word> words;
  segment.text.clear();
  size_t at = 0;
  for (auto& w : segment.words) {
    std::string text = kept(w.word, at);
    at += w.word.size();
    if (text.find_first_not_of(' ') == std::string::npos) continue;
    w.word = std::move(text);
    segment.text += w.word;
    words.push_back(std::move(w));
  }
  segment.words = std::move(words);
  return true;
}

void drop_repeated_segments(std::vector<Segment>& segments) {
  std::vector<Segment> kept;
  std::string previous;
  int run = 0;
  for (auto& s : segments) {
    std::string key = normalised(s.text);
    run = (!key.empty() && key == previous) ? run + 1 : 1;
    previous = std::move(key);
    if (run <= 2) kept.push_back(std::move(s));
  }
  segments = std::move(kept);
}

}  // namespace yv::whisper
