#include "media/audio_decoder.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "core/error.h"
#include "media/av_handles.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

namespace yv::media {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw Error("invalid_media", "cannot decode audio of " + path + ": " + why, 400);
}

}  // namespace

double max_media_seconds() {
  constexpr double kDefault = 6 * 3600;
  const char* value = std::getenv("YIVIDEO_MAX_MEDIA_SECONDS");
  const double seconds = value && *value ? std::strtod(value, nullptr) : kDefault;
  return seconds > 0 ? std::min(seconds, 1e9) : kDefault;  // bounded, so that it counts in frames
}

struct AudioReader::State {
  FormatPtr format;
  CodecPtr decoder;
  SwrPtr swr;
  int stream_index = -1;
  int sample_rate = 0;
  int channels = 0;
};

AudioReader::AudioReader(const std::string& path, int sample_rate, int channels, int audio_stream)
    : s_(std::make_unique<State>()), path_(path), max_frames_(uint64_t(max_media_seconds() * sample_rate)) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw Error("file_not_found", "文件不存在: " + path, 404);
  s_->sample_rate = sample_rate;
  s_->channels = channels;

  AVFormatContext* raw_format = nullptr;
  if (int err = avformat_open_input(&raw_format, path.c_str(), nullptr, nullptr); err < 0) {
    fail(path, av_message(err));
  }
  s_->format.reset(raw_format);
  if (int err = avformat_find_stream_info(raw_format, nullptr); err < 0) fail(path, av_message(err));

  int wanted = -1;  // the stream index of the audio_stream-th audio stream
  for (unsigned i = 0, audio = 0; i < raw_format->nb_streams && audio_stream >= 0; ++i) {
    if (raw_format->streams[i]->codecpar->codec_type != AVMEDIA_TYPE_AUDIO) continue;
    if (int(audio++) == audio_stream) wanted = int(i);
  }
  if (audio_stream >= 0 && wanted < 0) {
    throw Error("no_audio_stream", path + " has no audio stream " + std::to_string(audio_stream), 400);
  }
  const AVCodec* codec = nullptr;
  s_->stream_index = av_find_best_stream(raw_format, AVMEDIA_TYPE_AUDIO, wanted, -1, &codec, 0);
  if (s_->stream_index == AVERROR_STREAM_NOT_FOUND) {
    throw Error("no_audio_stream", path + " has no audio stream", 400);
  }
  if (s_->stream_index < 0 || !codec) fail(path, "no decoder for its audio");
  const AVStream* stream = raw_format->streams[s_->stream_index];

  s_->decoder.reset(avcodec_alloc_context3(codec));
  AVCodecContext* decoder = s_->decoder.get();
  if (!decoder) fail(path, "out of memory");
  if (int err = avcodec_parameters_to_context(decoder, stream->codecpar); err < 0)
    fail(path, av_message(err));
  if (int err = avcodec_open2(decoder, codec, nullptr); err < 0) fail(path, av_message(err));
  if (decoder->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
    // Some containers (raw PCM, old WAV) leave the layout unspecified; assume the default for the count.
    av_channel_layout_default(&decoder->ch_layout, std::max(1, decoder->ch_layout.nb_channels));
  }
  if (decoder->sample_rate <= 0) fail(path, "unknown sample rate");

  if (channels <= 0) s_->channels = channels = decoder->ch_layout.nb_channels;
  AVChannelLayout out_layout;
  av_channel_layout_default(&out_layout, channels);
  SwrContext* raw_swr = nullptr;
  if (swr_alloc_set_opts2(&raw_swr, &out_layout, AV_SAMPLE_FMT_FLT, sample_rate, &decoder->ch_layout,
                          decoder->sample_fmt, decoder->sample_rate, 0, nullptr) < 0 ||
      swr_init(raw_swr) < 0) {
    swr_free(&raw_swr);
    fail(path, "unsupported sample format or layout");
  }
  s_->swr.reset(raw_swr);
}

AudioReader::~AudioReader() = default;

double AudioReader::duration() const {
  const AVStream* stream = s_->format->streams[s_->stream_index];
  if (stream->duration > 0) return double(stream->duration) * av_q2d(stream->time_base);
  if (s_->format->duration > 0) return double(s_->format->duration) / AV_TIME_BASE;
  return 0;
}

