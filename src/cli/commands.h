// The subcommands of the `yivideo` binary. Each registers its options on the CLI11 app and runs when chosen;
// main.cc only dispatches and turns yv::Error into a message and exit status.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace yv::cli {

// A registered subcommand: its CLI11 node and its body, run after parsing, returning the exit status.
struct Command {
  CLI::App* options;
  std::function<int()> run;
};

Command add_der(CLI::App& app);
Command add_keys(CLI::App& app);
Command add_models(CLI::App& app);
Command add_serve(CLI::App& app);
Command add_run(CLI::App& app);
Command add_version(CLI::App& app);
Command add_worker(CLI::App& app);

}  // namespace yv::cli
