// Cutting UTF-8 text for messages without splitting a character.
#pragma once

#include <string>
#include <string_view>

namespace yv {

// The longest prefix of `text` of at most `max_bytes` bytes that ends on a character boundary: a cut inside
// a multi-byte character leaves bytes that JSON cannot hold (nlohmann's dump throws type_error 316 on them),
// and error details and LLM conversations are JSON. Invalid UTF-8 in `text` itself is not repaired.
inline std::string utf8_prefix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t end = max_bytes;
  // Continuation bytes are 10xxxxxx; back off to the lead byte of the character the cut falls in.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

}  // namespace yv
