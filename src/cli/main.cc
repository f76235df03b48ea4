// yivideo: one binary for the API server, the workers, and the one-shot local runner.
#include <spdlog/cfg/env.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.h"
#include "core/error.h"

int main(int argc, char** argv) {
  spdlog::cfg::load_env_levels();  // SPDLOG_LEVEL=debug shows whisper.cpp's own log
  CLI::App app{"YiVideo: self-hosted AI video processing workflow engine", "yivideo"};
  app.require_subcommand(1);
  const yv::cli::Command commands[] = {yv::cli::add_serve(app), yv::cli::add_worker(app),
                                       yv::cli::add_run(app), yv::cli::add_version(app),
                                       yv::cli::add_der(app)};
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
