// Opening media for reading and writing whole files that appear only when complete, shared by media/'s
// muxer and subtitle burner (private to src/media).
#pragma once

#include <filesystem>
#include <string>

#include "media/av_handles.h"

namespace yv::media {

// `path` opened with its streams probed. Throws yv::Error "file_not_found" (404) when it does not exist,
// "invalid_media" (400) when libavformat cannot read it.
FormatPtr open_media(const std::string& path);

// An output file written as `<target>.partial` by libavformat and renamed to `target` by commit(); removed
// when destroyed uncommitted (a failure half-way leaves nothing).
class OutputFile {
 public:
  // Throws yv::Error "storage_error" (507) when the muxer cannot be set up or the file created.
  OutputFile(const std::filesystem::path& target, const char* muxer);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  AVFormatContext* get() const { return format_.get(); }
  // Writes the header (after the streams were added), with muxer options such as MP4's "movflags".
  void start(AVDictionary** options = nullptr);
  void write(AVPacket* packet);
  // Writes the trailer, closes the file and renames it into place.
  void commit();

 private:
  std::filesystem::path target_, partial_;
  OutputFormatPtr format_;
  bool committed_ = false;
};

}  // namespace yv::media
