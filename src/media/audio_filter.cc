#include "media/audio_filter.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "media/av_handles.h"

extern "C" {
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

namespace yv::media {
namespace {

struct GraphFreer {
  void operator()(AVFilterGraph* g) const { avfilter_graph_free(&g); }
};
struct InOutFreer {
  void operator()(AVFilterInOut* io) const { avfilter_inout_free(&io); }
};

std::string layout_name(int channels) {
  AVChannelLayout layout;
  av_channel_layout_default(&layout, channels);
  char name[64] = {};
  av_channel_layout_describe(&layout, name, sizeof name);
  return name;
}

constexpr size_t kFilterBlock = 4096;

[[noreturn]] void refused(const std::string& graph, int err) {
  if (err == AVERROR_FILTER_NOT_FOUND)
    throw Error("unsupported_format", "this FFmpeg build lacks a filter of '" + graph + "'", 400);
  throw Error("invalid_parameter", "audio filter '" + graph + "' refused: " + av_message(err), 400);
}

using Pads = std::unique_ptr<AVFilterInOut, InOutFreer>;

// `filter`'s pad labelled `name` for avfilter_graph_parse_ptr, put before `next` in one list.
Pads labelled_pad(const std::string& name, AVFilterContext* filter, Pads next) {
  Pads io(avfilter_inout_alloc());
  if (!io) throw Error("storage_error", "out of memory", 507);
  io->name = av_strdup(name.c_str());
  io->filter_ctx = filter;
  io->pad_idx = 0;
  io->next = next.release();
  return io;
}

}  // namespace

struct AudioFilter::State {
  std::unique_ptr<AVFilterGraph, GraphFreer> graph{avfilter_graph_alloc()};
  std::vector<AVFilterContext*> sources;
  std::vector<PcmFormat> formats;
  std::vector<int64_t> pts;
  AVFilterContext* sink = nullptr;
  PcmFormat output;
  Sink deliver;
  FramePtr frame{av_frame_alloc()};
  std::map<std::string, std::string> metadata;
  std::string description;

  uint64_t frames_out = 0;

  // Hands on every frame the sink holds now (to the end of the graph when `to_end`).
  void drain(bool to_end) {
    while (true) {
      const int err = av_buffersink_get_frame(sink, frame.get());
      if (err == AVERROR_EOF || (err == AVERROR(EAGAIN) && !to_end)) return;
      if (err < 0) refused(description, err);
      if (frame->metadata) {
        metadata.clear();
        for (const AVDictionaryEntry* e = nullptr;
             (e = av_dict_get(frame->metadata, "", e, AV_DICT_IGNORE_SUFFIX));)
          metadata[e->key] = e->value;
      }
      frames_out += uint64_t(frame->nb_samples);
      deliver(reinterpret_cast<const float*>(frame->data[0]), size_t(frame->nb_samples));
      av_frame_unref(frame.get());
    }
  }
};

AudioFilter::AudioFilter(const std::string& graph, const std::vector<PcmFormat>& inputs, PcmFormat output,
                         Sink sink, const std::vector<std::string>& files)
    : s_(std::make_unique<State>()) {
  s_->formats = inputs;
  s_->pts.assign(inputs.size(), 0);
  s_->output = output;
  s_->deliver = std::move(sink);
  s_->description = graph;
  AVFilterGraph* g = s_->graph.get();
  if (!g) throw Error("storage_error", "out of memory", 507);

  // The graph's open inputs, fed by buffer sources named in0, in1, ….
  Pads open_inputs;
  for (size_t i = inputs.size(); i-- > 0;) {
    const std::string args = "sample_rate=" + std::to_string(inputs[i].sample_rate) +
                             ":sample_fmt=flt:channel_layout=" + layout_name(inputs[i].channels) +
                             ":time_base=1/" + std::to_string(inputs[i].sample_rate);
    AVFilterContext* src = nullptr;
    const std::string name = "in" + std::to_string(i);
    if (int err = avfilter_graph_create_filter(&src, avfilter_get_by_name("abuffer"), name.c_str(),
                                               args.c_str(), nullptr, g);
        err < 0) {
      refused(graph, err);
    }
    open_inputs = labelled_pad(name, src, std::move(open_inputs));
  }
  for (AVFilterInOut* io = open_inputs.get(); io; io = io->next) s_->sources.push_back(io->filter_ctx);
  // Files are read by amovie filters whose file name is set as an option, not written into the graph's
  // text: a path needs no escaping however it is spelt.
  for (size_t i = files.size(); i-- > 0;) {
    const std::string name = "file" + std::to_string(i);
    AVFilterContext* movie = avfilter_graph_alloc_filter(g, avfilter_get_by_name("amovie"), name.c_str());
    if (!movie) throw Error("unsupported_format", "this FFmpeg build lacks the amovie filter", 400);
    av_opt_set(movie, "filename", files[i].c_str(), AV_OPT_SEARCH_CHILDREN);
    if (int err = avfilter_init_str(movie, nullptr); err < 0)
      throw Error("invalid_media", "cannot read audio of " + files[i] + ": " + av_message(err), 400);
    open_inputs = labelled_pad(name, movie, std::move(open_inputs));
  }

  if (int err = avfilter_graph_create_filter(&s_->sink, avfilter_get_by_name("abuffersink"), "out", nullptr,
                                             nullptr, g);
      err < 0) {
    refused(graph, err);
  }
  Pads sink_pad = labelled_pad("out", s_->sink, nullptr);

  // Whatever the graph gives out is brought to the asked format here, so callers read one format.
  // A graph of one input may leave it unlabelled: it is labelled here, as libavfilter matches by label.
  const bool single = inputs.size() + files.size() == 1 && !graph.empty() && graph[0] != '[';
  const std::string labelled = single ? (files.empty() ? "[in0]" : "[file0]") + graph : graph;
  const std::string full = labelled + ",aresample=" + std::to_string(output.sample_rate) +
                           ",aformat=sample_fmts=flt:channel_layouts=" + layout_name(output.channels);
  AVFilterInOut* ins = sink_pad.release();
  AVFilterInOut* outs = open_inputs.release();
  const int parsed = avfilter_graph_parse_ptr(g, full.c_str(), &ins, &outs, nullptr);
  avfilter_inout_free(&ins);
  avfilter_inout_free(&outs);
  if (parsed < 0) refused(graph, parsed);
  if (int err = avfilter_graph_config(g, nullptr); err < 0) refused(graph, err);
}

AudioFilter::~AudioFilter() = default;

void AudioFilter::push(size_t input, const float* samples, size_t frames) {
  if (frames == 0) return;
  const PcmFormat& f = s_->formats.at(input);
  AVFrame* frame = av_frame_alloc();
  FramePtr owned(frame);
  frame->nb_samples = int(frames);
  frame->format = AV_SAMPLE_FMT_FLT;
  frame->sample_rate = f.sample_rate;
  av_channel_layout_default(&frame->ch_layout, f.channels);
  frame->pts = s_->pts[input];
  s_->pts[input] += int64_t(frames);
  if (int err = av_frame_get_buffer(frame, 0); err < 0) throw Error("storage_error", "out of memory", 507);
  std::memcpy(frame->data[0], samples, frames * size_t(f.channels) * sizeof(float));
  if (int err = av_buffersrc_add_frame(s_->sources[input], frame); err < 0) refused(s_->description, err);
  s_->drain(false);
}

void AudioFilter::finish() {
  for (AVFilterContext* source : s_->sources) {
    if (int err = av_buffersrc_add_frame(source, nullptr); err < 0) refused(s_->description, err);
  }
  s_->drain(true);
}

double AudioFilter::seconds_out() const { return double(s_->frames_out) / s_->output.sample_rate; }

const std::map<std::string, std::string>& AudioFilter::metadata() const { return s_->metadata; }

std::vector<float> filter_all(const std::string& graph, const float* samples, size_t frames,
                              PcmFormat format) {
  std::vector<float> out;
  const size_t channels = size_t(format.channels);
  AudioFilter filter(graph, {format}, format,
                     [&](const float* s, size_t n) { out.insert(out.end(), s, s + n * channels); });
  // Pushed a block at a time, as a decoder would deliver them: filters that take fixed-size chunks
  // (rubberband) then see the stream they were written for.
  for (size_t done = 0; done < frames; done += kFilterBlock)
    filter.push(0, samples + done * channels, std::min(kFilterBlock, frames - done));
  filter.finish();
  return out;
}

}  // namespace yv::media
