#include "nodes/diarize/diarizer.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "media/vad.h"
#include "nodes/diarize/clustering.h"
#include "nodes/diarize/mel.h"

namespace yv::diarize {
namespace {

constexpr int kStepFrames = 40;            // a window every 0.4 s
constexpr size_t kMaxClusterPoints = 600;  // beyond this, neighbouring windows are clustered as one point
constexpr int kMinRunFrames = 30;          // 0.3 s: shorter runs of a speaker join their neighbours
constexpr size_t kEmbedChunk = 128;        // windows per progress report and cancellation check
constexpr double kTargetDbfs = -30;

struct Window {
  long start;  // first frame (may be negative or past the end for very short input: zero frames there)
  int region;
};

struct Region {
  long first, last;  // frames [first, last)
};

// Squared gain that brings the speech to -30 dBFS (mel frames are power, so they scale by gain^2).
float power_gain(const media::Audio& audio, const std::vector<Region>& regions) {
  double energy = 0;
  size_t n = 0;
  for (const auto& r : regions) {
    const size_t from = size_t(r.first) * kHopSamples;
    const size_t to = std::min(audio.samples.size(), size_t(r.last) * kHopSamples);
    for (size_t i = from; i < to; ++i) energy += double(audio.samples[i]) * audio.samples[i];
    n += to > from ? to - from : 0;
  }
  if (n == 0 || energy <= 0) return 1.0f;
  const double dbfs = 10 * std::log10(energy / double(n));
  return float(std::pow(10.0, (kTargetDbfs - dbfs) / 10));
}

std::vector<Window> windows_of(const std::vector<Region>& regions) {
  std::vector<Window> out;
  for (int i = 0; i < int(regions.size()); ++i) {
    const auto [first, last] = regions[i];
    if (last - first <= kWindowFrames) {
      out.push_back({(first + last) / 2 - kWindowFrames / 2, i});
      continue;
    }
    long start = first;
    for (; start + kWindowFrames < last; start += kStepFrames) out.push_back({start, i});
    out.push_back({last - kWindowFrames, i});  // the last window ends with the region
  }
  return out;
}

std::vector<float> embed_windows(const SpeakerEncoder& encoder, const std::vector<float>& mel, long frames,
                                 const std::vector<Window>& windows, const DiarizeOptions& options,
                                 const std::function<void(double)>& progress) {
  std::vector<float> out(windows.size() * kEmbeddingSize);
  std::vector<float> batch;
  for (size_t first = 0; first < windows.size(); first += kEmbedChunk) {
    if (options.cancelled && options.cancelled->load())
      throw Error("cancelled", "diarization was cancelled", 409);
    const size_t n = std::min(kEmbedChunk, windows.size() - first);
    batch.assign(n * kWindowFrames * kMelChannels, 0.0f);
    for (size_t w = 0; w < n; ++w) {
      for (long t = 0; t < kWindowFrames; ++t) {
        const long frame = windows[first + w].start + t;
        if (frame < 0 || frame >= frames) continue;  // zeros: silence around very short input
        std::copy_n(&mel[size_t(frame) * kMelChannels], kMelChannels,
                    &batch[(w * kWindowFrames + t) * kMelChannels]);
      }
    }
    const auto e = encoder.embed(batch.data(), n, kWindowFrames);
    std::copy(e.begin(), e.end(), &out[first * kEmbeddingSize]);
    if (progress) progress(0.95 * double(first + n) / double(windows.size()));
  }
  return out;
}

// Clusters the windows, in groups of neighbours (same region) when there are many.
std::vector<int> cluster_windows(const std::vector<float>& e, const std::vector<Window>& windows,
                                 const DiarizeOptions& options) {
  const size_t group = (windows.size() + kMaxClusterPoints - 1) / kMaxClusterPoints;
  std::vector<float> points;
  std::vector<size_t> point_of(windows.size());
  for (size_t w = 0; w < windows.size(); ++w) {
    const bool fresh =
        w == 0 || windows[w].region != windows[w - 1].region || w % std::max<size_t>(group, 1) == 0;
    if (fresh) points.resize(points.size() + kEmbeddingSize, 0.0f);
    point_of[w] = points.size() / kEmbeddingSize - 1;
    for (int k = 0; k < kEmbeddingSize; ++k)
      points[point_of[w] * kEmbeddingSize + k] += e[w * kEmbeddingSize + k];
  }
  const size_t count = points.size() / kEmbeddingSize;
  for (size_t p = 0; p < count; ++p) {
    float* v = &points[p * kEmbeddingSize];
    double norm = 0;
    for (int k = 0; k < kEmbeddingSize; ++k) norm += double(v[k]) * v[k];
    for (int k = 0; k < kEmbeddingSize; ++k) v[k] = norm > 0 ? float(v[k] / std::sqrt(norm)) : 0.0f;
  }
  const auto labels =
      options.num_speakers > 0
          ? agglomerative_clusters(points, count, kEmbeddingSize, options.num_speakers)
          : spectral_clusters(points, count, kEmbeddingSize, {options.min_speakers, options.max_speakers});
  std::vector<int> out(windows.size());
  for (size_t w = 0; w < windows.size(); ++w) out[w] = labels[point_of[w]];
  return out;
}

// Runs of one label shorter than kMinRunFrames take the label of their longer neighbour, shortest first.
void absorb_short_runs(std::vector<int>& labels) {
  for (;;) {
    std::vector<std::pair<size_t, size_t>> runs;  // [begin, end)
    for (size_t i = 0; i < labels.size();) {
      size_t j = i;
      while (j < labels.size() && labels[j] == labels[i]) ++j;
      runs.push_back({i, j});
      i = j;
    }
    if (runs.size() < 2) return;
    size_t shortest = 0;
    for (size_t r = 1; r < runs.size(); ++r)
      if (runs[r].second - runs[r].first < runs[shortest].second - runs[shortest].first) shortest = r;
    const auto [b, e] = runs[shortest];
    if (e - b >= size_t(kMinRunFrames)) return;
    const size_t before = shortest > 0 ? runs[shortest - 1].second - runs[shortest - 1].first : 0;
    const size_t after =
        shortest + 1 < runs.size() ? runs[shortest + 1].second - runs[shortest + 1].first : 0;
    const int to = before >= after ? labels[b - 1] : labels[e];
    std::fill(labels.begin() + long(b), labels.begin() + long(e), to);
  }
}

}  // namespace

void check(const DiarizeOptions& o) {
  if (o.min_speakers < 1 || o.max_speakers < o.min_speakers || o.num_speakers < 0) {
    throw Error("invalid_parameter",
                fmt::format("speaker counts must satisfy 1 <= min_speakers ({}) <= max_speakers ({}), and "
                            "speaker_count may not be negative (0: find the count)",
                            o.min_speakers, o.max_speakers),
                400);
  }
  if (o.num_speakers > 0 && (o.num_speakers < o.min_speakers || o.num_speakers > o.max_speakers)) {
    throw Error("invalid_parameter", "speaker_count is outside [min_speakers, max_speakers]", 400);
  }
}

Diarization diarize(const SpeakerEncoder& encoder, const media::Audio& audio, const DiarizeOptions& options,
                    const std::function<void(double)>& progress) {
  check(options);
  if (audio.sample_rate != kSampleRate) {
    throw Error("invalid_media", fmt::format("diarization needs 16 kHz audio, got {} Hz", audio.sample_rate),
                400);
  }
  Diarization out;
  std::vector<Region> regions;
  for (const auto& r : media::speech_regions(audio, {.bridge_seconds = 0.2, .pad_seconds = 0.0})) {
    regions.push_back({long(std::lround(r.start * 100)), long(std::lround(r.end * 100))});
  }
  if (regions.empty()) {
    if (progress) progress(1.0);
    return out;  // nothing said: no speakers
  }
  auto mel = mel_frames(audio.samples.data(), audio.samples.size());
  const long frames = long(mel.size() / kMelChannels);
  const float gain = power_gain(audio, regions);
  for (float& v : mel) v *= gain;

  const auto windows = windows_of(regions);
  const auto embeddings = embed_windows(encoder, mel, frames, windows, options, progress);
  const auto labels = cluster_windows(embeddings, windows, options);

  // Votes per frame of speech: each window for its speaker, weighing 1 at its centre down to 0 at its ends.
  for (int r = 0; r < int(regions.size()); ++r) {
    const auto [first, last] = regions[r];
    std::vector<std::vector<double>> votes(size_t(last - first));
    for (size_t w = 0; w < windows.size(); ++w) {
      if (windows[w].region != r) continue;
      const double centre = double(windows[w].start) + kWindowFrames / 2.0;
      for (long t = std::max(first, windows[w].start); t < std::min(last, windows[w].start + kWindowFrames);
           ++t) {
        auto& v = votes[size_t(t - first)];
        if (v.size() <= size_t(labels[w])) v.resize(labels[w] + 1, 0.0);
        v[labels[w]] += 1.0 - std::abs(double(t) + 0.5 - centre) / (kWindowFrames / 2.0);
      }
    }
    std::vector<int> speaker(votes.size(), 0);
    for (size_t t = 0; t < votes.size(); ++t) {
      if (!votes[t].empty())
        speaker[t] = int(std::max_element(votes[t].begin(), votes[t].end()) - votes[t].begin());
    }
    absorb_short_runs(speaker);
    for (size_t t = 0; t < speaker.size();) {
      size_t e = t;
      while (e < speaker.size() && speaker[e] == speaker[t]) ++e;
      out.turns.push_back(
          {double(first + long(t)) / 100, double(first + long(e)) / 100, std::to_string(speaker[t])});
      t = e;
    }
  }
  // Labels SPEAKER_00... in order of first appearance; adjacent turns of one speaker (across a short pause)
  // stay separate turns, as the pause is real.
  std::vector<std::string> seen;
  for (auto& t : out.turns) {
    auto it = std::find(seen.begin(), seen.end(), t.speaker);
    if (it == seen.end()) it = seen.insert(seen.end(), t.speaker);
    t.speaker = fmt::format("SPEAKER_{:02d}", it - seen.begin());
  }
  for (size_t i = 0; i < seen.size(); ++i) out.speakers.push_back(fmt::format("SPEAKER_{:02d}", i));
  if (progress) progress(1.0);
  return out;
}

}  // namespace yv::diarize
