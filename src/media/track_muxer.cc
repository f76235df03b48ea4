#include "media/track_muxer.h"

#include <spdlog/fmt/fmt.h>

#include <limits>
#include <memory>

#include "core/error.h"
#include "media/av_handles.h"
#include "media/output_file.h"

namespace yv::media {
namespace {

namespace fs = std::filesystem;

const char* muxer_of(const std::string& container) {
  if (container == "mp4") return "mp4";
  if (container == "mkv") return "matroska";
  throw Error("unsupported_format", "container must be mp4 or mkv, not '" + container + "'", 400);
}

AVMediaType media_type(TrackKind kind) {
  return kind == TrackKind::kVideo   ? AVMEDIA_TYPE_VIDEO
         : kind == TrackKind::kAudio ? AVMEDIA_TYPE_AUDIO
                                     : AVMEDIA_TYPE_SUBTITLE;
}

// The stream index of the source's stream in `format`.
int find_stream(AVFormatContext* format, const TrackSource& source) {
  const AVMediaType type = media_type(source.kind);
  int found = -1;
  if (source.index < 0) {
    found = av_find_best_stream(format, type, -1, -1, nullptr, 0);
  } else {
    for (unsigned i = 0, n = 0; i < format->nb_streams && found < 0; ++i) {
      if (format->streams[i]->codecpar->codec_type == type && int(n++) == source.index) found = int(i);
    }
  }
  if (found >= 0) return found;
  const std::string which = source.index < 0 ? std::string() : fmt::format(" {}", source.index);
  if (source.kind == TrackKind::kVideo)
    throw Error("no_video_stream", source.path + " has no video stream" + which, 400);
  if (source.kind == TrackKind::kAudio)
    throw Error("no_audio_stream", source.path + " has no audio stream" + which, 400);
  throw Error("invalid_media", source.path + " holds no subtitles" + which, 400);
}

struct SubtitleFreer {
  void operator()(AVSubtitle* s) const {
    avsubtitle_free(s);
    delete s;
  }
};

// One track being written: its input, and for subtitles bound for MP4 the decoder and mov_text encoder.
struct Track {
  TrackSource source;
  FormatPtr input;
  int stream = -1;
  AVStream* out = nullptr;
  PacketPtr next{av_packet_alloc()};
  bool pending = false;  // `next` holds the packet to write
  bool done = false;
  CodecPtr decoder, encoder;

  AVStream* in() const { return input->streams[stream]; }

  // Reads this track's next packet into `next` (converted to mov_text when it has an encoder).
  void advance() {
    pending = false;
    while (!done) {
      const int err = av_read_frame(input.get(), next.get());
      if (err == AVERROR_EOF) {
        done = true;
        return;
      }
      if (err < 0) throw Error("invalid_media", "cannot read " + source.path + ": " + av_message(err), 400);
      if (next->stream_index != stream) {
        av_packet_unref(next.get());
        continue;
      }
      if (encoder && !convert()) continue;
      pending = true;
      return;
    }
  }

  // Re-encodes the subtitle packet in `next` as mov_text; false when it held no cue.
  bool convert() {
    std::unique_ptr<AVSubtitle, SubtitleFreer> cue(new AVSubtitle{});
    int got = 0;
    const int64_t pts = av_rescale_q(next->pts, in()->time_base, AV_TIME_BASE_Q);
    const int64_t duration_ms = av_rescale_q(next->duration, in()->time_base, AVRational{1, 1000});
    const int err = avcodec_decode_subtitle2(decoder.get(), cue.get(), &got, next.get());
    av_packet_unref(next.get());
    if (err < 0 || !got) return false;
    cue->pts = pts;
    cue->start_display_time = 0;
    cue->end_display_time = uint32_t(std::max<int64_t>(0, duration_ms));
    std::vector<uint8_t> buffer(1 << 16);
    const int size = avcodec_encode_subtitle(encoder.get(), buffer.data(), int(buffer.size()), cue.get());
    if (size < 0) throw Error("invalid_media", "cannot convert a subtitle of " + source.path, 400);
    if (av_new_packet(next.get(), size) < 0) throw Error("storage_error", "out of memory", 507);
    std::copy(buffer.begin(), buffer.begin() + size, next->data);
    next->pts = next->dts = av_rescale_q(pts, AV_TIME_BASE_Q, in()->time_base);
    next->duration = av_rescale_q(duration_ms, AVRational{1, 1000}, in()->time_base);
    next->stream_index = stream;
    return true;
  }

