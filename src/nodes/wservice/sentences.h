// Cutting a text into subtitle segments: at sentence ends, then, for a sentence longer than max_chars, at
// clause marks, then at word boundaries (subtitles::break_lines: spaces, or ICU's word segmentation for
// Chinese and Japanese).
//
// Rules: a sentence ends after . ? ! … and their full-width forms 。？！ (with any closing quotes or brackets
// after them), and at a line break. A full stop ends nothing inside a number (3.14), before a lower-case
// word, or after an abbreviation (Mr. Dr. e.g. U.S. ...) or an initial (John F. Kennedy); a comma or
// colon between digits (1,000 10:30) is no clause mark. No segment is cut after an abbreviation where any
// other cut can be made. Whitespace runs are read as one space. Lengths are in code points.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace yv::wservice {

// The segments of `text`, in order, each trimmed; at most max_chars code points each unless a single word
// is longer. REQUIRES: max_chars >= 1, text is UTF-8.
std::vector<std::string> subtitle_segments(std::string_view text, int max_chars);

}  // namespace yv::wservice
