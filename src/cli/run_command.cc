// `yivideo run <media> --chain a,b,c`: run a chain once, locally, with progress on stderr and the result on
// stdout.
//
// This is the first thing a user tries, so it runs in-process without a server, queue or store. It grows with
// the node registry; for now the chain may hold faster_whisper.transcribe_audio, which decodes the media's
// audio itself.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "core/error.h"
#include "media/audio_decoder.h"
#include "nodes/whisper/model.h"
#include "nodes/whisper/model_store.h"

namespace yv::cli {
namespace {

constexpr const char* kTranscribe = "faster_whisper.transcribe_audio";

struct RunOptions {
  std::string media;
  std::vector<std::string> chain;
  std::string model = whisper::default_model_name();
  std::string json_out;
  whisper::TranscribeOptions transcribe;
};

// "00:01:02.345"
std::string timestamp(double seconds) {
  const long ms = std::lround(seconds * 1000);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02ld:%02ld:%02ld.%03ld", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
                ms % 1000);
  return buf;
}

// A model given as a path to an existing file is used as is (a CLI convenience; the API only takes names).
std::filesystem::path model_file(const std::string& model) {
  std::error_code ec;
  if (model.find('/') != std::string::npos && std::filesystem::is_regular_file(model, ec)) return model;
  return whisper::ModelStore(whisper::default_model_dir()).resolve(model);
}

int run(const RunOptions& o) {
  for (const auto& node : o.chain) {
    if (node != kTranscribe) {
      throw Error("unknown_node", "unknown node '" + node + "' (available: " + kTranscribe + ")", 400);
    }
  }
  const auto file = model_file(o.model);
  const media::Audio audio = media::decode_audio(o.media);
  std::fprintf(stderr, "decoded %.2f s of audio from %s\n", audio.duration(), o.media.c_str());
  const auto model = whisper::Model::load(file);

  ProgressBar bar("transcribing");
  const whisper::Transcript t = model->transcribe(audio, o.transcribe, [&](double f) { bar.update(f); });
  bar.finish();

  for (const auto& s : t.segments) {
    std::printf("[%s --> %s] %s\n", timestamp(s.start).c_str(), timestamp(s.end).c_str(), s.text.c_str());
  }
  if (!o.json_out.empty()) {
    std::ofstream(o.json_out) << whisper::to_json(t).dump(2) << "\n";
  }
  return 0;
}

}  // namespace

Command add_run(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "Run a chain of nodes once on a local media file");
  auto o = std::make_shared<RunOptions>();
  o->chain = {kTranscribe};
  cmd->add_option("media", o->media, "Video or audio file")->required();
  cmd->add_option("--chain", o->chain, "Nodes to run, comma-separated")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--model", o->model, "Whisper model name in the model directory, or a ggml file path")
      ->capture_default_str();
  cmd->add_option("--language", o->transcribe.language, "Spoken language (ISO 639-1) or auto")
      ->capture_default_str();
  cmd->add_option("--task", o->transcribe.task, "transcribe or translate")->capture_default_str();
  cmd->add_option("--beam-size", o->transcribe.beam_size, "Beam width (1 = greedy)")->capture_default_str();
  cmd->add_option("--threads", o->transcribe.threads, "Inference threads (0 = automatic)")
      ->capture_default_str();
  cmd->add_option("--json", o->json_out, "Also write the segments (with word timings) as JSON to this file");
  return {cmd, [o] { return run(*o); }};
}

}  // namespace yv::cli
