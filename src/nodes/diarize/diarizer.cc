#include "nodes/diarize/diarizer.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "media/vad.h"
#include "nodes/diarize/clustering.h"
#include "nodes/diarize/local_activity.h"
#include "nodes/diarize/mel.h"
#include "nodes/diarize/resegment.h"

namespace yv::diarize {
namespace {

constexpr size_t kMaxClusterPoints = 600;  // beyond this, neighbouring windows are clustered as one point
constexpr int kMinRunFrames = 30;          // 0.3 s: shorter runs of a speaker join their neighbours
constexpr int kMinOverlapFrames = 10;      // 0.1 s: shorter stretches of two voices are not reported
constexpr size_t kEmbedChunk = 128;        // windows per progress report and cancellation check
constexpr double kTargetDbfs = -30;
// A second voice is accepted where the eigengap found one only if the two take turns (at least this many runs
// of windows: A B A B) and are told apart by more than chance (kDistinctVoices). Measured on 26 real
// recordings with the count unknown: one voice split in two gives 2-3 runs on clips of 2-17 s (it drifts
// from one half to the other) but 8-14 over 1-2.5 minutes of reading or a broadcast (English, German,
// Spanish, Mandarin); conversations give 4-9 (pyannote's sample call 6, AMI meetings 4-9).
constexpr int kAlternatingRuns = 4;
// The two voices' likeness against each one's likeness to itself: the centroids of the halves (in time) of
// each voice, the mean similarity across voices over the geometric mean of the two within (1: as alike as
// each is to itself). One voice split in two: 0.96-0.98 over a minute or more; real calls and meetings:
// 0.82-0.94 (the sample call 0.92). Raw centroid similarity cannot decide it, as the halves' cannot: it grows
// with the number of windows averaged, from 0.78-0.92 on short clips of one voice to 0.94-0.98 on long ones.
constexpr double kDistinctVoices = 0.95;

struct Window {
  long start;  // first frame (may be negative or past the end for very short input: zero frames there)
  int region;
  long frames;  // length

