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
