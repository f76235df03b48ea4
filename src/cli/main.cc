// yivideo: one binary for the API server, the workers, and the one-shot local runner.
#include <spdlog/cfg/env.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "core/error.h"

namespace {

// ggml runs its threads with OpenMP, whose default is to spin while waiting at each of the many barriers of a
// Whisper graph; with its threads, OpenBLAS's and the process's own sharing a few cores, the spinning takes
// the cores from the work (perf: a fifth of the samples in spin and sched_yield on 2 cores). Passive waiting
// made transcription 10-15% faster there (bench/RESULTS.md). libgomp reads the setting once, when it is
// loaded, so the process starts itself again with it, unless the user chose a policy.
void wait_passively(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY")) return;
  setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  execv("/proc/self/exe", argv);  // returns only on failure: then run as we are
}

}  // namespace

int main(int argc, char** argv) {
  wait_passively(argv);
  spdlog::cfg::load_env_levels();  // SPDLOG_LEVEL=debug shows whisper.cpp's own log
  CLI::App app{"YiVideo: self-hosted AI video processing workflow engine", "yivideo"};
  app.require_subcommand(1);
  const yv::cli::Command commands[] = {
      yv::cli::add_serve(app), yv::cli::add_worker(app), yv::cli::add_run(app), yv::cli::add_version(app),
      yv::cli::add_der(app),   yv::cli::add_models(app), yv::cli::add_keys(app)};
  CLI11_PARSE(app, argc, argv);
  try {
    for (const auto& command : commands) {
      if (command.options->parsed()) return command.run();
    }
  } catch (const yv::Error& e) {
    std::fprintf(stderr, "error: %s [%s]\n", e.what(), e.code().c_str());
    return 1;
  }
  return 2;
}
