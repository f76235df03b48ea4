#include "nodes/diarize/local_activity.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>

#include "core/error.h"

namespace yv::diarize {
namespace {

// 2 s: every frame is seen by five chunks, whose readings are weighed (follow_local_speakers). Measured on
// the real clips of bench/RESULTS.md: the network's local speakers change with where a chunk starts (the
// call's second "Hello?" is heard as the first woman's voice in the chunk from 0 s and as the other's in
// those from 1.5-6 s), so two chunks a frame (5 s steps, all of them to agree) left a quick change to the
// first chunk; five, the weighted majority deciding (before kKeptShare), took DER summed over the real clips
// from 306 to 273 points, where 2.5 s and 1.25 s steps gave 280-285 and 1 s steps cost five times the
// network's time for no better.
constexpr size_t kChunkStep = 2 * kSegmentationChunk / 10;
// The first chunk starts this long before the first speech: the network hears the first words of an input
// best with little silence before them in its chunk (the call's two opening "Hello?", one from each woman, as
// two voices in chunks starting up to 0.6 s before them and as one voice in chunks starting 1-6 s before),
// and chunks over leading silence are work for nothing.
constexpr size_t kLeadIn = 8000;  // 0.5 s
// The network corrects who speaks when; it does not decide who is there. A speaker the embeddings found who
// would keep less than this share of its frames keeps all of them: where the network hears two real voices as
// one (AMI dev01's two men in every chunk), the weighted majority otherwise gives one of them everything.
// Measured on eight AMI excerpts not used for tuning (pyannote-audio's tests/data dev01, trn01-04, trn06,
// trn07, trn09): DER summed 569 -> 565 points without it, 530 with it (dev01 26% -> 14%); on the tuning
// clips it costs trn05 with four given (36% -> 50%), where a given speaker vanishing was right. 10-25% give
// the same figures, 35% and more lose the tuning clips' gain.
constexpr double kKeptShare = 0.25;
// A frame is heard as two voices where the two-voice classes' probability, averaged over the chunks, stays
// over kOverlapOffset in a stretch that reaches kOverlapOnset somewhere (hysteresis, as pyannote binarizes
// its own overlap scores): overlap is heard surest in its middle, and its edges fade under any single bar.
// One bar of 0.5 first, then 0.3 (AMI trn08 48% -> 46%, dev01 14% -> 13%, trn06 36% -> 33%; the call 0%
// -> 1.1%), then the two: measured with the driver on the real clips of bench/RESULTS.md (eighth round),
// with the 0.25 s collar trn08 36.3% -> 32.0%, dev01 12.5% -> 10.3%, trn09 10.8% -> 9.3%, the call 1.1% ->
// 0.4%, nothing else moved (without the collar the call 7.0% -> 9.6%: more of its turns' edges are given to
// both women). An onset of 0.4-0.5 gives the same; an offset of 0.12 or 0.18 trades trn08 (31.6%, 35.7%)
// against dev01 (11.8%, 8.1%).
constexpr float kOverlapOnset = 0.5f;
constexpr float kOverlapOffset = 0.15f;
constexpr int kLocal = kFirstOverlapClass - 1;  // local speakers per chunk
// The local speakers of each two-voice class, in class order (segmentation.h).
constexpr int kPairs[3][2] = {{0, 1}, {0, 2}, {1, 2}};
constexpr size_t kChunksPerCall = 16;  // bounds the audio copied for one forward pass
constexpr size_t kHop = 160;           // samples per 10 ms frame
constexpr size_t kMinSamples = 991;    // the network's receptive field

// The frame of the chunk starting at sample `start` whose centre is nearest the centre of 10 ms frame `t`.
size_t frame_of(const LocalActivity& a, size_t start, size_t t) {
  const double at = (double(t * kHop + kHop / 2) - double(start + kFrameCentre)) / double(kFrameStep);
  return size_t(std::clamp(std::lround(at), 0L, long(a.chunk_frames) - 1));
}

// The local speaker (0-2) a powerset class is when it is one voice, else -1.
int single_voice(uint8_t cls) { return cls >= 1 && cls < kFirstOverlapClass ? cls - 1 : -1; }

// The speakers `named` gives chunk `c`'s two local speakers of two-voice class `cls` (-1: matched to nobody).
// REQUIRES: cls >= kFirstOverlapClass.
std::array<int, 2> named_pair(const std::vector<int>& named, size_t c, uint8_t cls) {
  const auto& pair = kPairs[cls - kFirstOverlapClass];
  return {named[c * kLocal + size_t(pair[0])], named[c * kLocal + size_t(pair[1])]};
}

// How much a chunk's reading of 10 ms frame `t` counts: a Hamming window over the chunk, since the network
// hears least context at a chunk's edges (pyannote weighs its chunks so too).
double weight(const LocalActivity& a, size_t start, size_t t) {
  const double at = (double(t * kHop + kHop / 2) - double(start)) / double(a.length);
  return 0.54 - 0.46 * std::cos(2 * std::numbers::pi * std::clamp(at, 0.0, 1.0));
}

// The chunks' readings of 10 ms frames taken in increasing order: chunks are in order of start and all of
// one length, so the ones covering a frame are a sliding range.
class Readings {
 public:
  explicit Readings(const LocalActivity& activity) : a_(activity) {}

