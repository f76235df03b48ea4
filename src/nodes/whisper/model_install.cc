#include "nodes/whisper/model_install.h"

#include <openssl/evp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <vector>

#include "core/error.h"

namespace yv::whisper {
namespace fs = std::filesystem;

namespace {

bool installed(const ModelStore& store, const std::string& name) {
  std::error_code ec;
  return fs::is_regular_file(store.file_of(name), ec);
}

void refuse_taken(const ModelStore& store, const std::string& name) {
  if (!installed(store, name)) return;
  throw Error("model_exists",
              "model '" + name + "' is already installed: remove it first (yivideo models rm " + name +
                  ") or choose another --name",
              409);
}

// The installed model, after checking its whole file: what the set-up wrote is verified like an import.
ModelInfo verified(const ModelStore& store, const std::string& name) {
  check_model_file(store.file_of(name));
  return ModelCatalogue(store).installed_model(name);
}

// Runs `args` in bash with scripts/lib/deps.sh sourced and the store's directory as $YIVIDEO_MODEL_DIR. Its
// output goes to our stderr, so that stdout stays the command's own answer.
void run_setup(const ModelStore& store, const std::vector<std::string>& args, const std::string& what) {
  std::vector<std::string> argv = {"bash", "-c", R"(source "$0"; "$@")",
                                   (setup_checkout() / "scripts/lib/deps.sh").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    if (!std::string_view(*e).starts_with("YIVIDEO_MODEL_DIR=")) env.emplace_back(*e);
  }
  env.push_back("YIVIDEO_MODEL_DIR=" + fs::absolute(store.dir()).string());
  const auto pointers = [](std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
  };
  std::vector<char*> c_argv = pointers(argv), c_env = pointers(env);
  const pid_t pid = fork();
  if (pid < 0) throw Error("setup_failed", "cannot start bash for " + what, 500);
  if (pid == 0) {
    dup2(STDERR_FILENO, STDOUT_FILENO);
    execvpe("bash", c_argv.data(), c_env.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error("setup_failed", what + " failed (the messages above say why)", 500);
}

// Copies `from` to `to` through "<to>.partial" (renamed once complete) and returns the hex SHA-256 of the
// bytes copied.
std::string copy_with_digest(const fs::path& from, const fs::path& to) {
  std::ifstream in(from, std::ios::binary);
  if (!in) throw Error("file_not_found", "cannot read " + from.string(), 404);
  const fs::path partial = to.string() + ".partial";
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> digest(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(digest.get(), EVP_sha256(), nullptr);
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), std::streamsize(buffer.size()));
    const auto n = in.gcount();
    EVP_DigestUpdate(digest.get(), buffer.data(), size_t(n));
    out.write(buffer.data(), n);
  }
  if (!in.eof() || !out.flush()) {
    std::error_code ec;
    fs::remove(partial, ec);
    throw Error("storage_error", "cannot copy " + from.string() + " to " + to.string(), 507);
  }
  out.close();
  fs::rename(partial, to);
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(digest.get(), hash, &length);
  static const char* hex = "0123456789abcdef";
  std::string text;
  for (unsigned int i = 0; i < length; ++i) text += {hex[hash[i] >> 4], hex[hash[i] & 15]};
  return text;
}

}  // namespace

fs::path setup_checkout() {
  const char* given = std::getenv("YIVIDEO_CHECKOUT");
  const fs::path dir = given && *given ? fs::path(given) : fs::path(YIVIDEO_CHECKOUT);
  std::error_code ec;
  if (fs::is_regular_file(dir / "scripts/lib/deps.sh", ec)) return dir;
  throw Error("setup_not_found",
              "pull, convert and quantize run a YiVideo checkout's set-up code, and " + dir.string() +
                  " is none: set YIVIDEO_CHECKOUT to a checkout, or import a ggml file instead",
              500);
}

ModelInfo import_model(const ModelStore& store, const fs::path& file, std::string name) {
  if (name.empty()) {
    name = file.filename().string();
    if (name.starts_with("ggml-")) name.erase(0, 5);
    if (name.ends_with(".bin")) name.erase(name.size() - 4);
  }
  const fs::path target = store.file_of(name);
  refuse_taken(store, name);
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw Error("file_not_found", "no such file: " + file.string(), 404);
  check_model_file(file);
  fs::create_directories(store.dir());
  const std::string sha256 = copy_with_digest(file, target);
  record_source(store, name, "imported from " + file.filename().string(), sha256);
  return ModelCatalogue(store).installed_model(name);
}

ModelInfo pull_model(const ModelStore& store, const std::string& name) {
  const RegistryModel* model = find_registry_model(name);
  if (!model) {
    std::string served;
    for (const auto& m : registry_models()) served += (served.empty() ? "" : ", ") + m.name;
    throw Error("model_not_in_registry",
                "no package registry serves model '" + name + "' (pull serves " + served + "); " +
                    how_to_install(name),
                400);
  }
  run_setup(store, {model->setup_function}, "pulling " + name);
  return verified(store, name);
}

ModelInfo convert_model(const ModelStore& store, const fs::path& ct2_dir, const std::string& name) {
  store.file_of(name);  // a valid name
  refuse_taken(store, name);
  std::error_code ec;
  if (!fs::is_regular_file(ct2_dir / "model.bin", ec))
    throw Error("file_not_found", ct2_dir.string() + " is not a CTranslate2 model directory (no model.bin)",
                404);
  fs::path dir = fs::absolute(ct2_dir).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();  // "dir/"
  run_setup(store,
            {"yv_model_convert", name, dir.string(),
             "CTranslate2 directory " + dir.filename().string() + ", converted by tools/ct2_to_ggml.py"},
            "converting " + ct2_dir.string());
  return verified(store, name);
}

ModelInfo quantize_model(const ModelStore& store, const std::string& name, const std::string& type) {
  ModelCatalogue(store).installed_model(name);  // refuses a model that is not installed
  run_setup(store, {(setup_checkout() / "tools/quantize_model.sh").string(), type, name},
            "quantising " + name + " to " + type);
  return verified(store, name + "-" + type);
}

void remove_model(const ModelStore& store, const std::string& name) {
  ModelCatalogue(store).installed_model(name);  // refuses a model that is not installed
  const fs::path file = store.file_of(name);
  for (const fs::path& p : {file, fs::path(file).replace_extension(".json"),
                            fs::path(file.string() + ".source"), fs::path(file.string() + ".log")}) {
    std::error_code ec;
    fs::remove(p, ec);
  }
}

}  // namespace yv::whisper