  long centre() const { return start + frames / 2; }
};

// Windows of `frames` every `step` frames over each region (a region shorter than a window gets one window
// centred on it), in time order.
struct Layout {
  long frames, step;
};
constexpr Layout kClusterWindows{kWindowFrames,
                                 20};  // 1.6 s every 0.2 s: the encoder's length, for clustering
// 0.5 s every 0.1 s, to place turns: a "Hello?" of half a second has windows of its own. Alone they are too
// noisy to cluster (real meeting: DER 47% against 6%), but scored against the speakers' centroids, after the
// clustering named them, they follow turns of 0.4-2 s (pyannote's sample call: 3% against 7%).
constexpr Layout kPlacementWindows{50, 10};
constexpr double kPlacementSwitchPenalty = 0.3;

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

std::vector<Window> windows_of(const std::vector<Region>& regions, Layout layout) {
  std::vector<Window> out;
  for (int i = 0; i < int(regions.size()); ++i) {
    const auto [first, last] = regions[i];
    if (last - first <= layout.frames) {
      out.push_back({(first + last) / 2 - layout.frames / 2, i, layout.frames});
      continue;
    }
    long start = first;
    for (; start + layout.frames < last; start += layout.step) out.push_back({start, i, layout.frames});
    out.push_back({last - layout.frames, i, layout.frames});  // the last window ends with the region
  }
  return out;
}

// Whether window `w` begins its region's run of windows (windows are in time order).
bool opens_region(const std::vector<Window>& windows, size_t w) {
  return w == 0 || windows[w].region != windows[w - 1].region;
}

std::vector<bool> region_openings(const std::vector<Window>& windows) {
  std::vector<bool> out(windows.size());
  for (size_t w = 0; w < windows.size(); ++w) out[w] = opens_region(windows, w);
  return out;
}

// The window of region `region` whose centre is nearest frame `t`, searched forward from `at`: callers ask in
// time order, so one cursor walks each list of windows once. REQUIRES: the region has a window at or after
// `at`.
size_t nearest_window(const std::vector<Window>& windows, size_t at, int region, long t) {
  while (windows[at].region < region) ++at;
  while (at + 1 < windows.size() && windows[at + 1].region == region &&
         std::abs(windows[at + 1].centre() - t) <= std::abs(windows[at].centre() - t)) {
    ++at;
  }
  return at;
}

// Embeddings of `windows` (all of one length), row-major; progress runs from `done` to `done + share`.
std::vector<float> embed_windows(const SpeakerEncoder& encoder, const std::vector<float>& mel, long frames,
                                 const std::vector<Window>& windows, const DiarizeOptions& options,
                                 const std::function<void(double)>& progress, double done, double share) {
  if (windows.empty()) return {};
  const long length = windows.front().frames;
  std::vector<float> out(windows.size() * kEmbeddingSize);
  std::vector<float> batch;
  for (size_t first = 0; first < windows.size(); first += kEmbedChunk) {
    if (options.cancelled && options.cancelled->load())
      throw Error("cancelled", "diarization was cancelled", 409);
    const size_t n = std::min(kEmbedChunk, windows.size() - first);
    batch.assign(n * size_t(length) * kMelChannels, 0.0f);
    for (size_t w = 0; w < n; ++w) {
      for (long t = 0; t < length; ++t) {
        const long frame = windows[first + w].start + t;
        if (frame < 0 || frame >= frames) continue;  // zeros: silence around very short input
        std::copy_n(&mel[size_t(frame) * kMelChannels], kMelChannels,
                    &batch[(w * size_t(length) + size_t(t)) * kMelChannels]);
      }
    }
    const auto e = encoder.embed(batch.data(), n, size_t(length));
    std::copy(e.begin(), e.end(), &out[first * kEmbeddingSize]);
    if (progress) progress(done + share * double(first + n) / double(windows.size()));
  }
  return out;
}

// Runs of one label in `labels` (in time order).
int runs(const std::vector<int>& labels) {
  int n = labels.empty() ? 0 : 1;
  for (size_t i = 1; i < labels.size(); ++i) n += labels[i] != labels[i - 1];
  return n;
}

// kDistinctVoices' measure for window labels 0 and 1 (in time order); 1 when a half has no window.
double likeness(const std::vector<float>& e, const std::vector<int>& labels) {
  std::vector<int> halves(labels.size());
  for (int k = 0; k < 2; ++k) {
    const auto n = std::count(labels.begin(), labels.end(), k);
    for (size_t w = 0, seen = 0; w < labels.size(); ++w)
      if (labels[w] == k) halves[w] = 2 * k + (2 * long(seen++) >= n ? 1 : 0);
  }
  for (int h = 0; h < 4; ++h)
    if (std::find(halves.begin(), halves.end(), h) == halves.end()) return 1;
  const auto c = centroids(e, kEmbeddingSize, halves, 4);
  const auto dot = [&](int a, int b) {
    double sum = 0;
    for (int d = 0; d < kEmbeddingSize; ++d)
      sum += double(c[a * kEmbeddingSize + d]) * c[b * kEmbeddingSize + d];
    return sum;
  };
  const double within = std::sqrt(std::max(0.0, dot(0, 1) * dot(2, 3)));
  const double across = (dot(0, 2) + dot(0, 3) + dot(1, 2) + dot(1, 3)) / 4;
  return within > 0 ? across / within : 1;
}

// Mean cosine similarity of the windows (unit embeddings) to their speaker's centroid: the k-means objective
// that tells two labellings with the same count apart.
double fit(const std::vector<float>& e, const std::vector<int>& labels) {
  const int k = *std::max_element(labels.begin(), labels.end()) + 1;
  const auto c = centroids(e, kEmbeddingSize, labels, k);
  double sum = 0;
  for (size_t w = 0; w < labels.size(); ++w)
    for (int d = 0; d < kEmbeddingSize; ++d)
      sum += double(e[w * kEmbeddingSize + d]) * c[size_t(labels[w]) * kEmbeddingSize + size_t(d)];
  return sum / double(labels.size());
}

// Of two labellings of the same windows, the one that fits them closer; `b` only with as many speakers as `a`
// (spectral clustering can leave a group empty, and a given count is kept).
std::vector<int> closer(std::vector<int> a, std::vector<int> b, const std::vector<float>& e) {
  const bool same_count = *std::max_element(a.begin(), a.end()) == *std::max_element(b.begin(), b.end());
  return same_count && fit(e, b) > fit(e, a) ? b : a;
}

// Labels of clustering points for the count found: the eigengap's groups, or, where it found one voice, two
// that take turns and are told apart (kAlternatingRuns, kDistinctVoices) as seeded clustering gives them.
// `by_window` resegments point labels into window labels.
std::vector<int> voices_found(const std::vector<float>& points, size_t count, const std::vector<float>& e,
                              const std::function<std::vector<int>(const std::vector<int>&)>& by_window,
                              const DiarizeOptions& options) {
  auto spectral =
      spectral_clusters(points, count, kEmbeddingSize, {options.min_speakers, options.max_speakers});
  if (*std::max_element(spectral.begin(), spectral.end()) > 0 || options.max_speakers < 2) return spectral;
  // One voice found: the eigengap's second group was merged as "the same voice" (clustering.h), which real
  // calls need undone when the two take turns.
  auto two = seeded_clusters(points, count, kEmbeddingSize, 2);
  const auto labels = by_window(two);
  return runs(labels) >= kAlternatingRuns && likeness(e, labels) < kDistinctVoices ? two : spectral;
}

// Clusters the windows, in groups of neighbours (same region) when there are many, then resegments them.
std::vector<int> cluster_windows(const std::vector<float>& e, const std::vector<Window>& windows,
                                 const DiarizeOptions& options) {
  const size_t group = (windows.size() + kMaxClusterPoints - 1) / kMaxClusterPoints;
  std::vector<float> points;
  std::vector<size_t> point_of(windows.size());
  for (size_t w = 0; w < windows.size(); ++w) {
    const bool fresh = opens_region(windows, w) || w % std::max<size_t>(group, 1) == 0;
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
  const auto by_window = [&](const std::vector<int>& labels) -> std::vector<int> {
    std::vector<int> out(windows.size());
    for (size_t w = 0; w < windows.size(); ++w) out[w] = labels[point_of[w]];
    const int k = *std::max_element(labels.begin(), labels.end()) + 1;
    return resegment(e, windows.size(), kEmbeddingSize, region_openings(windows), std::move(out), k);
  };
  const auto found = voices_found(points, count, e, by_window, options);
  const int found_count = *std::max_element(found.begin(), found.end()) + 1;
  const int k = options.num_speakers > 0 ? options.num_speakers : found_count;
  if (k > found_count && size_t(k) < count) {
    // More speakers given than found: the ones found stay, and the others come from windows unlike them.
    // Measured on the real meetings with the count given (bench/RESULTS.md, seventh round): AMI trn05 50% ->
    // 17%, trn04 53% -> 20%, trn08 52% -> 40%, trn03 23% -> 7%; worse where the third of three voices was
    // split from a found one (trn06 31% -> 37%, trn09 17% -> 19%).
    return by_window(added_clusters(points, count, kEmbeddingSize, found, k));
  }
  // Who the k speakers are, for a count found (by the eigengap) or given alike: neither clustering names them
  // best everywhere, so the closer fit decides. On two-person AMI meetings spectral groups follow the room
  // and the loudness as much as the voice (dev00 53% -> 43% seeded, dev01 49% -> 16%); where four real
  // readers speak apart, seeded takes its largest groups as the speakers, so it splits a talker and misses a
  // quiet one (14% spectral, 50% seeded). The eigengap's own groups serve the count only: spectral clustering
  // run again to that count (its graph pruned for that count alone) names them better, AMI dev00 with the
  // count found 22% -> 10% as with the count given, and nothing else moved by more than 0.2 points
  // (bench/RESULTS.md, ninth round).
  auto seeded = by_window(seeded_clusters(points, count, kEmbeddingSize, k));
  if (size_t(k) >= count) return seeded;  // spectral needs more points than groups
  return closer(std::move(seeded), by_window(spectral_clusters(points, count, kEmbeddingSize, {k, k})), e);
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

Diarization diarize(const SpeakerEncoder& encoder, const SpeakerSegmentation& segmentation,
                    const media::Audio& audio, const DiarizeOptions& options,
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

  // Who speaks: clustering of long windows, resegmented.
  const auto long_windows = windows_of(regions, kClusterWindows);
  const auto long_labels = cluster_windows(
      embed_windows(encoder, mel, frames, long_windows, options, progress, 0.0, 0.55), long_windows, options);
  const int k = *std::max_element(long_labels.begin(), long_labels.end()) + 1;

  // When: short windows, each first given the speaker of the nearest long window of its region, then one
  // resegmentation pass against the centroids that labelling gives (more passes let short windows' noise pull
  // the centroids away: a real meeting went from 1% to 47%).
  const auto windows = windows_of(regions, kPlacementWindows);
  const auto embeddings = embed_windows(encoder, mel, frames, windows, options, progress, 0.55, 0.4);
  std::vector<int> initial(windows.size());
  for (size_t i = 0, j = 0; i < windows.size(); ++i) {
    j = nearest_window(long_windows, j, windows[i].region, windows[i].centre());
    initial[i] = long_labels[j];
  }
  const auto labels =
      resegment(embeddings, windows.size(), kEmbeddingSize, region_openings(windows), std::move(initial), k,
                {.switch_penalty = kPlacementSwitchPenalty, .rounds = 1});

  // Each frame of speech takes the speaker of the window whose centre is nearest (windows are in time order);
  // -1: no speech.
  std::vector<int> who(size_t(frames), -1);
  for (size_t r = 0, w = 0; r < regions.size(); ++r)
    for (long t = regions[r].first; t < std::min(regions[r].last, frames); ++t) {
      w = nearest_window(windows, w, int(r), t);
      who[size_t(t)] = labels[w];
    }
  const auto activity =
      local_activity(segmentation, audio, frames, size_t(regions.front().first) * kHopSamples,
                     options.cancelled, progress, 0.95, 0.05);
  const auto named = name_local_speakers(who, activity, k);
  follow_local_speakers(who, activity, named, k);
  // Turns follow the runs of one speaker, once runs too short to be a turn have joined their neighbours.
  for (size_t t = 0; t < who.size();) {
    size_t e = t;
    while (e < who.size() && (who[e] >= 0) == (who[t] >= 0)) ++e;
    if (who[t] >= 0) {
      std::vector<int> speaker(who.begin() + long(t), who.begin() + long(e));
      absorb_short_runs(speaker);
      for (size_t i = 0; i < speaker.size();) {
        size_t j = i;
        while (j < speaker.size() && speaker[j] == speaker[i]) ++j;
        out.turns.push_back({double(t + i) / 100, double(t + j) / 100, std::to_string(speaker[i])});
        std::fill(who.begin() + long(t + i), who.begin() + long(t + j), speaker[i]);
        i = j;
      }
    }
    t = e;
  }
  // Where two voices speak at once, the second one's turns too (they overlap the first one's).
  const auto second = second_speakers(who, activity, named, k);
  for (size_t t = 0; t < second.size();) {
    size_t e = t;
    while (e < second.size() && second[e] == second[t]) ++e;
    if (second[t] >= 0 && e - t >= size_t(kMinOverlapFrames))
      out.turns.push_back({double(t) / 100, double(e) / 100, std::to_string(second[t])});
    t = e;
  }
  std::stable_sort(out.turns.begin(), out.turns.end(),
                   [](const Turn& a, const Turn& b) { return a.start < b.start; });
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