  // f(chunk, its powerset class at frame t, the reading's weight) for every chunk covering frame `t`.
  template <typename F>
  void of(size_t t, F&& f) {
    while (from_ < a_.starts.size() && a_.starts[from_] + a_.length <= t * kHop) ++from_;
    for (size_t c = from_; c < a_.starts.size() && a_.starts[c] <= t * kHop; ++c)
      f(c, a_.classes[c * a_.chunk_frames + frame_of(a_, a_.starts[c], t)], weight(a_, a_.starts[c], t));
  }

 private:
  const LocalActivity& a_;
  size_t from_ = 0;
};

// Per frame, whether it is heard as two voices (kOverlapOnset, kOverlapOffset) from its overlap probability.
std::vector<bool> two_voices(const std::vector<float>& overlap) {
  std::vector<bool> out(overlap.size());
  for (size_t t = 0; t < overlap.size();) {
    size_t e = t;
    bool onset = false;
    for (; e < overlap.size() && overlap[e] > kOverlapOffset; ++e)
      onset = onset || overlap[e] > kOverlapOnset;
    if (onset) std::fill(out.begin() + long(t), out.begin() + long(e), true);
    t = std::max(e, t + 1);
  }
  return out;
}

}  // namespace

LocalActivity local_activity(const SpeakerSegmentation& network, const media::Audio& audio, long frames,
                             size_t first_speech, const std::atomic<bool>* cancelled,
                             const std::function<void(double)>& progress, double done, double share) {
  LocalActivity out;
  std::vector<float> seen(size_t(std::max(0L, frames)), 0.0f);
  out.overlap.assign(seen.size(), 0.0f);
  const size_t n = audio.samples.size();
  if (n < kMinSamples || seen.empty()) return out;
  out.length = std::min(n, kSegmentationChunk);
  const size_t from = std::min(first_speech - std::min(first_speech, kLeadIn), n - out.length);
  for (size_t s = from; s + out.length < n; s += kChunkStep) out.starts.push_back(s);
  out.starts.push_back(n - out.length);  // the last chunk ends with the input
  out.chunk_frames = SpeakerSegmentation::frames(out.length);
  out.classes.resize(out.starts.size() * out.chunk_frames);
  std::vector<float> batch;
  for (size_t first = 0; first < out.starts.size(); first += kChunksPerCall) {
    if (cancelled && cancelled->load()) throw Error("cancelled", "diarization was cancelled", 409);
    const size_t count = std::min(kChunksPerCall, out.starts.size() - first);
    batch.resize(count * out.length);
    for (size_t c = 0; c < count; ++c)
      std::copy_n(&audio.samples[out.starts[first + c]], out.length, &batch[c * out.length]);
    const auto lp = network.log_probabilities(batch.data(), count, out.length);
    for (size_t c = 0; c < count; ++c) {
      const float* chunk = &lp[c * out.chunk_frames * kPowersetClasses];
      for (size_t f = 0; f < out.chunk_frames; ++f) {
        const float* p = &chunk[f * kPowersetClasses];
        out.classes[(first + c) * out.chunk_frames + f] =
            uint8_t(std::max_element(p, p + kPowersetClasses) - p);
      }
      const size_t start = out.starts[first + c];
      for (size_t t = start / kHop; t < std::min(seen.size(), (start + out.length) / kHop); ++t) {
        const size_t f = frame_of(out, start, t);
        float p = 0;
        for (int k = kFirstOverlapClass; k < kPowersetClasses; ++k)
          p += std::exp(chunk[f * kPowersetClasses + size_t(k)]);
        out.overlap[t] += p;
        seen[t] += 1;
      }
    }
    if (progress) progress(done + share * double(first + count) / double(out.starts.size()));
  }
  for (size_t t = 0; t < seen.size(); ++t) out.overlap[t] = seen[t] > 0 ? out.overlap[t] / seen[t] : 0.0f;
  return out;
}

std::vector<int> name_local_speakers(const std::vector<int>& labels, const LocalActivity& activity,
                                     int speakers) {
  const size_t chunks = activity.starts.size();
  std::vector<int> named(chunks * kLocal, -1);
  std::vector<long> carried(size_t(kLocal * speakers));
  for (size_t c = 0; c < chunks; ++c) {
    const size_t start = activity.starts[c];
    std::fill(carried.begin(), carried.end(), 0);
    for (size_t t = start / kHop; t < std::min(labels.size(), (start + activity.length) / kHop); ++t) {
      const int j = single_voice(activity.classes[c * activity.chunk_frames + frame_of(activity, start, t)]);
      if (j >= 0 && labels[t] >= 0) ++carried[size_t(j * speakers + labels[t])];
    }
    for (int matched = 0; matched < kLocal; ++matched) {
      const auto top = std::max_element(carried.begin(), carried.end());
      if (*top <= 0) break;
      const int j = int(top - carried.begin()) / speakers, g = int(top - carried.begin()) % speakers;
      named[c * kLocal + size_t(j)] = g;
      for (int s = 0; s < speakers; ++s) carried[size_t(j * speakers + s)] = 0;
      for (int l = 0; l < kLocal; ++l) carried[size_t(l * speakers + g)] = 0;
    }
  }
  return named;
}

std::vector<int> second_speakers(const std::vector<int>& labels, const LocalActivity& activity,
                                 const std::vector<int>& named, int speakers) {
  const size_t n = labels.size();
  std::vector<int> out(n, -1);
  if (speakers < 2) return out;
  const auto heard = two_voices(activity.overlap);
  const auto overlapped = [&](size_t t) { return labels[t] >= 0 && heard[t]; };
  constexpr long kNone = std::numeric_limits<long>::max() / 2;
  // How far the speaker named for each frame was found; 0 for the chunks' own pairs, which nothing replaces.
  std::vector<long> distance(n, kNone);
  // The chunks' own pairs, where they name one.
  Readings readings(activity);
  std::vector<double> votes(static_cast<size_t>(speakers));
  for (size_t t = 0; t < n; ++t) {
    if (!overlapped(t)) continue;
    std::fill(votes.begin(), votes.end(), 0.0);
    readings.of(t, [&](size_t c, uint8_t cls, double w) {
      if (cls < kFirstOverlapClass) return;
      for (int g : named_pair(named, c, cls))
        if (g >= 0 && g != labels[t]) votes[size_t(g)] += w;
    });
    const auto top = std::max_element(votes.begin(), votes.end());
    if (*top > 0) {
      out[t] = int(top - votes.begin());
      distance[t] = 0;
    }
  }
  // Elsewhere, the nearest frame of each other speaker before (and then after), in one sweep each way.
  std::vector<long> last(size_t(speakers), -kNone);
  const auto consider = [&](size_t t) {
    if (!overlapped(t)) return;
    for (int s = 0; s < speakers; ++s) {
      if (s == labels[t] || last[size_t(s)] == -kNone) continue;
      const long d = std::abs(long(t) - last[size_t(s)]);
      if (d < distance[t]) {
        distance[t] = d;
        out[t] = s;
      }
    }
  };
  for (size_t t = 0; t < n; ++t) {
    consider(t);
    if (labels[t] >= 0) last[size_t(labels[t])] = long(t);
  }
  std::fill(last.begin(), last.end(), -kNone);
  for (size_t t = n; t-- > 0;) {
    consider(t);
    if (labels[t] >= 0) last[size_t(labels[t])] = long(t);
  }
  return out;
}

void follow_local_speakers(std::vector<int>& labels, const LocalActivity& activity,
                           const std::vector<int>& named, int speakers) {
  const std::vector<int> before = labels;
  Readings readings(activity);
  std::vector<double> votes(static_cast<size_t>(speakers));   // weight naming each speaker alone
  std::vector<double> paired(static_cast<size_t>(speakers));  // weight naming each one of two voices
  for (size_t t = 0; t < labels.size(); ++t) {
    double total = 0, two = 0;
    std::fill(votes.begin(), votes.end(), 0.0);
    std::fill(paired.begin(), paired.end(), 0.0);
    readings.of(t, [&](size_t c, uint8_t cls, double w) {
      total += w;
      if (cls >= kFirstOverlapClass) {
        two += w;
        for (int g : named_pair(named, c, cls))
          if (g >= 0) paired[size_t(g)] += w;
        return;
      }
      const int j = single_voice(cls);
      const int g = j >= 0 ? named[c * kLocal + size_t(j)] : -1;
      if (g >= 0) votes[size_t(g)] += w;
    });
    const auto top = std::max_element(votes.begin(), votes.end());
    const auto top_paired = std::max_element(paired.begin(), paired.end());
    if (total > 0 && *top > total / 2) {
      labels[t] = int(top - votes.begin());
    } else if (before[t] < 0 && two > total / 2 && *top_paired > 0) {
      // Speech Silero missed where two people talk at once: the one of the pair the chunks name most
      // (second_speakers adds the other).
      labels[t] = int(top_paired - paired.begin());
    }
  }
  std::vector<long> was(static_cast<size_t>(speakers)), kept(static_cast<size_t>(speakers));
  for (size_t t = 0; t < labels.size(); ++t) {
    if (before[t] >= 0) ++was[size_t(before[t])];
    if (labels[t] >= 0) ++kept[size_t(labels[t])];
  }
  for (size_t t = 0; t < labels.size(); ++t) {
    const int s = before[t];
    if (s >= 0 && double(kept[size_t(s)]) < kKeptShare * double(was[size_t(s)])) labels[t] = s;
  }
}

}  // namespace yv::diarize
