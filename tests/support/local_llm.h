// The local LLM that scripts/test installs (llama-server and the GGUF weights named in
// third_party/versions.lock), for tests that start it themselves or have `yivideo serve` start it.
#pragma once

#include <string>
#include <vector>

namespace yv::test {

// $YIVIDEO_LLAMA_SERVER, else the llama-server path scripts/lib/deps.sh recorded in the cache. Throws
// std::runtime_error when neither exists.
std::string llama_server_binary();
// Path of a GGUF file in $YIVIDEO_MODEL_DIR/llm (default: the cache's models/llm). Throws std::runtime_error
// when it is missing.
std::string llm_model(const std::string& file);
// The instruct model the server uses by default (versions.lock's LLM_QWEN_FILE) and the base model kept for
// protocol tests (LLM_GEMMA_FILE): file names, for llm_model().
extern const std::string kLocalInstructModel, kLocalBaseModel;

// The environment of a LiveServer whose translation runs on the local llama-server with the instruct model,
// on a free port and one thread (the dub presets' tests).
std::vector<std::string> local_llm_env();

}  // namespace yv::test
