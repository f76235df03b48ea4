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
  // fixtures: centroids of one voice 0.83-0.94 (real and synthetic), of different voices 0.58-0.66 on
  // synthetic and studio speech. On real calls and meetings different voices reach 0.84-0.87 (the channel
  // pulls them together) while one real voice can fall to 0.85 (JFK's two halves): no threshold separates
  // them there, and this one keeps single voices single (issue 17: counting real voices is open).
  float same_speaker = 0.75f;
};

// Labels 0..k-1 for `count` embeddings of `dim` floats (row-major), numbered in order of first appearance.
std::vector<int> spectral_clusters(const std::vector<float>& embeddings, size_t count, size_t dim,
                                   const ClusterOptions& options);

// Labels 0..k-1 with k = min(clusters, count), numbered in order of first appearance.
std::vector<int> agglomerative_clusters(const std::vector<float>& embeddings, size_t count, size_t dim,
                                        int clusters);

// Groups seeded_clusters first forms, whatever the count: enough for the stray windows of real speech
// (a laugh, a cough, two voices at once) to gather apart from the speakers.
inline constexpr int kSeedGroups = 10;

// Labels 0..k-1 with k = min(clusters, count), numbered in order of first appearance: agglomerative
// clustering into max(k, kSeedGroups) groups, the k largest groups' centroids as the speakers, each embedding
// to the nearest, then k-means rounds. Measured on real calls and meetings: average linkage run straight down
// to k ends with a stray window or two as a "speaker" of its own and every real speaker in one cluster (the
// pyannote sample call: DER 45% that way, 7% seeded, with the same resegmentation after).
std::vector<int> seeded_clusters(const std::vector<float>& embeddings, size_t count, size_t dim,
                                 int clusters);

// `labels` (0..k-1, k < clusters) with clusters k..clusters-1 added, each one of seeded clustering's groups
// taken whole: the group whose centroid is least like every cluster so far. Where a count is given that is
// more than the voices found, the voices found stay as they are, and the speakers who say little are looked
// for among the windows unlike all of them (spectral or seeded clustering to the count split the main talker
// instead: bench/RESULTS.md, "Diarization"). Fewer clusters where the groups run out. Numbered in order of
// first appearance.
std::vector<int> added_clusters(const std::vector<float>& embeddings, size_t count, size_t dim,
                                std::vector<int> labels, int clusters);

// Unit centroids of clusters 0..k-1 (row-major [k][dim]) of unit embeddings labelled `labels`; a cluster
// without members gets a zero vector.
std::vector<float> centroids(const std::vector<float>& embeddings, size_t dim, const std::vector<int>& labels,
                             int k);

}  // namespace yv::diarize
