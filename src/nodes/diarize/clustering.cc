#include "nodes/diarize/clustering.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <tuple>

extern "C" void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda,
                        double* w, double* work, const int* lwork, int* iwork, const int* liwork, int* info);

namespace yv::diarize {
namespace {

using Matrix = std::vector<float>;  // row-major

// Eigenvalues (ascending) and, when `vectors`, eigenvectors (column j of the column-major result = vector j)
// of a symmetric matrix; LAPACK's divide and conquer, from OpenBLAS.
std::vector<double> eigen(std::vector<double>& a, int n, bool vectors) {
  std::vector<double> w(n);
  const char jobz = vectors ? 'V' : 'N', uplo = 'U';
  int lwork = -1, liwork = -1, info = 0, iwork_size = 0;
  double work_size = 0;
  dsyevd_(&jobz, &uplo, &n, a.data(), &n, w.data(), &work_size, &lwork, &iwork_size, &liwork, &info);
  lwork = int(work_size);
  liwork = iwork_size;
  std::vector<double> work(std::max(1, lwork));
  std::vector<int> iwork(std::max(1, liwork));
  dsyevd_(&jobz, &uplo, &n, a.data(), &n, w.data(), work.data(), &lwork, iwork.data(), &liwork, &info);
  if (info != 0) throw std::runtime_error("eigendecomposition did not converge");
  return w;
}

Matrix cosine_affinity(const std::vector<float>& e, size_t n, size_t dim) {
  Matrix s(n * n);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(n), int(n), int(dim), 1.0f, e.data(), int(dim),
              e.data(), int(dim), 0.0f, s.data(), int(n));
  return s;
}

// Laplacian D - A of the graph linking each row to its p strongest neighbours, symmetrised (A + A^T) / 2.
std::vector<double> pruned_laplacian(const Matrix& s, size_t n, size_t p) {
  std::vector<double> a(n * n, 0.0);
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) {
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + long(p), order.end(),
                      [&](size_t x, size_t y) { return s[i * n + x] > s[i * n + y]; });
    for (size_t k = 0; k < p; ++k) {
      a[i * n + order[k]] += 0.5;
      a[order[k] * n + i] += 0.5;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    double degree = 0;
    for (size_t j = 0; j < n; ++j) degree += a[i * n + j];
    for (size_t j = 0; j < n; ++j) a[i * n + j] = (i == j ? degree : 0.0) - a[i * n + j];
  }
  return a;
}

// Count with the largest gap after it, among [lo, hi]; and that gap.
std::pair<int, double> largest_gap(const std::vector<double>& lambda, int lo, int hi) {
  int best = lo;
  double gap = -1;
  for (int k = lo; k <= hi && k < int(lambda.size()); ++k) {
    const double g = lambda[k] - lambda[k - 1];  // after the k smallest
    if (g > gap) {
      gap = g;
      best = k;
    }
  }
  return {best, gap};
}

// Lloyd's k-means on `points` (row-major n x dim) from the given labels, until nothing moves (at most 50
// rounds).
void kmeans(const std::vector<double>& points, size_t n, size_t dim, int k, std::vector<int>& labels) {
  std::vector<double> centre(size_t(k) * dim);
  for (int round = 0; round < 50; ++round) {
    std::fill(centre.begin(), centre.end(), 0.0);
    std::vector<int> size(k, 0);
    for (size_t i = 0; i < n; ++i) {
      size[labels[i]]++;
      for (size_t d = 0; d < dim; ++d) centre[labels[i] * dim + d] += points[i * dim + d];
    }
    for (int c = 0; c < k; ++c)
      for (size_t d = 0; d < dim; ++d) centre[c * dim + d] /= std::max(1, size[c]);
    bool moved = false;
    for (size_t i = 0; i < n; ++i) {
      int best = labels[i];
      double best_d = std::numeric_limits<double>::infinity();
      for (int c = 0; c < k; ++c) {
        if (size[c] == 0) continue;
        double dist = 0;
        for (size_t d = 0; d < dim; ++d) dist += std::pow(points[i * dim + d] - centre[c * dim + d], 2);
        if (dist < best_d) {
          best_d = dist;
          best = c;
        }
      }
      moved |= best != labels[i];
      labels[i] = best;
    }
    if (!moved) return;
  }
}

