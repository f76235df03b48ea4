#include "media/output_file.h"

#include "core/error.h"

namespace yv::media {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void storage_error(const std::string& what, int err) {
  throw Error("storage_error", what + ": " + av_message(err), 507);
}

}  // namespace

FormatPtr open_media(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw Error("file_not_found", "文件不存在: " + path, 404);
  AVFormatContext* raw = nullptr;
  if (int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); err < 0)
    throw Error("invalid_media", "cannot read " + path + ": " + av_message(err), 400);
  FormatPtr format(raw);
  if (int err = avformat_find_stream_info(raw, nullptr); err < 0)
    throw Error("invalid_media", "cannot read " + path + ": " + av_message(err), 400);
  return format;
}

OutputFile::OutputFile(const fs::path& target, const char* muxer)
    : target_(target), partial_(target.string() + ".partial") {
  AVFormatContext* raw = nullptr;
  if (int err = avformat_alloc_output_context2(&raw, nullptr, muxer, partial_.c_str()); err < 0)
    storage_error(std::string("cannot start ") + muxer, err);
  format_.reset(raw);
  if (int err = avio_open(&raw->pb, partial_.c_str(), AVIO_FLAG_WRITE); err < 0)
    storage_error("cannot create " + partial_.string(), err);
}

OutputFile::~OutputFile() {
  format_.reset();  // closes the file before it is removed
  if (!committed_) {
    std::error_code ec;
    fs::remove(partial_, ec);
  }
}

void OutputFile::start(AVDictionary** options) {
  if (int err = avformat_write_header(format_.get(), options); err < 0)
    storage_error("cannot write " + partial_.string(), err);
}

void OutputFile::write(AVPacket* packet) {
  if (int err = av_interleaved_write_frame(format_.get(), packet); err < 0)
    storage_error("cannot write " + partial_.string(), err);
}

void OutputFile::commit() {
  if (int err = av_write_trailer(format_.get()); err < 0)
    storage_error("cannot finish " + partial_.string(), err);
  avio_closep(&format_->pb);
  std::error_code ec;
  fs::rename(partial_, target_, ec);
  if (ec) throw Error("storage_error", "cannot write " + target_.string() + ": " + ec.message(), 507);
  committed_ = true;
}

}  // namespace yv::media
