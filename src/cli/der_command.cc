// `yivideo der REFERENCE.rttm HYPOTHESIS.rttm [--collar S]`: score a diarization against the truth, as
// bench/diarization_bench.py and users comparing tools do (one number, plus what it is made of).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/files.h"
#include "nodes/diarize/der.h"

namespace yv::cli {
namespace {

struct DerOptions {
  std::string reference, hypothesis;
  double collar = 0.25;
};

int run(const DerOptions& o) {
  const auto ref = diarize::parse_rttm(read_file(o.reference));
  const auto hyp = diarize::parse_rttm(read_file(o.hypothesis));
  const auto r = diarize::diarization_error(ref, hyp, o.collar);
  const nlohmann::json out = {{"der", r.der()},
                              {"missed", r.missed},
                              {"false_alarm", r.false_alarm},
                              {"confusion", r.confusion},
                              {"reference_speech", r.reference_speech},
                              {"collar", o.collar}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

}  // namespace

Command add_der(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("der", "Diarization error rate of HYPOTHESIS.rttm against REFERENCE.rttm (JSON)");
  auto o = std::make_shared<DerOptions>();
  cmd->add_option("reference", o->reference, "The true speaker turns (RTTM)")->required();
  cmd->add_option("hypothesis", o->hypothesis, "The turns to score (RTTM)")->required();
  cmd->add_option("--collar", o->collar, "Seconds around each reference boundary left unscored")
      ->capture_default_str();
  return {cmd, [o] { return run(*o); }};
}

}  // namespace yv::cli
