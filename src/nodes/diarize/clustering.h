// Grouping speaker embeddings (unit vectors) into speakers.
//
// Unknown count: spectral clustering with the count read from the eigengap (Park et al., "Auto-tuning
// spectral clustering for speaker diarization using normalized maximum eigengap", 2019): the cosine affinity
// matrix is pruned to each row's p strongest links and symmetrised; the graph Laplacian then has one
// near-zero eigenvalue per well-separated group, and the largest gap after them names the count. p is chosen
// per input, as the one whose gap stands out most. A second check merges two "speakers" whose centroids are
// nearly the same voice, so that one person is never split in two by the eigengap, which always prefers at
// least two groups. Known count: agglomerative clustering on cosine distance (average linkage) down to that
// count. Both finish with a few k-means rounds on the embeddings, which moves stragglers to their nearest
// centroid.
#pragma once

#include <cstddef>
#include <vector>

namespace yv::diarize {

struct ClusterOptions {
  int min_clusters = 1;
  int max_clusters = 8;
  // Two clusters whose centroids have a cosine similarity above this are one speaker. Measured on our
  // fixtures: centroids of one voice 0.83-0.94 (real and synthetic), of different voices 0.58-0.66.
  float same_speaker = 0.75f;
};

// Labels 0..k-1 for `count` embeddings of `dim` floats (row-major), numbered in order of first appearance.
std::vector<int> spectral_clusters(const std::vector<float>& embeddings, size_t count, size_t dim,
                                   const ClusterOptions& options);

// Labels 0..k-1 with k = min(clusters, count), numbered in order of first appearance.
std::vector<int> agglomerative_clusters(const std::vector<float>& embeddings, size_t count, size_t dim,
                                        int clusters);

}  // namespace yv::diarize
