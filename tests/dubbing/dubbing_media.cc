#include "dubbing/dubbing_media.h"

#include <cmath>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "support/fixtures.h"
#include "support/subprocess.h"

namespace yv::test {
namespace {

using nlohmann::json;

std::string output_of(const std::vector<std::string>& argv) {
  const ProcessResult r = run_process(argv);
  if (r.exit_code != 0) throw std::runtime_error(argv[0] + " failed: " + r.err);
  return r.out + r.err;
}

}  // namespace

json run_in(const engine::NodeRegistry& nodes, const std::string& node, const json& given,
            const std::filesystem::path& dir) {
  const auto& spec = nodes.get(node);
  const json params = nodes.resolve_params(spec, given);
  const std::function<void(double)> progress = [](double) {};
  const std::atomic<bool> cancelled{false};
  std::filesystem::create_directories(dir);
  return spec.run({params, progress, cancelled, dir});
}

json probe(const std::string& path) {
  const ProcessResult r = run_process(
      {"/usr/bin/ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", path});
  if (r.exit_code != 0) throw std::runtime_error("ffprobe " + path + ": " + r.err);
  return json::parse(r.out);
}

std::vector<json> streams_of(const std::string& path, const std::string& type) {
  std::vector<json> out;
  const json info = probe(path);
  for (const auto& s : info["streams"]) {
    if (s.value("codec_type", "") == type) out.push_back(s);
  }
  return out;
}

std::vector<std::string> packet_hashes(const std::string& path, const std::string& selector) {
  const ProcessResult r =
      run_process({"/usr/bin/ffprobe", "-v", "error", "-select_streams", selector, "-show_packets",
                   "-show_data_hash", "MD5", "-show_entries", "packet=data_hash", "-of", "csv=p=0", path});
  if (r.exit_code != 0) throw std::runtime_error("ffprobe " + path + ": " + r.err);
  std::vector<std::string> hashes;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) hashes.push_back(line);
  }
  return hashes;
}

double integrated_loudness(const std::string& path) {
  const std::string log = output_of({"/usr/bin/ffmpeg", "-hide_banner", "-nostats", "-i", path, "-map",
                                     "0:a:0", "-af", "ebur128", "-f", "null", "-"});
  // The summary at the end: "Integrated loudness:\n    I:         -16.0 LUFS".
  std::smatch m;
  if (!std::regex_search(log, m, std::regex(R"(Integrated loudness:\s+I:\s+(-?[0-9.]+) LUFS)")))
    throw std::runtime_error("no loudness summary for " + path);
  return std::stod(m[1]);
}

std::string subtitles_as_srt(const std::string& path, const std::string& selector) {
  const ProcessResult r =
      run_process({"/usr/bin/ffmpeg", "-v", "error", "-i", path, "-map", "0:" + selector, "-f", "srt", "-"});
  if (r.exit_code != 0) throw std::runtime_error("ffmpeg " + path + ": " + r.err);
  return r.out;
}

void make_english_video(const std::filesystem::path& out) {
  output_of({"/usr/bin/ffmpeg",
             "-v",
             "error",
             "-y",
             "-stream_loop",
             "7",
             "-i",
             test_data("video/bbb_8s.mp4"),
             "-i",
             test_data("speakers/ljspeech_LJ001_60s.flac"),
             "-map",
             "0:v",
             "-map",
             "1:a",
             "-c:v",
             "copy",
             "-c:a",
             "aac",
             "-b:a",
             "128k",
             "-t",
             "60",
             out.string()});
}

double level_db(const media::Audio& audio, double from, double to) {
  const auto a = size_t(std::max(0.0, from) * audio.sample_rate);
  const auto b = std::min(audio.samples.size(), size_t(std::max(0.0, to) * audio.sample_rate));
  double energy = 0;
  for (size_t i = a; i < b; ++i) energy += double(audio.samples[i]) * audio.samples[i];
  return b > a && energy > 0 ? 10 * std::log10(energy / double(b - a)) : -200;
}

double onset(const media::Audio& audio, double from, double threshold_db) {
  const double window = 0.001;
  for (double t = from; t + window <= audio.duration(); t += window / 4) {
    if (level_db(audio, t, t + window) >= threshold_db) return t;
  }
  return -1;
}

}  // namespace yv::test
