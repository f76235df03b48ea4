#include "nodes/whisper/model_file.h"

#include <ggml.h>

#include <algorithm>
#include <fstream>

#include "core/error.h"
#include "nodes/whisper/languages.h"

namespace yv::whisper {
namespace fs = std::filesystem;

namespace {

constexpr uint32_t kMagic = 0x67676d6c;  // "ggml"
constexpr int32_t kEnglishOnlyVocab = 51864, kLargestVocab = 51866;

// The weight types whisper.cpp's quantize writes, and the two it converts from. Any other value would reach
// ggml_ftype_to_ggml_type, which aborts on what it does not know.
constexpr ggml_ftype kWeightTypes[] = {
    GGML_FTYPE_ALL_F32,     GGML_FTYPE_MOSTLY_F16,  GGML_FTYPE_MOSTLY_Q4_0, GGML_FTYPE_MOSTLY_Q4_1,
    GGML_FTYPE_MOSTLY_Q5_0, GGML_FTYPE_MOSTLY_Q5_1, GGML_FTYPE_MOSTLY_Q8_0, GGML_FTYPE_MOSTLY_Q2_K,
    GGML_FTYPE_MOSTLY_Q3_K, GGML_FTYPE_MOSTLY_Q4_K, GGML_FTYPE_MOSTLY_Q5_K, GGML_FTYPE_MOSTLY_Q6_K};

[[noreturn]] void refuse(const fs::path& file, const std::string& why) {
  throw Error("invalid_model_file", file.filename().string() + " is not a usable ggml Whisper model: " + why,
              400);
}

// Sequential reads that refuse to run past the end of the file.
class Reader {
 public:
  explicit Reader(const fs::path& file) : file_(file), in_(file, std::ios::binary) {
    std::error_code ec;
    size_ = fs::file_size(file, ec);
    if (!in_ || ec) refuse(file, "it cannot be read");
  }

  template <typename T>
  T read(const char* what) {
    T value{};
    if (remaining() < sizeof value) refuse(file_, std::string("it ends inside ") + what);
    in_.read(reinterpret_cast<char*>(&value), sizeof value);
    return value;
  }
  void skip(uint64_t bytes, const std::string& what) {
    if (remaining() < bytes) refuse(file_, "it ends inside " + what + " (truncated?)");
    in_.seekg(std::streamoff(bytes), std::ios::cur);
  }
  uint64_t remaining() { return size_ - uint64_t(in_.tellg()); }
  const fs::path& file() const { return file_; }