double inertia(const std::vector<double>& points, size_t n, size_t dim, int k,
               const std::vector<int>& labels) {
  std::vector<double> centre(size_t(k) * dim, 0.0);
  std::vector<int> size(k, 0);
  for (size_t i = 0; i < n; ++i) {
    size[labels[i]]++;
    for (size_t d = 0; d < dim; ++d) centre[labels[i] * dim + d] += points[i * dim + d];
  }
  double total = 0;
  for (size_t i = 0; i < n; ++i)
    for (size_t d = 0; d < dim; ++d)
      total += std::pow(points[i * dim + d] - centre[labels[i] * dim + d] / std::max(1, size[labels[i]]), 2);
  return total;
}

// k-means++ seeding (fixed seed: the same input always gives the same speakers), best of 10 starts.
std::vector<int> kmeans_plus_plus(const std::vector<double>& points, size_t n, size_t dim, int k) {
  std::mt19937 rng(12345);
  std::vector<int> best;
  double best_inertia = std::numeric_limits<double>::infinity();
  for (int start = 0; start < 10; ++start) {
    std::vector<size_t> seeds = {std::uniform_int_distribution<size_t>(0, n - 1)(rng)};
    std::vector<double> nearest(n, std::numeric_limits<double>::infinity());
    while (int(seeds.size()) < k) {
      for (size_t i = 0; i < n; ++i) {
        double dist = 0;
        for (size_t d = 0; d < dim; ++d)
          dist += std::pow(points[i * dim + d] - points[seeds.back() * dim + d], 2);
        nearest[i] = std::min(nearest[i], dist);
      }
      std::discrete_distribution<size_t> pick(nearest.begin(), nearest.end());
      seeds.push_back(pick(rng));
    }
    std::vector<int> labels(n);
    for (size_t i = 0; i < n; ++i) {
      double best_d = std::numeric_limits<double>::infinity();
      for (int c = 0; c < k; ++c) {
        double dist = 0;
        for (size_t d = 0; d < dim; ++d)
          dist += std::pow(points[i * dim + d] - points[seeds[c] * dim + d], 2);
        if (dist < best_d) {
          best_d = dist;
          labels[i] = c;
        }
      }
    }
    kmeans(points, n, dim, k, labels);
    const double score = inertia(points, n, dim, k, labels);
    if (score < best_inertia) {
      best_inertia = score;
      best = labels;
    }
  }
  return best;
}

// Labels renumbered 0, 1, ... in order of first appearance (empty clusters vanish).
std::vector<int> renumber(const std::vector<int>& labels) {
  std::vector<int> map, out;
  for (int l : labels) {
    if (l >= int(map.size())) map.resize(l + 1, -1);
    if (map[l] < 0) map[l] = *std::max_element(map.begin(), map.end()) + 1;
    out.push_back(map[l]);
  }
  return out;
}

// Moves each embedding to its most similar centroid, a few rounds; then merges centroids closer than
// `merge_above` while more than `min_clusters` remain.
std::vector<int> refine(const std::vector<float>& e, size_t n, size_t dim, std::vector<int> labels,
                        int min_clusters, float merge_above) {
  for (int round = 0; round < 5; ++round) {
    labels = renumber(labels);
    int k = *std::max_element(labels.begin(), labels.end()) + 1;
    auto c = centroids(e, dim, labels, k);
    // Merge the most similar pair first, one pair per round.
    float best = -1;
    int a = 0, b = 0;
    for (int i = 0; i < k; ++i)
      for (int j = i + 1; j < k; ++j) {
        const float sim = cblas_sdot(int(dim), &c[i * dim], 1, &c[j * dim], 1);
        if (sim > best) std::tie(best, a, b) = std::tuple(sim, i, j);
      }
    if (k > min_clusters && best > merge_above) {
      for (int& l : labels)
        if (l == b) l = a;
      round = -1;  // start the rounds again with one speaker fewer
      continue;
    }
    bool moved = false;
    for (size_t i = 0; i < n; ++i) {
      int to = labels[i];
      float top = -2;
      for (int j = 0; j < k; ++j) {
        const float sim = cblas_sdot(int(dim), &e[i * dim], 1, &c[j * dim], 1);
        if (sim > top) std::tie(top, to) = std::tuple(sim, j);
      }
      moved |= to != labels[i];
      labels[i] = to;
    }
    if (!moved) break;
  }
  return renumber(labels);
}

}  // namespace

