// Running PCM through a libavfilter graph (time-stretching, ducking, loudness), block by block.
//
// A thin wrapper over libavfilter, like media/audio_decoder.h over libavcodec: the dubbing nodes describe
// what to do as a filter graph ("rubberband=tempo=1.3", "sidechaincompress", "loudnorm") and never see an
// AV* handle. Samples go in and come out as interleaved floats; the graph's own output (loudnorm works at
// 192 kHz, for one) is converted to the format asked for, so a caller never meets the graph's formats.
// Frames flow through as they are pushed: memory is the graph's own look-ahead, not the length of the audio.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace yv::media {

struct PcmFormat {
  int sample_rate = 0;
  int channels = 0;
};

class AudioFilter {
 public:
  using Sink = std::function<void(const float* samples, size_t frames)>;

  // `graph` is a libavfilter description with one open input per entry of `inputs`, labelled [in0],
  // [in1], … (a graph of one input may leave it unlabelled), one per entry of `files`, labelled [file0],
  // [file1], …, and one open, unlabelled output. Pushed inputs take interleaved floats in their format; a
  // file's best audio stream is read by the graph itself (libavfilter's amovie, as fast as the output is
  // taken: two files are read side by side without either being held), in the file's own format. Output
  // frames are handed to `sink` as they come out, in `output`'s format.
  // REQUIRES: each file was opened once with AudioReader, which names a missing or unreadable file.
  // Throws yv::Error "invalid_parameter" (400) when libavfilter refuses the graph (an option out of its
  // range), "unsupported_format" (400) when a filter it names is not in this build.
  AudioFilter(const std::string& graph, const std::vector<PcmFormat>& inputs, PcmFormat output, Sink sink,
              const std::vector<std::string>& files = {});
  ~AudioFilter();
  AudioFilter(const AudioFilter&) = delete;
  AudioFilter& operator=(const AudioFilter&) = delete;

  // Feeds `frames` frames (interleaved, inputs[input].channels each) to input `input`.
  void push(size_t input, const float* samples, size_t frames);
  // Ends every pushed input and runs the graph to its end, into the sink.
  void finish();

  // Seconds of output handed to the sink so far.
  double seconds_out() const;

  // The metadata the graph attached to the last frame it gave out (e.g. ebur128's "lavfi.r128.I"), by
  // key; empty when none.
  const std::map<std::string, std::string>& metadata() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Runs a whole block of audio through a one-input graph and returns what comes out (same format).
std::vector<float> filter_all(const std::string& graph, const float* samples, size_t frames,
                              PcmFormat format);

}  // namespace yv::media
