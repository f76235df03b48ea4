#include "media/audio_writer.h"

#include <map>

#include "core/error.h"
#include "media/av_handles.h"

extern "C" {
#include <libavutil/channel_layout.h>
}

namespace yv::media {
namespace {

struct Container {
  const char* muxer;
  AVCodecID codec;
};

const std::map<std::string, Container>& containers() {
  static const std::map<std::string, Container> kContainers = {{"wav", {"wav", AV_CODEC_ID_PCM_S16LE}},
                                                               {"flac", {"flac", AV_CODEC_ID_FLAC}},
                                                               {"mp3", {"mp3", AV_CODEC_ID_MP3}},
                                                               {"m4a", {"ipod", AV_CODEC_ID_AAC}},
                                                               {"aac", {"adts", AV_CODEC_ID_AAC}}};
  return kContainers;
}

[[noreturn]] void storage_error(const std::string& what, int err) {
  throw Error("storage_error", what + ": " + av_message(err), 507);
}

}  // namespace

struct AudioWriter::State {
  std::filesystem::path target, partial;
  OutputFormatPtr format;
  CodecPtr encoder;
  SwrPtr swr;
  FifoPtr fifo;
  FramePtr frame;
  PacketPtr packet;
  AVStream* stream = nullptr;
  int frame_size = 0;
  int64_t pts = 0;
  bool finished = false;

  ~State() {
    format.reset();  // closes the file before it is removed
    if (!finished && !partial.empty()) {
      std::error_code ec;
      std::filesystem::remove(partial, ec);
    }
  }

  void encode(AVFrame* f) {
    if (int err = avcodec_send_frame(encoder.get(), f); err < 0) storage_error("cannot encode audio", err);
    while (true) {
      const int err = avcodec_receive_packet(encoder.get(), packet.get());
      if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return;
      if (err < 0) storage_error("cannot encode audio", err);
      av_packet_rescale_ts(packet.get(), encoder->time_base, stream->time_base);
      packet->stream_index = stream->index;
      if (int werr = av_interleaved_write_frame(format.get(), packet.get()); werr < 0) {
        storage_error("cannot write " + partial.string(), werr);
      }
    }
  }