std::vector<float> centroids(const std::vector<float>& e, size_t dim, const std::vector<int>& labels, int k) {
  std::vector<float> c(size_t(k) * dim, 0.0f);
  for (size_t i = 0; i < labels.size(); ++i)
    for (size_t d = 0; d < dim; ++d) c[labels[i] * dim + d] += e[i * dim + d];
  for (int j = 0; j < k; ++j) {
    double norm = 0;
    for (size_t d = 0; d < dim; ++d) norm += double(c[j * dim + d]) * c[j * dim + d];
    for (size_t d = 0; d < dim; ++d)
      c[j * dim + d] = norm > 0 ? float(c[j * dim + d] / std::sqrt(norm)) : 0.0f;
  }
  return c;
}

std::vector<int> seeded_clusters(const std::vector<float>& embeddings, size_t count, size_t dim,
                                 int clusters) {
  if (count == 0) return {};
  const int k = std::clamp(clusters, 1, int(count));
  const auto groups = agglomerative_clusters(embeddings, count, dim, std::max(k, kSeedGroups));
  const int n_groups = *std::max_element(groups.begin(), groups.end()) + 1;
  std::vector<int> size(static_cast<size_t>(n_groups), 0);
  for (int g : groups) ++size[size_t(g)];
  std::vector<int> order(static_cast<size_t>(n_groups));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return size[size_t(a)] > size[size_t(b)]; });
  const auto c = centroids(embeddings, dim, groups, n_groups);
  std::vector<int> labels(count);
  for (size_t i = 0; i < count; ++i) {
    float top = -2;
    for (int j = 0; j < k; ++j) {
      const float sim = cblas_sdot(int(dim), &embeddings[i * dim], 1, &c[size_t(order[size_t(j)]) * dim], 1);
      if (sim > top) std::tie(top, labels[i]) = std::tuple(sim, j);
    }
  }
  return refine(embeddings, count, dim, std::move(labels), k, 2.0f);  // 2: never merge, the count is given
}

std::vector<int> added_clusters(const std::vector<float>& embeddings, size_t count, size_t dim,
                                std::vector<int> labels, int clusters) {
  if (count == 0) return labels;
  int k = *std::max_element(labels.begin(), labels.end()) + 1;
  const auto groups = agglomerative_clusters(embeddings, count, dim, std::max(clusters, kSeedGroups));
  const int n_groups = *std::max_element(groups.begin(), groups.end()) + 1;
  const auto group_centres = centroids(embeddings, dim, groups, n_groups);
  std::vector<bool> taken(static_cast<size_t>(n_groups), false);
  for (; k < clusters; ++k) {
    const auto c = centroids(embeddings, dim, labels, k);
    int farthest = -1;
    float farthest_likeness = std::numeric_limits<float>::infinity();
    for (int g = 0; g < n_groups; ++g) {
      if (taken[size_t(g)]) continue;
      float likeness = -1;  // to the cluster it is most like
      for (int j = 0; j < k; ++j)
        likeness = std::max(likeness,
                            cblas_sdot(int(dim), &group_centres[size_t(g) * dim], 1, &c[size_t(j) * dim], 1));
      if (likeness < farthest_likeness) std::tie(farthest_likeness, farthest) = std::tuple(likeness, g);
    }
    if (farthest < 0) break;
    taken[size_t(farthest)] = true;
    for (size_t i = 0; i < count; ++i)
      if (groups[i] == farthest) labels[i] = k;
  }
  return renumber(labels);
}

