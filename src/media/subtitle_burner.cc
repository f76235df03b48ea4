#include "media/subtitle_burner.h"

#include <spdlog/fmt/fmt.h>

#include "core/error.h"
#include "media/av_handles.h"
#include "media/output_file.h"

extern "C" {
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/opt.h>
}

namespace yv::media {
namespace {

namespace fs = std::filesystem;

struct GraphFreer {
  void operator()(AVFilterGraph* g) const { avfilter_graph_free(&g); }
};

[[noreturn]] void refused(const std::string& what, int err) {
  throw Error("unsupported_format", what + ": " + av_message(err), 400);
}

AVFilterContext* add_filter(AVFilterGraph* graph, const char* filter, const char* name) {
  const AVFilter* f = avfilter_get_by_name(filter);
  if (!f)
    throw Error("unsupported_format", std::string("this FFmpeg build lacks the ") + filter + " filter", 400);
  AVFilterContext* ctx = avfilter_graph_alloc_filter(graph, f, name);
  if (!ctx) throw Error("storage_error", "out of memory", 507);
  return ctx;
}

// The graph buffer -> subtitles -> format=yuv420p -> buffersink, options set as values (a file name
// needs no escaping).
struct Graph {
  std::unique_ptr<AVFilterGraph, GraphFreer> graph{avfilter_graph_alloc()};
  AVFilterContext* source = nullptr;
  AVFilterContext* sink = nullptr;

