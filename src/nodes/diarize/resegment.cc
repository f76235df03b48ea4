#include "nodes/diarize/resegment.h"

#include <cblas.h>

#include <algorithm>

#include "nodes/diarize/clustering.h"

namespace yv::diarize {
namespace {

// The labelling of windows that maximises the sum of scores[i][label] minus the switch penalty per change of
// label inside a region. scores is row-major [count][k].
std::vector<int> viterbi(const std::vector<float>& scores, size_t count, int k,
                         const std::vector<bool>& starts_region, double penalty) {
  std::vector<double> best(scores.begin(), scores.begin() + k);
  std::vector<double> next(size_t(k), 0.0);
  std::vector<int> from(count * size_t(k), 0);
  for (size_t i = 1; i < count; ++i) {
    const double cost = starts_region[i] ? 0.0 : penalty;
    const int leader = int(std::max_element(best.begin(), best.end()) - best.begin());
    for (int s = 0; s < k; ++s) {
      // Staying costs nothing; arriving from another speaker, the best of them less the penalty.
      const bool switch_better = best[size_t(leader)] - cost > best[size_t(s)];
      from[i * size_t(k) + size_t(s)] = switch_better ? leader : s;
      next[size_t(s)] =
          (switch_better ? best[size_t(leader)] - cost : best[size_t(s)]) + scores[i * size_t(k) + size_t(s)];
    }
    best.swap(next);
  }
  std::vector<int> labels(count);
  labels[count - 1] = int(std::max_element(best.begin(), best.end()) - best.begin());
  for (size_t i = count - 1; i > 0; --i) labels[i - 1] = from[i * size_t(k) + size_t(labels[i])];
  return labels;
}

}  // namespace

std::vector<int> resegment(const std::vector<float>& embeddings, size_t count, size_t dim,
                           const std::vector<bool>& starts_region, std::vector<int> labels, int k,
                           const ResegmentOptions& options) {
  if (count == 0 || k <= 1) return labels;
  std::vector<float> scores(count * size_t(k));
  for (int round = 0; round < options.rounds; ++round) {
    const auto c = centroids(embeddings, dim, labels, k);
    // scores = embeddings x centroids^T: every window's cosine similarity to every speaker.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(count), k, int(dim), 1.0f, embeddings.data(),
                int(dim), c.data(), int(dim), 0.0f, scores.data(), k);
    auto next = viterbi(scores, count, k, starts_region, options.switch_penalty);
    if (next == labels) break;
    labels = std::move(next);
  }
  return labels;
}

}  // namespace yv::diarize