std::vector<int> spectral_clusters(const std::vector<float>& embeddings, size_t count, size_t dim,
                                   const ClusterOptions& options) {
  if (count < 3 || options.max_clusters <= 1) return std::vector<int>(count, 0);
  const Matrix s = cosine_affinity(embeddings, count, dim);
  const int lo = std::max(1, options.min_clusters);
  const int hi = std::clamp(options.max_clusters, lo, int(count) - 1);

  // NME: for each neighbour count p, the gap's prominence g = gap / largest eigenvalue; keep the p with the
  // smallest p / g (a clear gap with few links).
  size_t best_p = 0;
  double best_ratio = std::numeric_limits<double>::infinity();
  const size_t max_p = std::max<size_t>(2, count / 4);
  const size_t step = std::max<size_t>(1, max_p / 12);
  for (size_t p = 2; p <= max_p; p += step) {
    auto l = pruned_laplacian(s, count, p);
    const auto lambda = eigen(l, int(count), false);
    const double gap = largest_gap(lambda, lo, hi).second / std::max(lambda.back(), 1e-10);
    if (gap > 0 && double(p) / gap < best_ratio) {
      best_ratio = double(p) / gap;
      best_p = p;
    }
  }
  if (best_p == 0) return std::vector<int>(count, 0);
  auto vectors = pruned_laplacian(s, count, best_p);
  const auto lambda = eigen(vectors, int(count), true);
  const int k = largest_gap(lambda, lo, hi).first;

  // Rows of the k eigenvectors of the smallest eigenvalues: points that sit in k tight groups.
  std::vector<double> points(count * size_t(k));
  for (size_t i = 0; i < count; ++i)
    for (int j = 0; j < k; ++j) points[i * k + j] = vectors[size_t(j) * count + i];
  auto labels = k == 1 ? std::vector<int>(count, 0) : kmeans_plus_plus(points, count, size_t(k), k);
  return refine(embeddings, count, dim, std::move(labels), lo, options.same_speaker);
}

std::vector<int> agglomerative_clusters(const std::vector<float>& embeddings, size_t count, size_t dim,
                                        int clusters) {
  if (count == 0) return {};
  Matrix s = cosine_affinity(embeddings, count, dim);
  std::vector<int> size(count, 1), owner(count);
  std::iota(owner.begin(), owner.end(), 0);
  std::vector<bool> active(count, true);
  std::vector<size_t> nearest(count, 0);
  std::vector<float> best(count, -std::numeric_limits<float>::infinity());
  const auto find_nearest = [&](size_t i) {
    best[i] = -std::numeric_limits<float>::infinity();
    for (size_t j = 0; j < count; ++j) {
      if (j != i && active[j] && s[i * count + j] > best[i])
        std::tie(best[i], nearest[i]) = std::tuple(s[i * count + j], j);
    }
  };
  for (size_t i = 0; i < count; ++i) find_nearest(i);
  for (size_t left = count; left > size_t(std::max(1, clusters)); --left) {
    size_t a = count;
    for (size_t i = 0; i < count; ++i)
      if (active[i] && (a == count || best[i] > best[a])) a = i;
    const size_t b = nearest[a];
    // Average linkage (Lance-Williams): the merged cluster's mean similarity to every other one.
    for (size_t m = 0; m < count; ++m) {
      if (!active[m] || m == a || m == b) continue;
      const float merged =
          (size[a] * s[a * count + m] + size[b] * s[b * count + m]) / float(size[a] + size[b]);
      s[a * count + m] = s[m * count + a] = merged;
    }
    size[a] += size[b];
    active[b] = false;
    for (auto& o : owner)
      if (o == int(b)) o = int(a);
    for (size_t m = 0; m < count; ++m) {
      if (!active[m]) continue;
      if (m == a || nearest[m] == a || nearest[m] == b) {
        find_nearest(m);
      } else if (s[m * count + a] > best[m]) {
        std::tie(best[m], nearest[m]) = std::tuple(s[m * count + a], a);
      }
    }
  }
  return refine(embeddings, count, dim, owner, clusters, 2.0f);  // 2: never merge, the count is given
}

}  // namespace yv::diarize
