#include "support/ggml_file.h"

#include <fstream>
#include <string>
#include <vector>

namespace yv::test {

uint64_t write_ggml_file(const std::filesystem::path& path, const GgmlFile& spec) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const auto put = [&](int32_t v) { out.write(reinterpret_cast<const char*>(&v), sizeof v); };
  put(0x67676d6c);
  // tiny's shapes: n_vocab, audio ctx/state/head/layer, text ctx/state/head/layer, mels, ftype.
  for (int32_t v : {spec.n_vocab, 1500, 384, 6, 4, 448, 384, 6, 4, 80, spec.ftype}) put(v);
  put(80);  // mel filters
  put(201);
  const std::vector<float> filters(80 * 201, 0.5f);
  out.write(reinterpret_cast<const char*>(filters.data()), std::streamsize(filters.size() * sizeof(float)));
  const std::vector<std::string> tokens = {"!", "\"", " the"};
  put(int32_t(tokens.size()));
  for (const auto& t : tokens) {
    put(int32_t(t.size()));
    out.write(t.data(), std::streamsize(t.size()));
  }
  const std::string name = "decoder.token_embedding.weight";
  put(spec.tensor_dims);
  put(int32_t(name.size()));
  put(0);  // f32
  int32_t elements = 1;
  for (int i = 0; i < spec.tensor_dims; ++i) {
    put(4);
    elements *= 4;
  }
  out.write(name.data(), std::streamsize(name.size()));
  const std::vector<float> data(size_t(elements), 1.0f);
  out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size() * sizeof(float)));
  out.close();
  return std::filesystem::file_size(path);
}

}  // namespace yv::test
