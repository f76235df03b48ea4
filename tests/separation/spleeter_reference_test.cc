// Our Spleeter (tools/spleeter_to_onnx.py's networks run by sherpa-onnx) against the original: the stems that
// Deezer's TensorFlow code gives with the original checkpoint on the same real recording, kept at 1000 points
// of each channel of each stem in spleeter_reference.json (made once by tools/spleeter_reference.py, whose
// header says how and on what).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "media/audio_decoder.h"
#include "nodes/audio_separator/separation_model.h"
#include "separation/sdr.h"
#include "support/fixtures.h"

namespace yv::test {
namespace {

using nlohmann::json;

constexpr size_t kSpleeterPadding = 4096;  // the frame of zeros Spleeter puts before its input

json reference() {
  std::ifstream in(YIVIDEO_SPLEETER_REFERENCE);
  return json::parse(in);
}

// The reference's input, rebuilt as the tool built it: music + speech on the left, music + speech / 2 on the
// right, both decoded at 44.1 kHz; preceded by Spleeter's frame of zeros and followed by zeros to one whole
// 512-frame window, so that sherpa-onnx cuts the frames and the segment Spleeter cut.
sherpa::StereoSamples input(const json& ref) {
  const size_t n = ref["input_samples"];
  const auto music = media::decode_audio(test_data(ref["music"]), 44100).samples;
  const auto speech = media::decode_audio(test_data(ref["speech"]), 44100).samples;
  sherpa::StereoSamples out;
  for (int c = 0; c < 2; ++c) {
    out[c].assign(sherpa::kWindowSamples, 0.0f);
    for (size_t i = 0; i < n && i < music.size(); ++i)
      out[c][kSpleeterPadding + i] = music[i] + (i < speech.size() ? speech[i] * (c ? 0.5f : 1.0f) : 0.0f);
  }
  return out;
}

TEST(SpleeterReference, StemsMatchTheOriginalTensorFlowSpleeter) {
  const json ref = reference();
  const sherpa::Stems stems = audio_separator::spleeter().separate(input(ref));
  for (const auto& [name, stem] :
       {std::pair{"vocals", &stems.vocals}, {"accompaniment", &stems.accompaniment}}) {
    for (size_t c = 0; c < 2; ++c) {
      const auto& expected_samples = ref[name]["samples"][c];
      std::vector<float> expected, ours;
      for (size_t i = 0; i < expected_samples.size(); ++i) {
        expected.push_back(expected_samples[i]);
        ours.push_back((*stem)[c][kSpleeterPadding + ref["positions"][i].get<size_t>()]);
      }
      const size_t n = ref["input_samples"];
      double energy = 0;
      for (size_t i = 0; i < n; ++i)
        energy += double((*stem)[c][kSpleeterPadding + i]) * (*stem)[c][kSpleeterPadding + i];
      const double rms = std::sqrt(energy / double(n)), expected_rms = ref[name]["rms"][c];
      const double agreement = sdr_db(expected, ours);
      std::cout << name << " channel " << c << ": SDR against TensorFlow's " << agreement << " dB over "
                << expected.size() << " points; RMS " << rms << " (TensorFlow " << expected_rms << ")\n";
      EXPECT_GT(agreement, 60.0) << name << " channel " << c;
      EXPECT_NEAR(rms, expected_rms, 0.001 * expected_rms) << name << " channel " << c;
    }
  }
}

}  // namespace
}  // namespace yv::test
