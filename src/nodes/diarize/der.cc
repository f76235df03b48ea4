#include "nodes/diarize/der.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

namespace yv::diarize {
namespace {

// Index of each distinct speaker label, in order of first appearance.
std::map<std::string, int> speaker_index(const std::vector<Turn>& turns) {
  std::map<std::string, int> index;
  for (const auto& t : turns) index.emplace(t.speaker, int(index.size()));
  return index;
}

// Elementary intervals between all boundaries, with the speakers active in each (by index) and whether
// scored.
struct Piece {
  double length;
  std::vector<int> ref, hyp;
};

std::vector<Piece> pieces(const std::vector<Turn>& reference, const std::vector<Turn>& hypothesis,
                          const std::map<std::string, int>& ref_ids,
                          const std::map<std::string, int>& hyp_ids, double collar) {
  std::set<double> cuts;
  std::vector<std::pair<double, double>> unscored;
  for (const auto& t : reference) {
    cuts.insert({t.start, t.end});
    if (collar > 0) {
      unscored.push_back({t.start - collar, t.start + collar});
      unscored.push_back({t.end - collar, t.end + collar});
      cuts.insert({t.start - collar, t.start + collar, t.end - collar, t.end + collar});
    }
  }
  for (const auto& t : hypothesis) cuts.insert({t.start, t.end});
  std::vector<Piece> out;
  for (auto it = cuts.begin(); it != cuts.end() && std::next(it) != cuts.end(); ++it) {
    const double a = *it, b = *std::next(it), mid = (a + b) / 2;
    if (std::any_of(unscored.begin(), unscored.end(),
                    [&](auto& u) { return u.first <= mid && mid < u.second; }))
      continue;
    Piece p{b - a, {}, {}};
    for (const auto& t : reference)
      if (t.start <= mid && mid < t.end) p.ref.push_back(ref_ids.at(t.speaker));
    for (const auto& t : hypothesis)
      if (t.start <= mid && mid < t.end) p.hyp.push_back(hyp_ids.at(t.speaker));
    // A speaker with two overlapping turns of its own still speaks once.
    for (auto* v : {&p.ref, &p.hyp}) {
      std::sort(v->begin(), v->end());
      v->erase(std::unique(v->begin(), v->end()), v->end());
    }
    if (!p.ref.empty() || !p.hyp.empty()) out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

std::vector<int> best_assignment(const std::vector<std::vector<double>>& score) {
  const int rows = int(score.size());
  if (rows == 0) return {};
  const int cols = int(score[0].size());
  const int n = std::max(rows, cols);
  // Minimise cost = -score on an n x n matrix padded with zeros; potentials u, v; p[j] = row matched to
  // column j.
  const auto cost = [&](int i, int j) { return (i < rows && j < cols) ? -score[i][j] : 0.0; };
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1), v(n + 1);
  std::vector<int> p(n + 1), way(n + 1);
  for (int i = 1; i <= n; ++i) {
    p[0] = i;
    int j0 = 0;
    std::vector<double> minv(n + 1, inf);
    std::vector<bool> used(n + 1, false);
    do {
      used[j0] = true;
      const int i0 = p[j0];
      double delta = inf;
      int j1 = 0;
      for (int j = 1; j <= n; ++j) {
        if (used[j]) continue;
        const double cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (int j = 0; j <= n; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const int j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  std::vector<int> result(rows, -1);
  for (int j = 1; j <= n; ++j) {
    if (p[j] >= 1 && p[j] <= rows && j <= cols) result[p[j] - 1] = j - 1;
  }
  return result;
}

DerResult diarization_error(const std::vector<Turn>& reference, const std::vector<Turn>& hypothesis,
                            double collar) {
  const auto ref_ids = speaker_index(reference), hyp_ids = speaker_index(hypothesis);
  const auto scored = pieces(reference, hypothesis, ref_ids, hyp_ids, collar);
  std::vector<std::vector<double>> overlap(ref_ids.size(), std::vector<double>(hyp_ids.size(), 0.0));
  for (const auto& p : scored)
    for (int r : p.ref)
      for (int h : p.hyp) overlap[r][h] += p.length;
  const auto mapped = best_assignment(overlap);

  DerResult out;
  for (const auto& p : scored) {
    const double nref = double(p.ref.size()), nhyp = double(p.hyp.size());
    int correct = 0;
    for (int r : p.ref) {
      if (mapped[r] >= 0 && std::binary_search(p.hyp.begin(), p.hyp.end(), mapped[r])) ++correct;
    }
    out.reference_speech += nref * p.length;
    out.missed += std::max(0.0, nref - nhyp) * p.length;
    out.false_alarm += std::max(0.0, nhyp - nref) * p.length;
    out.confusion += (std::min(nref, nhyp) - correct) * p.length;
  }
  return out;
}

}  // namespace yv::diarize