  // The time of `next` for ordering the tracks: its decoding time, else its presentation time.
  int64_t time() const { return next->dts != AV_NOPTS_VALUE ? next->dts : next->pts; }
};

void open_converter(Track& t) {
  const AVCodecParameters* par = t.in()->codecpar;
  const AVCodec* decoder = avcodec_find_decoder(par->codec_id);
  const AVCodec* encoder = avcodec_find_encoder(AV_CODEC_ID_MOV_TEXT);
  if (!decoder || !encoder)
    throw Error("unsupported_format", "cannot convert " + t.source.path + " to mov_text", 400);
  t.decoder.reset(avcodec_alloc_context3(decoder));
  avcodec_parameters_to_context(t.decoder.get(), par);
  t.decoder->pkt_timebase = t.in()->time_base;
  if (avcodec_open2(t.decoder.get(), decoder, nullptr) < 0)
    throw Error("invalid_media", "cannot decode the subtitles of " + t.source.path, 400);
  t.encoder.reset(avcodec_alloc_context3(encoder));
  t.encoder->time_base = AVRational{1, 1000};
  // The encoder takes the decoder's ASS header as the style of every cue (ffmpeg's own tool does the same).
  if (t.decoder->subtitle_header_size > 0) {
    t.encoder->subtitle_header =
        static_cast<uint8_t*>(av_mallocz(size_t(t.decoder->subtitle_header_size) + 1));
    std::copy(t.decoder->subtitle_header, t.decoder->subtitle_header + t.decoder->subtitle_header_size,
              t.encoder->subtitle_header);
    t.encoder->subtitle_header_size = t.decoder->subtitle_header_size;
  }
  if (avcodec_open2(t.encoder.get(), encoder, nullptr) < 0)
    throw Error("unsupported_format", "cannot encode mov_text subtitles", 400);
}

}  // namespace

int count_streams(const std::string& path, TrackKind kind) {
  const FormatPtr format = open_media(path);
  int n = 0;
  for (unsigned i = 0; i < format->nb_streams; ++i)
    n += format->streams[i]->codecpar->codec_type == media_type(kind);
  return n;
}

bool can_hold(const std::string& container, const std::string& path, TrackKind kind, int index) {
  const FormatPtr format = open_media(path);
  const int stream = find_stream(format.get(), TrackSource{path, kind, index, "", "", false});
  const AVOutputFormat* muxer = av_guess_format(muxer_of(container), nullptr, nullptr);
  return avformat_query_codec(muxer, format->streams[stream]->codecpar->codec_id, FF_COMPLIANCE_NORMAL) == 1;
}

void mux_tracks(const std::vector<TrackSource>& sources, const fs::path& out, const std::string& container) {
  const char* muxer = muxer_of(container);
  std::vector<Track> tracks(sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    tracks[i].source = sources[i];
    tracks[i].input = open_media(sources[i].path);
    tracks[i].stream = find_stream(tracks[i].input.get(), sources[i]);
  }

  OutputFile file(out, muxer);
  AVFormatContext* raw = file.get();
  for (Track& t : tracks) {
    const AVCodecParameters* par = t.in()->codecpar;
    const bool to_mov_text = t.source.kind == TrackKind::kSubtitle && container == "mp4";
    if (to_mov_text) {
      open_converter(t);
    } else if (avformat_query_codec(raw->oformat, par->codec_id, FF_COMPLIANCE_NORMAL) != 1) {
      throw Error("unsupported_format",
                  std::string(avcodec_get_name(par->codec_id)) + " of " + t.source.path + " cannot go into " +
                      container,
                  400);
    }
    t.out = avformat_new_stream(raw, nullptr);
    if (!t.out) throw Error("storage_error", "out of memory", 507);
    if (to_mov_text) {
      avcodec_parameters_from_context(t.out->codecpar, t.encoder.get());
    } else {
      avcodec_parameters_copy(t.out->codecpar, par);
      t.out->codecpar->codec_tag = 0;  // the output container chooses its own tag for the codec
    }
    t.out->time_base = t.in()->time_base;
    t.out->avg_frame_rate = t.in()->avg_frame_rate;
    t.out->sample_aspect_ratio = t.in()->sample_aspect_ratio;
    av_dict_copy(&t.out->metadata, t.in()->metadata, 0);
    if (!t.source.language.empty()) av_dict_set(&t.out->metadata, "language", t.source.language.c_str(), 0);
    if (!t.source.title.empty()) {
      av_dict_set(&t.out->metadata, "title", t.source.title.c_str(), 0);
      av_dict_set(&t.out->metadata, "handler_name", t.source.title.c_str(), 0);
    }
    t.out->disposition = t.source.is_default ? AV_DISPOSITION_DEFAULT : 0;
  }
  AVDictionary* options = nullptr;
  // MP4's index goes before the media, so that a player can start before the whole file has arrived.
  if (container == "mp4") av_dict_set(&options, "movflags", "+faststart", 0);
  file.start(&options);
  av_dict_free(&options);

  for (Track& t : tracks) t.advance();
  while (true) {
    Track* first = nullptr;
    for (Track& t : tracks) {
      if (t.pending &&
          (!first || av_compare_ts(t.time(), t.in()->time_base, first->time(), first->in()->time_base) < 0))
        first = &t;
    }
    if (!first) break;
    av_packet_rescale_ts(first->next.get(), first->in()->time_base, first->out->time_base);
    first->next->stream_index = first->out->index;
    first->next->pos = -1;
    file.write(first->next.get());
    first->advance();
  }
  file.commit();
}

}  // namespace yv::media
