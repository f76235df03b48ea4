// What a whisper.cpp ggml model file says about itself, read without loading its weights.
//
// The layout (whisper.cpp's loader, models/convert-pt-to-ggml.py): the magic "ggml" (0x67676d6c, little
// endian); eleven int32 hyper-parameters (n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
// n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype); the mel filters (int32 n_mel, int32
// n_fft, n_mel * n_fft float32); the vocabulary (int32 count, then per token uint32 length and bytes); then
// tensor records to the end of the file (int32 n_dims, int32 name length, int32 ggml type, n_dims int32
// sizes, the name, the data).
//
// whisper.cpp trusts these numbers: an unknown weight type aborts the process (GGML_ASSERT), more than four
// dimensions overrun a stack array, a huge count allocates without bound. So every model file is checked here
// first — by `import` before it is copied, and by Model::load before whisper.cpp reads it — and a corrupt or
// truncated file is an error that names what is wrong, never a crash.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace yv::whisper {

struct ModelFileInfo {
  int32_t n_vocab = 0;  // 51864: English-only; 51865: multilingual (99 languages); 51866: 100 (large-v3)
  int32_t n_audio_state = 0, n_audio_layer = 0;
  int32_t n_text_state = 0, n_text_layer = 0;
  int32_t n_mels = 0;
  int32_t ftype = 0;  // ggml_ftype of the large weights, without the quantisation version

  bool multilingual() const { return n_vocab >= 51865; }
  std::vector<std::string> languages() const;
  // The weights' ggml type: "f32", "f16", "q5_0", "q8_0", ...
  std::string quantization() const;
};

// The language codes a model with a vocabulary of `n_vocab` tokens transcribes, in Whisper's order: {"en"}
// for an English-only model.
std::vector<std::string> languages_of_vocabulary(int32_t n_vocab);

// Reads the magic and hyper-parameters, which must be those of a Whisper model (vocabulary, context sizes,
// mel bands, a weight type whisper.cpp reads). Cheap: for listing models.
// Throws yv::Error "invalid_model_file" (400) saying what is wrong, also when the file cannot be read.
ModelFileInfo read_model_header(const std::filesystem::path& file);

// read_model_header, then every record after it: the mel filters, the vocabulary and each tensor (at most
// four dimensions, a known type, its data inside the file), which must end exactly at the end of the file.
// Seeks over the weights instead of reading them: milliseconds even for the large models. Throws yv::Error
// "invalid_model_file" (400) as read_model_header does, also for a truncated file.
ModelFileInfo check_model_file(const std::filesystem::path& file);

}  // namespace yv::whisper
