#include "nodes/diarize/clustering.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace yv::diarize {
namespace {

constexpr size_t kDim = 8;

// `n` unit vectors scattered by `spread` around axis `axis`, appended to `points`.
void add_group(std::vector<float>& points, int axis, int n, std::mt19937& rng, float spread = 0.05f) {
  std::normal_distribution<float> noise(0.0f, spread);
  for (int i = 0; i < n; ++i) {
    std::vector<float> v(kDim);
    for (auto& x : v) x = noise(rng);
    v[size_t(axis)] += 1.0f;
    float norm = 0;
    for (float x : v) norm += x * x;
    for (float x : v) points.push_back(x / std::sqrt(norm));
  }
}

// Two talkers found, a third who says little merged into the first: the third is added from its own
// windows, and the two found keep theirs.
TEST(AddedClusters, TheVoiceUnlikeEveryFoundOneIsAdded) {
  std::mt19937 rng(7);
  std::vector<float> points;
  add_group(points, 0, 20, rng);
  add_group(points, 1, 20, rng);
  add_group(points, 2, 3, rng, 0.01f);  // one group of seeded clustering's ten
  std::vector<int> found(43, 0);
  std::fill(found.begin() + 20, found.begin() + 40, 1);
  const auto labels = added_clusters(points, 43, kDim, found, 3);
  for (size_t i = 0; i < 40; ++i) EXPECT_EQ(labels[i], found[i]) << i;
  for (size_t i = 40; i < 43; ++i) EXPECT_EQ(labels[i], 2) << i;
}

// More clusters asked for than there are points to form them: as many as there can be, numbered 0..k-1.
TEST(AddedClusters, FewerWhereTheGroupsRunOut) {
  std::mt19937 rng(7);
  std::vector<float> points;
  add_group(points, 0, 1, rng);
  add_group(points, 1, 1, rng);
  add_group(points, 2, 1, rng);
  const auto labels = added_clusters(points, 3, kDim, {0, 0, 0}, 5);
  const int k = *std::max_element(labels.begin(), labels.end()) + 1;
  EXPECT_LE(k, 3);
  for (int j = 0; j < k; ++j) EXPECT_NE(std::find(labels.begin(), labels.end(), j), labels.end()) << j;
}

}  // namespace
}  // namespace yv::diarize
