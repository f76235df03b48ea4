// `yivideo version`: what this binary is built from and which CPU features its inference uses.
#include <whisper.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.h"
#include "core/build_info.h"

namespace yv::cli {

Command add_version(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("version", "Print the versions of YiVideo, whisper.cpp and ggml, and CPU features");
  return {cmd, [] {
            std::printf("yivideo %s\n", kVersion);
            std::printf("whisper.cpp %s\n", whisper_version());
            std::printf("ggml %s (commit %s)\n", ggml_version(), ggml_commit());
            std::printf("system: %s\n", whisper_print_system_info());
            return 0;
          }};
}

}  // namespace yv::cli
