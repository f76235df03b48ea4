#include "storage/content_type.h"

#include <algorithm>
#include <map>

namespace yv::storage {

namespace {

// Every type recognised from the first bytes (content_type's checks) has an extension here too.
const std::map<std::string, std::string> kByExtension = {{"json", "application/json"},
                                                         {"srt", "application/x-subrip"},
                                                         {"vtt", "text/vtt"},
                                                         {"ass", "text/x-ssa"},
                                                         {"txt", "text/plain; charset=utf-8"},
                                                         {"ttml", "application/ttml+xml"},
                                                         {"rttm", "text/plain; charset=utf-8"},
                                                         {"mp4", "video/mp4"},
                                                         {"mkv", "video/x-matroska"},
                                                         {"mov", "video/quicktime"},
                                                         {"webm", "video/webm"},
                                                         {"wav", "audio/wav"},
                                                         {"mp3", "audio/mpeg"},
                                                         {"m4a", "audio/mp4"},
                                                         {"flac", "audio/flac"},
                                                         {"ogg", "audio/ogg"}};

}  // namespace

std::string content_type(const std::string& name, const std::string& head) {
  const auto at = [&](size_t offset, const std::string& magic) {
    return head.compare(offset, magic.size(), magic) == 0;
  };
  if (head.size() >= 12 && at(4, "ftyp")) return at(8, "M4A") ? "audio/mp4" : "video/mp4";
  if (at(0, "RIFF") && at(8, "WAVE")) return "audio/wav";
  if (at(0, "fLaC")) return "audio/flac";
  if (at(0, "OggS")) return "audio/ogg";
  if (at(0, "ID3") || (head.size() >= 2 && uint8_t(head[0]) == 0xff && (uint8_t(head[1]) & 0xe0) == 0xe0)) {
    return "audio/mpeg";
  }
  if (at(0, "\x1a\x45\xdf\xa3")) return "video/x-matroska";
  const auto dot = name.rfind('.');
  if (dot != std::string::npos) {
    std::string ext = name.substr(dot + 1);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (auto it = kByExtension.find(ext); it != kByExtension.end()) return it->second;
  }
  return "application/octet-stream";
}

bool recognised_content_type(const std::string& type) {
  return std::any_of(kByExtension.begin(), kByExtension.end(),
                     [&](const auto& e) { return e.second == type; });
}

}  // namespace yv::storage
