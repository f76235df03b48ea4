#include "media/audio_decoder.h"

#include <filesystem>
#include <memory>

#include "core/error.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

namespace yv::media {
namespace {

// RAII owners for the libav handles; each deleter is the library's own free function.
struct FormatCloser {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct CodecFreer {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFreer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwrFreer {
  void operator()(SwrContext* s) const { swr_free(&s); }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecFreer>;
using FramePtr = std::unique_ptr<AVFrame, FrameFreer>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;
using SwrPtr = std::unique_ptr<SwrContext, SwrFreer>;

std::string av_message(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof buf);
  return buf;
}

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw Error("invalid_media", "cannot decode audio of " + path + ": " + why, 400);
}

// Converts one decoded frame (or, with frame == nullptr, the resampler's buffered tail) and appends it.
void resample_into(SwrContext* swr, const AVFrame* frame, int out_rate, int in_rate,
                   std::vector<float>& out) {
  const int in_samples = frame ? frame->nb_samples : 0;
  const int capacity =
      int(av_rescale_rnd(swr_get_delay(swr, in_rate) + in_samples, out_rate, in_rate, AV_ROUND_UP));
  if (capacity <= 0) return;
  const size_t offset = out.size();
  out.resize(offset + capacity);
  uint8_t* dst = reinterpret_cast<uint8_t*>(out.data() + offset);
  const int got = swr_convert(
      swr, &dst, capacity, frame ? const_cast<const uint8_t**>(frame->extended_data) : nullptr, in_samples);
  out.resize(offset + std::max(got, 0));
}

}  // namespace

Audio decode_audio(const std::string& path, int sample_rate) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error("file_not_found", "文件不存在: " + path, 404);
  }

  AVFormatContext* raw_format = nullptr;
  if (int err = avformat_open_input(&raw_format, path.c_str(), nullptr, nullptr); err < 0) {
    fail(path, av_message(err));
  }
  FormatPtr format(raw_format);
  if (int err = avformat_find_stream_info(format.get(), nullptr); err < 0) fail(path, av_message(err));

  const AVCodec* codec = nullptr;
  const int stream_index = av_find_best_stream(format.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
  if (stream_index < 0 || !codec) fail(path, "no audio stream");
  AVStream* stream = format->streams[stream_index];

  CodecPtr decoder(avcodec_alloc_context3(codec));
  if (!decoder) fail(path, "out of memory");
  if (int err = avcodec_parameters_to_context(decoder.get(), stream->codecpar); err < 0)
    fail(path, av_message(err));
  if (int err = avcodec_open2(decoder.get(), codec, nullptr); err < 0) fail(path, av_message(err));
  if (decoder->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
    // Some containers (raw PCM, old WAV) leave the layout unspecified; assume the default for the count.
    av_channel_layout_default(&decoder->ch_layout, std::max(1, decoder->ch_layout.nb_channels));
  }
  if (decoder->sample_rate <= 0) fail(path, "unknown sample rate");

  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  SwrContext* raw_swr = nullptr;
  if (swr_alloc_set_opts2(&raw_swr, &mono, AV_SAMPLE_FMT_FLT, sample_rate, &decoder->ch_layout,
                          decoder->sample_fmt, decoder->sample_rate, 0, nullptr) < 0 ||
      swr_init(raw_swr) < 0) {
    swr_free(&raw_swr);
    fail(path, "unsupported sample format or layout");
  }
  SwrPtr swr(raw_swr);

  Audio audio;
  audio.sample_rate = sample_rate;
  if (stream->duration > 0) {
    audio.samples.reserve(size_t(double(stream->duration) * av_q2d(stream->time_base) * sample_rate) + 1024);
  }
  PacketPtr packet(av_packet_alloc());
  FramePtr frame(av_frame_alloc());
  int decode_errors = 0, decoded_packets = 0;
  auto drain = [&] {
    while (true) {
      const int err = avcodec_receive_frame(decoder.get(), frame.get());
      if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return;
      if (err < 0) {
        decode_errors++;
        return;
      }
      resample_into(swr.get(), frame.get(), sample_rate, decoder->sample_rate, audio.samples);
      av_frame_unref(frame.get());
    }
  };

  while (av_read_frame(format.get(), packet.get()) >= 0) {
    if (packet->stream_index == stream_index) {
      // A corrupt packet in the middle of a long file should not lose the whole file, but a file made only of
      // corrupt packets must not pass as silence.
      if (avcodec_send_packet(decoder.get(), packet.get()) < 0) {
        decode_errors++;
      } else {
        decoded_packets++;
        drain();
      }
    }
    av_packet_unref(packet.get());
  }
  avcodec_send_packet(decoder.get(), nullptr);
  drain();
  resample_into(swr.get(), nullptr, sample_rate, decoder->sample_rate, audio.samples);

  if (decoded_packets == 0 && decode_errors > 0) fail(path, "every audio packet is corrupt");
  if (audio.samples.empty()) fail(path, "the audio stream is empty");
  return audio;
}

}  // namespace yv::media
