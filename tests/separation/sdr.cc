#include "separation/sdr.h"

#include <algorithm>
#include <cmath>

namespace yv::test {

double sdr_db(const std::vector<float>& reference, const std::vector<float>& estimate) {
  double signal = 0, error = 0;
  for (size_t i = 0; i < reference.size(); ++i) {
    const double e = i < estimate.size() ? estimate[i] : 0.0;
    signal += double(reference[i]) * reference[i];
    error += (reference[i] - e) * (reference[i] - e);
  }
  return 10 * std::log10(signal / std::max(error, 1e-20));
}

}  // namespace yv::test
