// `yivideo serve`: the HTTP API on one machine (the embedded deployment).
//
// SIGINT/SIGTERM stop the server gracefully. Libraries start threads before main() (OpenBLAS spawns its pool
// when loaded), so blocking the signals and sigwait()ing cannot catch them reliably; instead the handler only
// writes a byte to a pipe (async-signal-safe) and an ordinary thread reading the pipe calls stop().
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <thread>

#include "cli/commands.h"
#include "core/build_info.h"
#include "core/error.h"
#include "http/api_server.h"

namespace yv::cli {
namespace {

int g_stop_pipe[2] = {-1, -1};

void on_stop_signal(int sig) {
  const unsigned char byte = static_cast<unsigned char>(sig);
  [[maybe_unused]] ssize_t n = write(g_stop_pipe[1], &byte, 1);
}

int serve(const http::ServerOptions& options) {
  if (pipe(g_stop_pipe) != 0) throw Error("internal_error", "cannot create the shutdown pipe", 500);
  http::ApiServer server(options);
  server.bind();
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  spdlog::info("yivideo {} listening on http://{}:{}", kVersion, options.host, server.port());
  std::thread waiter([&] {
    unsigned char sig = 0;
    if (read(g_stop_pipe[0], &sig, 1) == 1 && sig != 0) spdlog::info("signal {}: shutting down", int(sig));
    server.stop();
  });
  server.run();
  // run() returns after stop(); if it returned for another reason, release the waiter with a zero byte.
  on_stop_signal(0);
  waiter.join();
  return 0;
}

}  // namespace

Command add_serve(CLI::App& app) {
  auto* cmd = app.add_subcommand("serve", "Start the HTTP API");
  auto options = std::make_shared<http::ServerOptions>();
  cmd->add_option("--host", options->host, "Address to listen on (0.0.0.0 to expose on every interface)")
      ->capture_default_str();
  cmd->add_option("--port", options->port, "TCP port (0 picks a free one)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  return {cmd, [options] { return serve(*options); }};
}

}  // namespace yv::cli
