#include "nodes/diarize/overlap.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace yv::diarize {
namespace {

constexpr size_t kChunkStep = kSegmentationChunk / 2;  // 5 s: every frame is seen by two chunks
constexpr size_t kChunksPerCall = 16;                  // bounds the audio copied for one forward pass
constexpr size_t kHop = 160;                           // samples per 10 ms frame
constexpr size_t kMinSamples = 991;                    // the network's receptive field

}  // namespace

std::vector<float> overlap_probability(const SpeakerSegmentation& network, const media::Audio& audio,
                                       long frames, const std::atomic<bool>* cancelled,
                                       const std::function<void(double)>& progress, double done,
                                       double share) {
  std::vector<float> sum(size_t(std::max(0L, frames)), 0.0f), seen(sum.size(), 0.0f);
  const size_t n = audio.samples.size();
  if (n < kMinSamples || sum.empty()) return sum;
  const size_t length = std::min(n, kSegmentationChunk);
  std::vector<size_t> starts;
  for (size_t s = 0; s + length < n; s += kChunkStep) starts.push_back(s);
  starts.push_back(n - length);  // the last chunk ends with the input
  const size_t chunk_frames = SpeakerSegmentation::frames(length);
  std::vector<float> batch;
  for (size_t first = 0; first < starts.size(); first += kChunksPerCall) {
    if (cancelled && cancelled->load()) throw Error("cancelled", "diarization was cancelled", 409);
    const size_t count = std::min(kChunksPerCall, starts.size() - first);
    batch.resize(count * length);
    for (size_t c = 0; c < count; ++c)
      std::copy_n(&audio.samples[starts[first + c]], length, &batch[c * length]);
    const auto lp = network.log_probabilities(batch.data(), count, length);
    for (size_t c = 0; c < count; ++c) {
      const size_t start = starts[first + c];
      const float* chunk = &lp[c * chunk_frames * kPowersetClasses];
      for (size_t t = start / kHop; t < std::min(sum.size(), (start + length) / kHop); ++t) {
        // The chunk frame whose centre is nearest this frame's centre.
        const double at = (double(t * kHop + kHop / 2) - double(start + kFrameCentre)) / double(kFrameStep);
        const size_t f = size_t(std::clamp(std::lround(at), 0L, long(chunk_frames) - 1));
        float p = 0;
        for (int k = kFirstOverlapClass; k < kPowersetClasses; ++k)
          p += std::exp(chunk[f * kPowersetClasses + size_t(k)]);
        sum[t] += p;
        seen[t] += 1;
      }
    }
    if (progress) progress(done + share * double(first + count) / double(starts.size()));
  }
  for (size_t t = 0; t < sum.size(); ++t) sum[t] = seen[t] > 0 ? sum[t] / seen[t] : 0.0f;
  return sum;
}

std::vector<int> second_speakers(const std::vector<int>& labels, const std::vector<float>& overlap,
                                 int speakers) {
  const size_t n = labels.size();
  std::vector<int> out(n, -1);
  if (speakers < 2) return out;
  constexpr long kNone = std::numeric_limits<long>::max() / 2;
  // The nearest frame of each speaker before (and then after) every frame, in one sweep each way.
  std::vector<long> distance(n, kNone);
  std::vector<long> last(size_t(speakers), -kNone);
  const auto consider = [&](size_t t) {
    if (labels[t] < 0 || overlap[t] <= 0.5f) return;
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

}  // namespace yv::diarize
