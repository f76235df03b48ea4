#include "nodes/subtitles/cues.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "text/line_breaks.h"

namespace yv::subtitles {
namespace {

// A pause this long always ends a cue: the next words belong to a new thought.
constexpr double kPauseSeconds = 1.0;

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

std::string text_of(const std::vector<Word>& words) {
  std::string text;
  for (const auto& w : words) text += w.text;
  return trim(text);
}

bool ends_sentence(const std::string& word) {
  const std::string t = trim(word);
  for (const char* end : {".", "?", "!", "\xe3\x80\x82", "\xef\xbc\x9f", "\xef\xbc\x81"}) {  // . ? ! 。？！
    if (t.ends_with(end)) return true;
  }
  return false;
}

// Code points of UTF-8 text, each as its own string.
std::vector<std::string> code_points(const std::string& s) {
  std::vector<std::string> out;
  for (unsigned char c : s) {
    if ((c & 0xc0) == 0x80 && !out.empty()) {
      out.back() += char(c);
    } else {
      out.emplace_back(1, char(c));
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& tokens, size_t from, size_t to, const std::string& sep) {
  std::string out;
  for (size_t i = from; i < to; ++i) out += (i > from ? sep : "") + tokens[i];
  return out;
}

// Whether `text` can be broken into max_lines lines of at most max_chars_per_line each.
bool fits(const std::string& text, const Limits& limits) {
  if (int(length(text)) > limits.max_chars_per_line * limits.max_lines) return false;
  for (const auto& line : break_lines(text, limits.max_chars_per_line, limits.max_lines)) {
    if (int(length(line)) > limits.max_chars_per_line) return false;
  }
  return true;
}

// How many of `current`'s words close a cue that `next` does not fit into. In text written without spaces,
// a Whisper word is a token, often part of a real word: the cue ends after the last clause mark (，。) in its
// second half, else at the last word boundary (text/line_breaks.h) there, so that neither a clause nor a word
// is cut in two when that can be helped; otherwise all of them.
size_t cue_end(const std::vector<Word>& current, const Word& next) {
  const size_t n = current.size();
  if (text_of(current).find(' ') != std::string::npos) return n;  // spaced text: words are whole words
  std::vector<size_t> starts;                                     // byte offset of each word, then of `next`
  std::string joined;
  for (const auto& w : current) {
    starts.push_back(joined.size());
    joined += w.text;
  }
  starts.push_back(joined.size());
  joined += next.text;
  for (size_t k = n; k > 0 && 2 * k >= n; --k) {
    if (text::ends_clause(current[k - 1].text)) return k;
  }
  const auto breaks = text::word_break_offsets(joined);
  for (size_t k = n; k > 0 && 2 * k >= n; --k) {
    if (std::binary_search(breaks.begin(), breaks.end(), starts[k])) return k;
  }
  return n;
}

}  // namespace

Limits Limits::for_language(const std::string& language) {
  Limits l;
  if (language == "zh" || language == "ja" || language == "ko" || language.starts_with("zh-")) {
    l.max_chars_per_line = 16;
    l.max_cps = 9;
  }
  return l;
}

size_t length(const std::string& utf8) {
  return size_t(std::count_if(utf8.begin(), utf8.end(), [](char c) { return (c & 0xc0) != 0x80; }));
}

std::vector<std::string> break_lines(const std::string& text, int max_chars, int max_lines) {
  if (int(length(text)) <= max_chars || max_lines <= 1) return {text};
  const bool spaced = text.find(' ') != std::string::npos;
  std::vector<std::string> tokens;
  if (spaced) {
    for (size_t start = 0; start <= text.size();) {
      const size_t end = std::min(text.find(' ', start), text.size());
      if (end > start) tokens.push_back(text.substr(start, end - start));
      start = end + 1;
    }
  } else {
    size_t from = 0;
    for (size_t at : text::word_break_offsets(text)) {
      tokens.push_back(text.substr(from, at - from));
      from = at;
    }
    tokens.push_back(text.substr(from));
    if (tokens.size() == 1) tokens = code_points(text);  // one unbreakable run (a URL): cut it anywhere
  }
  const std::string sep = spaced ? " " : "";
  if (max_lines == 2) {
    // Lines that fit before lines that do not; then a top line that ends a clause (the style guides' first
    // choice of break); then the split whose longer line is shortest; then the shorter top line.
    size_t best = 1;
    std::tuple<bool, bool, size_t> best_key{true, true, SIZE_MAX};
    for (size_t cut = 1; cut < tokens.size(); ++cut) {
      const std::string top = join(tokens, 0, cut, sep);
      const size_t longest = std::max(length(top), length(join(tokens, cut, tokens.size(), sep)));
      const std::tuple<bool, bool, size_t> key{int(longest) > max_chars, !text::ends_clause(top), longest};
      if (key < best_key) {
        best = cut;
        best_key = key;
      }
    }
    return {join(tokens, 0, best, sep), join(tokens, best, tokens.size(), sep)};
  }
  std::vector<std::string> lines;
  size_t from = 0;
  for (size_t i = 1; i <= tokens.size(); ++i) {
    const bool full = i < tokens.size() && int(length(join(tokens, from, i + 1, sep))) > max_chars;
    if ((full && int(lines.size()) < max_lines - 1) || i == tokens.size()) {
      lines.push_back(join(tokens, from, i, sep));
      from = i;
    }
  }
  return lines;
}

Cue cue_of(std::vector<Word> words, const Limits& limits) {
  Cue cue;
  cue.start = words.front().start;
  cue.end = words.back().end;
  cue.lines = break_lines(text_of(words), limits.max_chars_per_line, limits.max_lines);
  std::map<std::string, double> talk;
  for (const auto& w : words) {
    if (w.speaker) talk[*w.speaker] += w.end - w.start;
  }
  if (!talk.empty()) {
    cue.speaker = std::max_element(talk.begin(), talk.end(), [](auto& a, auto& b) {
                    return a.second < b.second;
                  })->first;
  }
  cue.words = std::move(words);
  return cue;
}

std::vector<Cue> build_cues(const std::vector<Word>& words, const Limits& limits) {
  std::vector<Cue> cues;
  std::vector<Word> current;
  for (const Word& w : words) {
    if (trim(w.text).empty()) continue;
    if (!current.empty()) {
      std::vector<Word> candidate = current;
      candidate.push_back(w);
      const double duration = w.end - current.front().start;
      const double so_far = current.back().end - current.front().start;
      // Reading speed is not a reason to cut: speech faster than max_cps stays too fast in smaller cues. The
      // timing pass below gives slow-to-read cues the silence after them instead.
      const bool too_long = !fits(text_of(candidate), limits);
      const bool full = too_long || duration > limits.max_duration;
      const bool pause = w.start - current.back().end >= kPauseSeconds;
      const bool new_speaker = w.speaker && current.back().speaker && *w.speaker != *current.back().speaker;
      const bool sentence_done = ends_sentence(current.back().text) && so_far >= limits.min_duration;
      if (full || pause || new_speaker || sentence_done) {
        const size_t end =
            too_long && !pause && !new_speaker && !sentence_done ? cue_end(current, w) : current.size();
        std::vector<Word> rest(current.begin() + long(end), current.end());
        current.resize(end);
        cues.push_back(cue_of(std::move(current), limits));
        current = std::move(rest);
      }
    }
    current.push_back(w);
  }
  if (!current.empty()) cues.push_back(cue_of(std::move(current), limits));

  // Timing: long enough to read (min_duration, and max_cps where the silence after allows), never longer than
  // max_duration, never touching the next cue.
  for (size_t i = 0; i < cues.size(); ++i) {
    Cue& c = cues[i];
    const double next = i + 1 < cues.size() ? cues[i + 1].start : 1e300;
    double chars = 0;
    for (const auto& line : c.lines) chars += double(length(line));
    const double wanted =
        std::min(limits.max_duration, std::max(limits.min_duration, chars / limits.max_cps));
    if (c.end - c.start < wanted) c.end = std::max(c.end, std::min(c.start + wanted, next - limits.min_gap));
    if (next - c.end < limits.min_gap) c.end = next - limits.min_gap;
    c.end =
        std::max(c.end, c.start + 0.001);  // words that overlap the next cue still leave a positive duration
  }
  return cues;
}

}  // namespace yv::subtitles
