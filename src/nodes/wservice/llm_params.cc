#include "nodes/wservice/llm_params.h"

#include <map>

#include "core/error.h"
#include "core/files.h"
#include "nodes/wservice/align.h"

namespace yv::wservice {

using engine::ParamType;
using nlohmann::json;

namespace {

constexpr size_t kMaxPromptBytes = 64 << 10;

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

}  // namespace

std::vector<engine::ParamSpec> llm_params() {
  json choices = json::array();
  for (const auto& name : llm::provider_names()) choices.push_back(name);
  return {
      {"provider", ParamType::kString, nullptr, false, true,
       "LLM provider (default: the server's YIVIDEO_LLM_PROVIDER, else local); keys come from the server's "
       "environment",
       nullptr, nullptr, choices},
      {"model", ParamType::kString, nullptr, false, false,
       "Model name (default: the provider's configured one)", nullptr, nullptr, nullptr,
       "^[A-Za-z0-9._:/@-]{1,128}$"},
      {"prompt_file_path", ParamType::kString, nullptr, false, false,
       "A UTF-8 file with the system prompt to use instead of the built-in one ({source_language} and "
       "{target_language} are replaced)"},
      {"timeout_seconds", ParamType::kNumber, 300, false, false, "Seconds one LLM call may take", 1, 3600},
      {"max_retries", ParamType::kInteger, 3, false, false,
       "Retries of an LLM call on 429/5xx, and re-asks of an answer that breaks the limits", 0, 10},
  };
}

llm::ChatClient llm_client(const json& params, const std::atomic<bool>& cancelled, int max_tokens,
                           double temperature) {
  const std::string name =
      params.contains("provider") ? params["provider"].get<std::string>() : llm::default_provider();
  const llm::Provider provider = llm::provider(name, params.value("model", ""));
  llm::ChatOptions options;
  options.timeout_seconds = params["timeout_seconds"];
  options.idle_seconds = std::min(options.timeout_seconds, 60.0);
  options.max_retries = params["max_retries"];
  options.max_tokens = max_tokens;
  options.temperature = temperature;
  return llm::ChatClient(provider, options, &cancelled);
}

std::string system_prompt(const json& params, const std::string& fallback, const std::string& source_language,
                          const std::string& target_language) {
  std::string prompt = fallback;
  if (params.contains("prompt_file_path")) {
    prompt = read_file(params["prompt_file_path"].get<std::string>());
    if (prompt.size() > kMaxPromptBytes || !is_utf8(prompt))
      throw Error("invalid_input", "prompt_file_path must be UTF-8 text of at most 64 KiB");
  }
  replace_all(prompt, "{source_language}", language_name(source_language));
  replace_all(prompt, "{target_language}", language_name(target_language));
  return prompt;
}

std::string trimmed(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  return first == std::string::npos ? "" : text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::string language_name(const std::string& code) {
  static const std::map<std::string, std::string> kNames = {{"zh", "Chinese (Simplified)"},
                                                            {"zh-cn", "Chinese (Simplified)"},
                                                            {"zh-tw", "Chinese (Traditional)"},
                                                            {"en", "English"},
                                                            {"ja", "Japanese"},
                                                            {"ko", "Korean"},
                                                            {"fr", "French"},
                                                            {"de", "German"},
                                                            {"es", "Spanish"},
                                                            {"it", "Italian"},
                                                            {"pt", "Portuguese"},
                                                            {"ru", "Russian"},
                                                            {"ar", "Arabic"},
                                                            {"vi", "Vietnamese"},
                                                            {"th", "Thai"},
                                                            {"id", "Indonesian"},
                                                            {"nl", "Dutch"},
                                                            {"tr", "Turkish"}};
  const auto it = kNames.find(code);
  return it == kNames.end() ? code : it->second;
}

}  // namespace yv::wservice
