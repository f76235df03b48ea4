#include "nodes/builtin_nodes.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "core/error.h"
#include "nodes/diarize/diarize_node.h"
#include "nodes/ffmpeg/extract_audio_node.h"
#include "nodes/subtitles/subtitle_node.h"
#include "nodes/whisper/transcribe_node.h"

namespace yv {

namespace {

// Applies $YIVIDEO_NODE_TIMEOUTS to the specs before they are registered.
void apply_time_limits(std::vector<engine::NodeSpec>& specs) {
  const char* env = std::getenv("YIVIDEO_NODE_TIMEOUTS");
  if (!env) return;
  std::stringstream list(env);
  for (std::string entry; std::getline(list, entry, ',');) {
    const auto eq = entry.find('=');
    const std::string name = entry.substr(0, eq);
    const int seconds = eq == std::string::npos ? 0 : std::atoi(entry.c_str() + eq + 1);
    auto it = std::find_if(specs.begin(), specs.end(), [&](const auto& s) { return s.name == name; });
    if (it == specs.end() || seconds <= 0) {
      throw Error("invalid_config", "YIVIDEO_NODE_TIMEOUTS: '" + entry + "' is not <known node>=<seconds>",
                  400);
    }
    it->time_limit_seconds = seconds;
  }
}

}  // namespace

engine::NodeRegistry builtin_nodes() {
  std::vector<engine::NodeSpec> specs = {ffmpeg::extract_audio_node(), whisper::transcribe_node(),
                                         diarize::diarize_node(), subtitles::subtitle_node()};
  apply_time_limits(specs);
  engine::NodeRegistry registry;
  for (auto& spec : specs) registry.add(std::move(spec));
  return registry;
}

}  // namespace yv
