#include "media/video_frames.h"

#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "media/audio_decoder.h"
#include "media/av_handles.h"

extern "C" {
#include <libswscale/swscale.h>
}

namespace yv::media {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw Error("invalid_media", "cannot decode video of " + path + ": " + why, 400);
}

struct SwsFreer {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};

}  // namespace

struct VideoReader::State {
  FormatPtr format;
  CodecPtr decoder;
  FramePtr frame;
  PacketPtr packet;
  std::unique_ptr<SwsContext, SwsFreer> sws;
  int stream_index = -1;
  double time_base = 0;
  int64_t start_pts = 0;
  bool eof = false;        // the demuxer is exhausted and the decoder was told so
  double position = -1e9;  // the time of the last frame decoded; far before the start when none was

  // Back to the key frame at or before `pts` (stream time base), with the decoder emptied.
  void seek(int64_t pts) {
    if (av_seek_frame(format.get(), stream_index, pts, AVSEEK_FLAG_BACKWARD) < 0) {
      // Some containers cannot seek (a pipe-like stream): start over from the beginning instead.
      av_seek_frame(format.get(), stream_index, start_pts, AVSEEK_FLAG_BACKWARD);
    }
    avcodec_flush_buffers(decoder.get());
    eof = false;
    position = -1e9;
  }

  // The next decoded frame into `frame`; false at the end of the stream.
  bool next(const std::string& path) {
    for (;;) {
      const int got = avcodec_receive_frame(decoder.get(), frame.get());
      if (got == 0) {
        position = frame_time();
        return true;
      }
      if (got == AVERROR_EOF) return false;
      if (got != AVERROR(EAGAIN)) fail(path, av_message(got));
      if (eof) return false;
      const int read = av_read_frame(format.get(), packet.get());
      if (read < 0) {
        eof = true;
        avcodec_send_packet(decoder.get(), nullptr);  // drain the decoder's delayed frames
        continue;
      }
      if (packet->stream_index == stream_index) {
        // A corrupt packet is skipped: the decoder resynchronises at the next key frame.
        avcodec_send_packet(decoder.get(), packet.get());
      }
      av_packet_unref(packet.get());
    }
  }

  double frame_time() const {
    const int64_t pts = frame->best_effort_timestamp;
    return pts == AV_NOPTS_VALUE ? 0.0 : double(pts - start_pts) * time_base;
  }

  // The frame just decoded, as packed BGR, into out (its time and index are the caller's).
  void convert(const std::string& path, VideoFrame& out) {
    const AVFrame* f = frame.get();
    out.width = f->width;
    out.height = f->height;
    out.bgr.resize(size_t(f->width) * size_t(f->height) * 3);
    sws.reset(sws_getCachedContext(sws.release(), f->width, f->height, AVPixelFormat(f->format), f->width,
                                   f->height, AV_PIX_FMT_BGR24, SWS_BILINEAR, nullptr, nullptr, nullptr));
    if (!sws) fail(path, "unsupported pixel format");
    uint8_t* dst[1] = {out.bgr.data()};
    const int dst_stride[1] = {f->width * 3};
    sws_scale(sws.get(), f->data, f->linesize, 0, f->height, dst, dst_stride);
  }
};

VideoReader::VideoReader(const std::string& path) : s_(std::make_unique<State>()), path_(path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw Error("file_not_found", "文件不存在: " + path, 404);
  AVFormatContext* raw_format = nullptr;
  if (int err = avformat_open_input(&raw_format, path.c_str(), nullptr, nullptr); err < 0) {
    fail(path, av_message(err));
  }
  s_->format.reset(raw_format);
  if (int err = avformat_find_stream_info(raw_format, nullptr); err < 0) fail(path, av_message(err));
  const AVCodec* codec = nullptr;
  s_->stream_index = av_find_best_stream(raw_format, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (s_->stream_index == AVERROR_STREAM_NOT_FOUND) {
    throw Error("no_video_stream", path + " has no video stream", 400);
  }
  if (s_->stream_index < 0 || !codec) fail(path, "no decoder for its video");
  const AVStream* stream = raw_format->streams[s_->stream_index];
  s_->decoder.reset(avcodec_alloc_context3(codec));
  s_->frame.reset(av_frame_alloc());
  s_->packet.reset(av_packet_alloc());
  if (!s_->decoder || !s_->frame || !s_->packet) fail(path, "out of memory");
  if (int err = avcodec_parameters_to_context(s_->decoder.get(), stream->codecpar); err < 0)
    fail(path, av_message(err));
  // Frame threads (one per core): decoding every frame is most of what the OCR chain's cropping costs, and
  // the frames still come out in order.
  s_->decoder->thread_count = 0;
  s_->decoder->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
  if (int err = avcodec_open2(s_->decoder.get(), codec, nullptr); err < 0) fail(path, av_message(err));
  if (s_->decoder->width <= 0 || s_->decoder->height <= 0) fail(path, "unknown picture size");

  s_->time_base = av_q2d(stream->time_base);
  s_->start_pts = stream->start_time == AV_NOPTS_VALUE ? 0 : stream->start_time;
  info_.width = s_->decoder->width;
  info_.height = s_->decoder->height;
  const AVRational rate = stream->avg_frame_rate.num > 0 ? stream->avg_frame_rate : stream->r_frame_rate;
  info_.fps = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 25.0;
  if (stream->duration > 0) {
    info_.duration = double(stream->duration) * s_->time_base;
  } else if (raw_format->duration > 0) {
    info_.duration = double(raw_format->duration) / AV_TIME_BASE;
  }
}

VideoReader::~VideoReader() = default;

bool VideoReader::frame_at(double seconds, VideoFrame& out) {
  // The frame whose display interval holds `seconds`: the first one no earlier than half a frame before it.
  const double half_frame = 0.5 / info_.fps;
  // Decoding on is cheaper than seeking back to a key frame when the instant is shortly ahead of the last
  // frame decoded (key frames are seconds apart in most videos).
  constexpr double kDecodeAhead = 2.0;
  const double ahead = seconds - half_frame - s_->position;
  if (!(ahead > 0 && ahead <= kDecodeAhead)) {
    s_->seek(s_->start_pts + int64_t(std::floor(seconds / s_->time_base)));
  }
  while (s_->next(path_)) {
    out.time = s_->frame_time();
    if (out.time + half_frame >= seconds) {
      out.index = std::llround(out.time * info_.fps);
      s_->convert(path_, out);
      return true;
    }
  }
  return false;
}

void VideoReader::read(const std::function<bool(const VideoFrame&)>& sink,
                       const std::function<bool(int64_t)>& wanted) {
  if (s_->position > -1e9) s_->seek(s_->start_pts);  // a fresh reader is at the start already
  VideoFrame out;
  const int64_t max_frames = int64_t(max_media_seconds() * info_.fps);
  int64_t decoded = 0;
  bool any = false;
  while (s_->next(path_)) {
    any = true;
    if (++decoded > max_frames) {
      throw Error(
          "media_too_long",
          path_ + " is longer than the " + std::to_string(int(max_media_seconds())) + " s that are decoded",
          413);
    }
    out.time = s_->frame_time();
    out.index = std::llround(out.time * info_.fps);
    if (wanted && !wanted(out.index)) continue;
    s_->convert(path_, out);
    if (!sink(out)) return;
  }
  if (!any) fail(path_, "no picture could be decoded");
}

}  // namespace yv::media
