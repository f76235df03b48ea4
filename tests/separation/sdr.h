// Signal-to-distortion ratio, the separation measure of the tests and bench/separation_bench.py.
#pragma once

#include <vector>

namespace yv::test {

// 10 log10(|reference|^2 / |reference - estimate|^2) in dB over the reference's length (the estimate is cut
// or padded with zeros to it): the plain SDR, with no gain or filter allowed to the estimate (stricter than
// BSS Eval's, which forgives a filtered estimate). A mixture's own SDR against its speech is its
// speech-to-rest ratio.
double sdr_db(const std::vector<float>& reference, const std::vector<float>& estimate);

}  // namespace yv::test
