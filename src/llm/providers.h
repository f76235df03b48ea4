// LLM providers by name: where their OpenAI-compatible chat-completions endpoint is, which model to ask, and
// which environment variable holds the key.
//
// Base URLs and keys come only from the operator's environment, never from a request: a client choosing the
// URL could make the server call into its own network, and a client's key would end up in stored parameters.
// Keys are read when a request is made and kept out of every message, log line and output.
//
//   provider    base URL (YIVIDEO_LLM_<NAME>_BASE_URL)                    model (YIVIDEO_LLM_<NAME>_MODEL)
//   key deepseek    https://api.deepseek.com/v1                               deepseek-chat DEEPSEEK_API_KEY
//   gemini      https://generativelanguage.googleapis.com/v1beta/openai   gemini-2.0-flash    GEMINI_API_KEY
//   zhipu       https://open.bigmodel.cn/api/paas/v4                      glm-4-flash         ZHIPU_API_KEY
//   volcengine  https://ark.cn-beijing.volces.com/api/v3                  (required: endpoint)
//   VOLCENGINE_API_KEY openai      https://api.openai.com/v1                                 gpt-4o-mini
//   OPENAI_API_KEY local       http://127.0.0.1:8081/v1 (llama-server or any server)     local
//   YIVIDEO_LLM_LOCAL_API_KEY
//                                                                                              (optional)
// YIVIDEO_LLM_PROVIDER names the default provider (local when unset).
#pragma once

#include <string>
#include <vector>

namespace yv::llm {

struct Provider {
  std::string name;
  std::string base_url;  // without the trailing /chat/completions
  std::string model;
  std::string key_variable;  // the environment variable holding the key
  bool key_required = true;
  // Whether it takes response_format json_schema (structured output: OpenAI, Gemini, llama-server and the
  // other local servers). DeepSeek, Zhipu and Volcengine document json_object only.
  bool json_schema = false;
};

// The provider names above, for parameter choices.
const std::vector<std::string>& provider_names();

// The provider YIVIDEO_LLM_PROVIDER names, else "local".
std::string default_provider();

// `name` configured from the environment; `model` (when not empty) replaces the configured model. Throws
// yv::Error "invalid_parameter" for an unknown name and "llm_not_configured" (400) for a provider that lacks
// a model.
Provider provider(const std::string& name, const std::string& model = "");

// The provider's key from its variable; empty when unset. Throws yv::Error "llm_not_configured" (400), naming
// the provider and the variable, when the provider requires a key and none is set.
std::string api_key(const Provider& provider);

}  // namespace yv::llm