 private:
  fs::path file_;
  std::ifstream in_;
  uint64_t size_ = 0;
};

bool between(int32_t v, int32_t lo, int32_t hi) { return v >= lo && v <= hi; }

ModelFileInfo read_header(Reader& r) {
  if (r.read<uint32_t>("the magic") != kMagic) refuse(r.file(), "it does not start with the ggml magic");
  int32_t h[11];
  for (auto& v : h) v = r.read<int32_t>("the hyper-parameters");
  const auto [n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx, n_text_state,
              n_text_head, n_text_layer, n_mels, ftype] = h;
  if (!between(n_vocab, kEnglishOnlyVocab, kLargestVocab))
    refuse(r.file(), "its vocabulary has " + std::to_string(n_vocab) + " tokens, not Whisper's 51864-51866");
  if (n_audio_ctx != 1500 || n_text_ctx != 448) refuse(r.file(), "its context sizes are not Whisper's");
  const bool shapes = between(n_audio_state, 1, 8192) && n_text_state == n_audio_state &&
                      between(n_audio_head, 1, 128) && n_audio_state % n_audio_head == 0 &&
                      between(n_text_head, 1, 128) && n_text_state % n_text_head == 0 &&
                      between(n_audio_layer, 1, 128) && between(n_text_layer, 1, 128);
  if (!shapes) refuse(r.file(), "its layer sizes are not those of a Whisper model");
  if (n_mels != 80 && n_mels != 128) refuse(r.file(), "it has " + std::to_string(n_mels) + " mel bands");
  const int32_t weights = ftype % GGML_QNT_VERSION_FACTOR;
  if (ftype < 0 || std::find(std::begin(kWeightTypes), std::end(kWeightTypes), ggml_ftype(weights)) ==
                       std::end(kWeightTypes)) {
    refuse(r.file(), "its weight type " + std::to_string(ftype) + " is not one whisper.cpp reads");
  }
  return {n_vocab, n_audio_state, n_audio_layer, n_text_state, n_text_layer, n_mels, weights};
}

// Tensor records from here to the end of the file.
void check_tensors(Reader& r) {
  int tensors = 0;
  while (r.remaining() > 0) {
    const std::string what = "tensor " + std::to_string(tensors);
    const int32_t n_dims = r.read<int32_t>(what.c_str());
    const int32_t name_length = r.read<int32_t>(what.c_str());
    const int32_t type = r.read<int32_t>(what.c_str());
    if (!between(n_dims, 1, 4) || !between(name_length, 1, 256))
      refuse(r.file(), what + " has a malformed record");
    if (!between(type, 0, GGML_TYPE_COUNT - 1) || ggml_blck_size(ggml_type(type)) <= 0 ||
        ggml_type_size(ggml_type(type)) == 0) {
      refuse(r.file(), what + " has an unknown type " + std::to_string(type));
    }
    const int64_t block = ggml_blck_size(ggml_type(type));
    int64_t elements = 1;
    for (int i = 0; i < n_dims; ++i) {
      const int32_t n = r.read<int32_t>(what.c_str());
      if (!between(n, 1, 1 << 24) || elements > (int64_t(1) << 40) / n)
        refuse(r.file(), what + " has an impossible shape");
      if (i == 0 && n % block != 0) refuse(r.file(), what + "'s rows do not fill whole blocks of its type");
      elements *= n;
    }
    r.skip(uint64_t(name_length), what);
    r.skip(uint64_t(elements / block) * ggml_type_size(ggml_type(type)), what);
    tensors++;
  }
  if (tensors == 0) refuse(r.file(), "it holds no weights");
}

}  // namespace

std::vector<std::string> languages_of_vocabulary(int32_t n_vocab) {
  if (n_vocab < 51865) return {"en"};
  const auto& codes = language_codes();
  // Whisper's vocabulary holds one token per language after the 51765 text tokens and the start token.
  const size_t count = std::min(codes.size(), size_t(n_vocab - 51765 - 1));
  return {codes.begin(), codes.begin() + long(count)};
}

std::vector<std::string> ModelFileInfo::languages() const { return languages_of_vocabulary(n_vocab); }

std::string ModelFileInfo::quantization() const {
  return ggml_type_name(ggml_ftype_to_ggml_type(ggml_ftype(ftype)));
}

ModelFileInfo read_model_header(const fs::path& file) {
  Reader r(file);
  return read_header(r);
}

ModelFileInfo check_model_file(const fs::path& file) {
  Reader r(file);
  const ModelFileInfo info = read_header(r);
  const int32_t n_mel = r.read<int32_t>("the mel filters"), n_fft = r.read<int32_t>("the mel filters");
  if (n_mel != info.n_mels || !between(n_fft, 1, 1024)) refuse(file, "its mel filters are malformed");
  r.skip(uint64_t(n_mel) * uint64_t(n_fft) * sizeof(float), "the mel filters");
  const int32_t tokens = r.read<int32_t>("the vocabulary");
  if (!between(tokens, 0, info.n_vocab)) refuse(file, "its vocabulary is malformed");
  for (int32_t i = 0; i < tokens; ++i) r.skip(r.read<uint32_t>("the vocabulary"), "the vocabulary");
  check_tensors(r);
  return info;
}

}  // namespace yv::whisper
