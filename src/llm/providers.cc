#include "llm/providers.h"

#include <algorithm>
#include <cstdlib>

#include "core/error.h"

namespace yv::llm {
namespace {

const std::vector<Provider>& known() {
  static const std::vector<Provider> kKnown = {
      {"deepseek", "https://api.deepseek.com/v1", "deepseek-chat", "DEEPSEEK_API_KEY", true, false},
      {"gemini", "https://generativelanguage.googleapis.com/v1beta/openai", "gemini-2.0-flash",
       "GEMINI_API_KEY", true, true},
      {"zhipu", "https://open.bigmodel.cn/api/paas/v4", "glm-4-flash", "ZHIPU_API_KEY", true, false},
      {"volcengine", "https://ark.cn-beijing.volces.com/api/v3", "", "VOLCENGINE_API_KEY", true, false},
      {"openai", "https://api.openai.com/v1", "gpt-4o-mini", "OPENAI_API_KEY", true, true},
      {"local", "http://127.0.0.1:8081/v1", "local", "YIVIDEO_LLM_LOCAL_API_KEY", false, true},
  };
  return kKnown;
}

std::string env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value ? value : "";
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

}  // namespace

const std::vector<std::string>& provider_names() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& p : known()) names.push_back(p.name);
    return names;
  }();
  return kNames;
}

std::string default_provider() {
  const std::string name = env("YIVIDEO_LLM_PROVIDER");
  return name.empty() ? "local" : name;
}

Provider provider(const std::string& name, const std::string& model) {
  const auto it =
      std::find_if(known().begin(), known().end(), [&](const Provider& p) { return p.name == name; });
  if (it == known().end()) throw Error("invalid_parameter", "unknown LLM provider '" + name + "'");
  Provider p = *it;
  const std::string prefix = "YIVIDEO_LLM_" + upper(name) + "_";
  if (const std::string url = env(prefix + "BASE_URL"); !url.empty()) p.base_url = url;
  if (const std::string configured = env(prefix + "MODEL"); !configured.empty()) p.model = configured;
  if (!model.empty()) p.model = model;
  while (p.base_url.ends_with('/')) p.base_url.pop_back();
  if (p.model.empty()) {
    throw Error("llm_not_configured", "LLM provider " + name + " needs a model: set " + prefix +
                                          "MODEL (for volcengine, the endpoint id) or give `model`");
  }
  return p;
}

std::string api_key(const Provider& p) {
  std::string key = env(p.key_variable);
  if (key.empty() && p.key_required) {
    throw Error("llm_not_configured",
                "LLM provider " + p.name + " has no API key: set " + p.key_variable + " for the workers");
  }
  return key;
}

}  // namespace yv::llm
