// `yivideo serve`: the HTTP API on one machine (the embedded deployment).
//
// SIGINT/SIGTERM are taken by a dedicated thread with sigwait rather than a signal handler, so shutdown runs as
// ordinary code (httplib's stop() is not async-signal-safe).
#include <csignal>
#include <CLI/CLI.hpp>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <thread>

#include "cli/commands.h"
#include "core/build_info.h"
#include "http/api_server.h"

namespace yv::cli {

Command add_serve(CLI::App& app) {
  auto* cmd = app.add_subcommand("serve", "Start the HTTP API");
  auto options = std::make_shared<http::ServerOptions>();
  cmd->add_option("--host", options->host, "Address to listen on (0.0.0.0 to expose on every interface)")
      ->capture_default_str();
  cmd->add_option("--port", options->port, "TCP port (0 picks a free one)")->capture_default_str()->check(
      CLI::Range(0, 65535));
  return {cmd, [options] {
            sigset_t stop_signals;
            sigemptyset(&stop_signals);
            sigaddset(&stop_signals, SIGINT);
            sigaddset(&stop_signals, SIGTERM);
            pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);  // inherited by every thread started below

            http::ApiServer server(*options);
            server.bind();
            spdlog::info("yivideo {} listening on http://{}:{}", kVersion, options->host, server.port());
            std::thread waiter([&] {
              int sig = 0;
              sigwait(&stop_signals, &sig);
              spdlog::info("signal {}: shutting down", sig);
              server.stop();
            });
            server.run();
            // run() only returns after stop(); if it returned for another reason, wake the waiter ourselves.
            pthread_kill(waiter.native_handle(), SIGTERM);
            waiter.join();
            return 0;
          }};
}

}  // namespace yv::cli
