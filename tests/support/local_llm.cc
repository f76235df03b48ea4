#include "support/local_llm.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "core/paths.h"
#include "support/fixtures.h"
#include "support/subprocess.h"

namespace yv::test {

namespace fs = std::filesystem;

namespace {
std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}
}  // namespace

const std::string kLocalInstructModel = YIVIDEO_LOCAL_INSTRUCT_MODEL,
                  kLocalBaseModel = YIVIDEO_LOCAL_BASE_MODEL;

std::string llama_server_binary() {
  const std::string path = env_or("YIVIDEO_LLAMA_SERVER", "");
  if (!path.empty()) return path;
  const fs::path recorded = cache_dir() / ".llama-server-path";
  if (!fs::exists(recorded)) throw std::runtime_error("no llama-server: run scripts/test, which builds it");
  return read_text(recorded.string());
}

std::string llm_model(const std::string& file) {
  const fs::path path =
      fs::path(env_or("YIVIDEO_MODEL_DIR", (cache_dir() / "models").string())) / "llm" / file;
  if (!fs::exists(path)) throw std::runtime_error(path.string() + " is missing: run scripts/test");
  return path.string();
}

std::vector<std::string> local_llm_env() {
  return {"YIVIDEO_LLM_LOCAL_MODEL=" + llm_model(kLocalInstructModel),
          "YIVIDEO_LLAMA_SERVER=" + llama_server_binary(),
          "YIVIDEO_LLM_LOCAL_PORT=" + std::to_string(free_port()), "YIVIDEO_LLM_LOCAL_THREADS=1"};
}

}  // namespace yv::test