int AudioReader::channels() const { return s_->channels; }

void AudioReader::read(const std::function<bool(const float*, size_t)>& sink) {
  AVCodecContext* decoder = s_->decoder.get();
  SwrContext* swr = s_->swr.get();
  std::vector<float> block(kBlockFrames * size_t(s_->channels));
  uint8_t* dst = reinterpret_cast<uint8_t*>(block.data());
  bool stopped = false;
  uint64_t delivered = 0;
  // Converts one decoded frame (or, with frame == nullptr, the resampler's buffered tail) and delivers it,
  // block by block: what does not fit in a block waits inside the resampler for the next call, which passes
  // no new samples (but a frame, since none means the end).
  const auto deliver = [&](const AVFrame* frame) {
    const auto** in = frame ? const_cast<const uint8_t**>(frame->extended_data) : nullptr;
    int in_samples = frame ? frame->nb_samples : 0;
    for (int got = int(kBlockFrames); got == int(kBlockFrames) && !stopped; in_samples = 0) {
      got = swr_convert(swr, &dst, int(kBlockFrames), in, in_samples);
      if (got <= 0) return;
      if (delivered + uint64_t(got) > max_frames_) {
        throw Error("media_too_long",
                    "the audio is longer than the limit of " + std::to_string(int64_t(max_media_seconds())) +
                        " seconds (YIVIDEO_MAX_MEDIA_SECONDS)",
                    413);
      }
      delivered += uint64_t(got);
      stopped = !sink(block.data(), size_t(got));
    }
  };
  PacketPtr packet(av_packet_alloc());
  FramePtr frame(av_frame_alloc());
  int decode_errors = 0, decoded_packets = 0;
  const auto drain = [&] {
    while (true) {
      const int err = avcodec_receive_frame(decoder, frame.get());
      if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return;
      if (err < 0) {
        decode_errors++;
        return;
      }
      deliver(frame.get());
      av_frame_unref(frame.get());
    }
  };
  while (!stopped && av_read_frame(s_->format.get(), packet.get()) >= 0) {
    if (packet->stream_index == s_->stream_index) {
      // A corrupt packet in the middle of a long file should not lose the whole file, but a file made only of
      // corrupt packets must not pass as silence.
      if (avcodec_send_packet(decoder, packet.get()) < 0) {
        decode_errors++;
      } else {
        decoded_packets++;
        drain();
      }
    }
    av_packet_unref(packet.get());
  }
  if (stopped) return;
  avcodec_send_packet(decoder, nullptr);
  drain();
  deliver(nullptr);
  if (decoded_packets == 0 && decode_errors > 0) fail(path_, "every audio packet is corrupt");
  if (delivered == 0) fail(path_, "the audio stream is empty");
}

Audio decode_audio(const std::string& path, int sample_rate) {
  AudioReader reader(path, sample_rate, 1);
  Audio audio;
  audio.sample_rate = sample_rate;
  // The stated duration only sizes the buffer, within the limit: a container may state any duration.
  audio.samples.reserve(size_t(std::min(reader.duration(), max_media_seconds()) * sample_rate) + 1024);
  reader.read([&](const float* samples, size_t frames) {
    audio.samples.insert(audio.samples.end(), samples, samples + frames);
    return true;
  });
  return audio;
}

std::vector<Audio> decode_channels(const std::string& path, int sample_rate, int max_channels) {
  AudioReader reader(path, sample_rate, 0);
  const int n = reader.channels();
  if (n > max_channels) {
    throw Error("too_many_channels",
                "the audio has " + std::to_string(n) + " channels; at most " + std::to_string(max_channels) +
                    " are taken apart",
                400);
  }
  std::vector<Audio> out(size_t(n), Audio{{}, sample_rate});
  reader.read([&](const float* samples, size_t frames) {
    for (int c = 0; c < n; ++c)
      for (size_t i = 0; i < frames; ++i)
        out[size_t(c)].samples.push_back(samples[i * size_t(n) + size_t(c)]);
    return true;
  });
  return out;
}

}  // namespace yv::media
