// `yivideo run <media> --chain a,b,c`: run a chain once, locally, with progress on stderr and the result on
// stdout.
//
// This is the first thing a user tries, so it runs the nodes in-process, without a server, queue or store,
// but through the same node registry as the workers: the same validation, the same code, the same outputs.
// Each node gets the media as its video_path; transcripts are printed with timestamps, speaker turns as RTTM.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "core/error.h"
#include "core/files.h"
#include "engine/stage_inputs.h"
#include "nodes/builtin_nodes.h"
#include "nodes/subtitles/formats.h"

namespace yv::cli {
namespace {

struct RunOptions {
  std::string media;
  std::vector<std::string> chain{"faster_whisper.transcribe_audio"};
  nlohmann::json overrides = nlohmann::json::object();  // --model etc., for every node that has the parameter
  std::string output_dir;
};

void print_segments(const std::string& segments_file) {
  const auto doc = nlohmann::json::parse(std::ifstream(segments_file));
  for (const auto& s : doc["segments"]) {
    std::printf("[%s --> %s] %s\n", subtitles::timestamp(s["start"], '.').c_str(),
                subtitles::timestamp(s["end"], '.').c_str(), s["text"].get<std::string>().c_str());
  }
}

int run(RunOptions o) {
  const engine::NodeRegistry nodes = builtin_nodes();
  std::vector<const engine::NodeSpec*> chain;
  std::vector<nlohmann::json> own_params;
  const nlohmann::json globals = {{"video_path", o.media}};
  for (const auto& name : o.chain) {  // validate the whole chain before doing any work
    const engine::NodeSpec& node = nodes.get(name);
    nlohmann::json own = nlohmann::json::object();
    for (const auto& p : node.params) {
      if (o.overrides.contains(p.name)) own[p.name] = o.overrides[p.name];
    }
    nodes.check_params(node, own);
    chain.push_back(&node);
    own_params.push_back(own);
  }
  // Without --output-dir the stage files live in a temporary directory that is removed however the run ends.
  struct Scratch {
    std::filesystem::path dir;
    bool keep;
    ~Scratch() {
      std::error_code ec;
      if (!keep) std::filesystem::remove_all(dir, ec);
    }
  } scratch{o.output_dir.empty()
                ? std::filesystem::temp_directory_path() / ("yivideo-run-" + std::to_string(getpid()))
                : std::filesystem::path(o.output_dir),
            !o.output_dir.empty()};
  const std::atomic<bool> never_cancelled{false};
  std::vector<engine::EarlierStage> earlier;
  for (size_t i = 0; i < chain.size(); ++i) {
    // Inputs as in a workflow: own parameters, globals, then what earlier stages produced.
    const nlohmann::json params = engine::stage_inputs(nodes, *chain[i], own_params[i], globals, earlier);
    const auto work_dir = scratch.dir / ("stage_" + std::to_string(i));
    std::filesystem::create_directories(work_dir);
    ProgressBar bar(chain[i]->name);
    const std::function<void(double)> progress = [&](double f) { bar.update(f); };
    const nlohmann::json output = chain[i]->run({params, progress, never_cancelled, work_dir});
    bar.finish();
    earlier.push_back({chain[i]->name, output});
    if (output.contains("segments_file")) print_segments(output["segments_file"]);
    if (output.contains("rttm_file"))
      std::fputs(read_file(output["rttm_file"].get<std::string>()).c_str(), stdout);
    if (scratch.keep) std::fprintf(stderr, "%s outputs: %s\n", chain[i]->name.c_str(), output.dump().c_str());
  }
  return 0;
}

}  // namespace

Command add_run(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "Run a chain of nodes once on a local media file");
  auto o = std::make_shared<RunOptions>();
  cmd->add_option("media", o->media, "Video or audio file")->required();
  cmd->add_option("--chain", o->chain, "Nodes to run, comma-separated")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option_function<std::string>(
      "--model", [o](const std::string& v) { o->overrides["model"] = v; },
      "Whisper model name (default tiny.en for --language en, else base)");
  cmd->add_option_function<std::string>(
      "--language", [o](const std::string& v) { o->overrides["language"] = v; }, "Spoken language, or auto");
  cmd->add_option_function<int>(
      "--beam-size", [o](int v) { o->overrides["beam_size"] = v; }, "Beam width (1 = greedy)");
  cmd->add_option_function<std::vector<std::string>>(
      "--param",
      [o](const std::vector<std::string>& pairs) {
        for (const auto& pair : pairs) {
          const auto eq = pair.find('=');
          if (eq == std::string::npos || eq == 0) throw CLI::ValidationError("--param", "give name=value");
          // JSON when it parses (numbers, true/false, lists), else the text itself.
          const std::string value = pair.substr(eq + 1);
          const auto parsed = nlohmann::json::parse(value, nullptr, false);
          o->overrides[pair.substr(0, eq)] = parsed.is_discarded() ? nlohmann::json(value) : parsed;
        }
      },
      "Any node parameter, name=value (e.g. condition_on_previous_text=false); repeatable");
  for (const char* name : {"speaker_count", "min_speakers", "max_speakers"}) {
    std::string flag = std::string("--") + name;
    std::replace(flag.begin(), flag.end(), '_', '-');
    cmd->add_option_function<int>(
        flag, [o, name](int v) { o->overrides[name] = v; }, "Diarization: " + std::string(name));
  }
  cmd->add_option("--output-dir", o->output_dir, "Keep each stage's files (segments JSON, ...) here");
  return {cmd, [o] { return run(*o); }};
}

}  // namespace yv::cli