  // Encodes whole frames from the FIFO (and, at the end, the remainder).
  void pump(bool flush) {
    while (av_audio_fifo_size(fifo.get()) >= frame_size || (flush && av_audio_fifo_size(fifo.get()) > 0)) {
      const int n = std::min(frame_size, av_audio_fifo_size(fifo.get()));
      av_frame_unref(frame.get());
      frame->nb_samples = n;
      frame->format = encoder->sample_fmt;
      frame->sample_rate = encoder->sample_rate;
      av_channel_layout_copy(&frame->ch_layout, &encoder->ch_layout);
      if (int err = av_frame_get_buffer(frame.get(), 0); err < 0) storage_error("out of memory", err);
      av_audio_fifo_read(fifo.get(), reinterpret_cast<void**>(frame->data), n);
      frame->pts = pts;
      pts += n;
      encode(frame.get());
    }
  }
};

const std::vector<std::string>& AudioWriter::formats() {
  static const std::vector<std::string> kFormats = {"wav", "flac", "mp3", "m4a", "aac"};
  return kFormats;
}

AudioWriter::AudioWriter(const std::filesystem::path& path, const std::string& format, int sample_rate,
                         int channels)
    : s_(std::make_unique<State>()) {
  const auto it = containers().find(format);
  if (it == containers().end()) {
    throw Error("unsupported_format", "audio_format must be wav, flac, mp3, m4a or aac, not '" + format + "'",
                400);
  }
  const AVCodec* codec = avcodec_find_encoder(it->second.codec);
  if (!codec) throw Error("unsupported_format", "this FFmpeg build has no " + format + " encoder", 400);
  s_->target = path;
  s_->partial = path.string() + ".partial";

  AVFormatContext* raw = nullptr;
  if (int err = avformat_alloc_output_context2(&raw, nullptr, it->second.muxer, s_->partial.c_str());
      err < 0) {
    storage_error("cannot start " + format, err);
  }
  s_->format.reset(raw);
  s_->encoder.reset(avcodec_alloc_context3(codec));
  AVCodecContext* enc = s_->encoder.get();
  enc->sample_rate = sample_rate;
  av_channel_layout_default(&enc->ch_layout, channels);
  enc->sample_fmt = codec->sample_fmts ? codec->sample_fmts[0] : AV_SAMPLE_FMT_S16;
  if (it->second.codec == AV_CODEC_ID_PCM_S16LE) enc->sample_fmt = AV_SAMPLE_FMT_S16;
  if (it->second.codec == AV_CODEC_ID_MP3 || it->second.codec == AV_CODEC_ID_AAC)
    enc->bit_rate = 64000 * channels;
  enc->time_base = AVRational{1, sample_rate};
  if (raw->oformat->flags & AVFMT_GLOBALHEADER) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (int err = avcodec_open2(enc, codec, nullptr); err < 0) {
    throw Error("unsupported_format",
                format + " cannot encode " + std::to_string(sample_rate) + " Hz audio: " + av_message(err),
                400);
  }
  s_->stream = avformat_new_stream(raw, nullptr);
  avcodec_parameters_from_context(s_->stream->codecpar, enc);
  s_->stream->time_base = enc->time_base;
  if (!(raw->oformat->flags & AVFMT_NOFILE)) {
    if (int err = avio_open(&raw->pb, s_->partial.c_str(), AVIO_FLAG_WRITE); err < 0) {
      storage_error("cannot create " + s_->partial.string(), err);
    }
  }
  if (int err = avformat_write_header(raw, nullptr); err < 0) storage_error("cannot write " + format, err);

  SwrContext* swr = nullptr;
  if (swr_alloc_set_opts2(&swr, &enc->ch_layout, enc->sample_fmt, sample_rate, &enc->ch_layout,
                          AV_SAMPLE_FMT_FLT, sample_rate, 0, nullptr) < 0 ||
      swr_init(swr) < 0) {
    swr_free(&swr);
    throw Error("unsupported_format", "cannot convert samples for " + format, 400);
  }
  s_->swr.reset(swr);
  s_->fifo.reset(av_audio_fifo_alloc(enc->sample_fmt, channels, 4096));
  s_->frame.reset(av_frame_alloc());
  s_->packet.reset(av_packet_alloc());
  s_->frame_size = (codec->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE) || enc->frame_size <= 0
                       ? 4096
                       : enc->frame_size;
}

AudioWriter::~AudioWriter() = default;

void AudioWriter::write(const float* samples, size_t frames) {
  AVCodecContext* enc = s_->encoder.get();
  // Convert to the encoder's sample format into a temporary frame, then queue it.
  FramePtr converted(av_frame_alloc());
  converted->nb_samples = int(frames);
  converted->format = enc->sample_fmt;
  av_channel_layout_copy(&converted->ch_layout, &enc->ch_layout);
  converted->sample_rate = enc->sample_rate;
  if (int err = av_frame_get_buffer(converted.get(), 0); err < 0) storage_error("out of memory", err);
  const uint8_t* in = reinterpret_cast<const uint8_t*>(samples);
  const int got = swr_convert(s_->swr.get(), converted->data, int(frames), &in, int(frames));
  if (got < 0) storage_error("cannot convert samples", got);
  av_audio_fifo_write(s_->fifo.get(), reinterpret_cast<void**>(converted->data), got);
  s_->pump(false);
}

void AudioWriter::finish() {
  s_->pump(true);
  s_->encode(nullptr);
  if (int err = av_write_trailer(s_->format.get()); err < 0) storage_error("cannot finish the file", err);
  if (!(s_->format->oformat->flags & AVFMT_NOFILE)) avio_closep(&s_->format->pb);
  std::error_code ec;
  std::filesystem::rename(s_->partial, s_->target, ec);
  if (ec) throw Error("storage_error", "cannot write " + s_->target.string() + ": " + ec.message(), 507);
  s_->finished = true;
}

}  // namespace yv::media