  Graph(const AVCodecContext* decoder, AVRational time_base, const BurnOptions& o) {
    AVFilterGraph* g = graph.get();
    source = add_filter(g, "buffer", "in");
    const std::string args = fmt::format(
        "video_size={}x{}:pix_fmt={}:time_base={}/{}:pixel_aspect={}/{}", decoder->width, decoder->height,
        int(decoder->pix_fmt), time_base.num, time_base.den, std::max(1, decoder->sample_aspect_ratio.num),
        std::max(1, decoder->sample_aspect_ratio.den));
    if (int err = avfilter_init_str(source, args.c_str()); err < 0)
      refused("cannot take the video's frames", err);
    AVFilterContext* subtitles = add_filter(g, "subtitles", "subtitles");
    av_opt_set(subtitles, "filename", o.subtitles.c_str(), AV_OPT_SEARCH_CHILDREN);
    av_opt_set(subtitles, "fontsdir", o.fonts_dir.c_str(), AV_OPT_SEARCH_CHILDREN);
    const std::string style =
        "FontName=" + o.font + (o.font_size > 0 ? fmt::format(",FontSize={}", o.font_size) : std::string());
    av_opt_set(subtitles, "force_style", style.c_str(), AV_OPT_SEARCH_CHILDREN);
    if (int err = avfilter_init_str(subtitles, nullptr); err < 0)
      throw Error("invalid_media", "cannot read subtitles " + o.subtitles + ": " + av_message(err), 400);
    AVFilterContext* format = add_filter(g, "format", "format");
    if (int err = avfilter_init_str(format, "pix_fmts=yuv420p"); err < 0) refused("format", err);
    sink = add_filter(g, "buffersink", "out");
    if (int err = avfilter_init_str(sink, nullptr); err < 0) refused("buffersink", err);
    if (avfilter_link(source, 0, subtitles, 0) < 0 || avfilter_link(subtitles, 0, format, 0) < 0 ||
        avfilter_link(format, 0, sink, 0) < 0)
      throw Error("unsupported_format", "cannot link the subtitle filters", 400);
    if (int err = avfilter_graph_config(g, nullptr); err < 0)
      refused("cannot set up the subtitle filters", err);
  }
};

}  // namespace

void burn_subtitles(const std::string& video, const BurnOptions& o, const fs::path& out,
                    const std::function<void(double)>& progress) {
  std::error_code ec;
  if (!fs::is_regular_file(o.subtitles, ec)) throw Error("file_not_found", "文件不存在: " + o.subtitles, 404);
  const FormatPtr input = open_media(video);
  const AVCodec* codec = nullptr;
  const int index = av_find_best_stream(input.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (index == AVERROR_STREAM_NOT_FOUND) throw Error("no_video_stream", video + " has no video stream", 400);
  if (index < 0 || !codec) throw Error("invalid_media", "no decoder for the video of " + video, 400);
  AVStream* in = input->streams[index];
  CodecPtr decoder(avcodec_alloc_context3(codec));
  avcodec_parameters_to_context(decoder.get(), in->codecpar);
  decoder->pkt_timebase = in->time_base;
  if (int err = avcodec_open2(decoder.get(), codec, nullptr); err < 0)
    throw Error("invalid_media", "cannot decode the video of " + video + ": " + av_message(err), 400);

  Graph graph(decoder.get(), in->time_base, o);
  const AVCodec* x264 = avcodec_find_encoder_by_name("libx264");
  if (!x264) throw Error("unsupported_format", "this FFmpeg build has no libx264 encoder", 400);
  CodecPtr encoder(avcodec_alloc_context3(x264));
  AVCodecContext* enc = encoder.get();
  enc->width = av_buffersink_get_w(graph.sink);
  enc->height = av_buffersink_get_h(graph.sink);
  enc->pix_fmt = AV_PIX_FMT_YUV420P;
  enc->sample_aspect_ratio = av_buffersink_get_sample_aspect_ratio(graph.sink);
  enc->time_base = av_buffersink_get_time_base(graph.sink);
  enc->framerate = in->avg_frame_rate;
  enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // MP4 keeps the parameter sets in the track header
  av_opt_set(enc->priv_data, "preset", o.preset.c_str(), 0);
  av_opt_set(enc->priv_data, "crf", std::to_string(o.crf).c_str(), 0);
  if (int err = avcodec_open2(enc, x264, nullptr); err < 0) refused("libx264 refused the options", err);

  OutputFile file(out, "mp4");
  AVStream* stream = avformat_new_stream(file.get(), nullptr);
  if (!stream) throw Error("storage_error", "out of memory", 507);
  avcodec_parameters_from_context(stream->codecpar, enc);
  stream->time_base = enc->time_base;
  stream->avg_frame_rate = in->avg_frame_rate;
  av_dict_copy(&stream->metadata, in->metadata, 0);
  file.start();

  PacketPtr packet(av_packet_alloc()), encoded(av_packet_alloc());
  FramePtr frame(av_frame_alloc());
  FramePtr filtered(av_frame_alloc());
  const auto encode = [&](AVFrame* f) {
    if (int err = avcodec_send_frame(enc, f); err < 0) refused("cannot encode", err);
    while (avcodec_receive_packet(enc, encoded.get()) == 0) {
      av_packet_rescale_ts(encoded.get(), enc->time_base, stream->time_base);
      encoded->stream_index = stream->index;
      file.write(encoded.get());
    }
  };
  const auto pull = [&]() {
    while (av_buffersink_get_frame(graph.sink, filtered.get()) >= 0) {
      filtered->pict_type = AV_PICTURE_TYPE_NONE;  // let x264 choose the frame types
      encode(filtered.get());
      av_frame_unref(filtered.get());
    }
  };
  const double duration = in->duration > 0 ? double(in->duration) * av_q2d(in->time_base)
                                           : double(input->duration) / AV_TIME_BASE;
  const auto decode = [&](const AVPacket* p) {
    if (avcodec_send_packet(decoder.get(), p) < 0) return;  // a damaged packet: its frames are skipped
    while (avcodec_receive_frame(decoder.get(), frame.get()) == 0) {
      frame->pts = frame->best_effort_timestamp;
      if (duration > 0 && frame->pts != AV_NOPTS_VALUE)
        progress(std::min(0.99, double(frame->pts) * av_q2d(in->time_base) / duration));
      if (int err = av_buffersrc_add_frame(graph.source, frame.get()); err < 0) refused("cannot filter", err);
      pull();
    }
  };
  while (av_read_frame(input.get(), packet.get()) >= 0) {
    if (packet->stream_index == index) decode(packet.get());
    av_packet_unref(packet.get());
  }
  decode(nullptr);
  if (int err = av_buffersrc_add_frame(graph.source, nullptr); err < 0) refused("cannot filter", err);
  pull();
  encode(nullptr);
  file.commit();
}

}  // namespace yv::media
