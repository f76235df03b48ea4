#include "nodes/builtin_nodes.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <sstream>

#include "core/error.h"
#include "nodes/audio_separator/separate_vocals_node.h"
#include "nodes/diarize/diarize_node.h"
#include "nodes/diarize/speaker_segments_node.h"
#include "nodes/diarize/validate_diarization_node.h"
#include "nodes/ffmpeg/burn_subtitles_node.h"
#include "nodes/ffmpeg/crop_subtitle_images_node.h"
#include "nodes/ffmpeg/extract_audio_node.h"
#include "nodes/ffmpeg/extract_keyframes_node.h"
#include "nodes/ffmpeg/fit_dubbing_node.h"
#include "nodes/ffmpeg/mix_audio_node.h"
#include "nodes/ffmpeg/mux_video_node.h"
#include "nodes/ffmpeg/split_audio_segments_node.h"
#include "nodes/indextts/generate_speech_node.h"
#include "nodes/indextts/list_voice_presets_node.h"
#include "nodes/paddleocr/create_stitched_images_node.h"
#include "nodes/paddleocr/detect_subtitle_area_node.h"
#include "nodes/paddleocr/perform_ocr_node.h"
#include "nodes/paddleocr/postprocess_and_finalize_node.h"
#include "nodes/subtitles/subtitle_node.h"
#include "nodes/whisper/transcribe_node.h"
#include "nodes/wservice/ai_optimize_text_node.h"
#include "nodes/wservice/merge_nodes.h"
#include "nodes/wservice/prepare_tts_node.h"
#include "nodes/wservice/rebuild_node.h"
#include "nodes/wservice/segment_subtitles_node.h"
#include "nodes/wservice/translate_subtitles_node.h"

namespace yv {

namespace {

// Applies "node=value,node=value" from the environment variable `name` to the specs: set(spec, value)
// returns false for a value it does not accept.
void apply_overrides(std::vector<engine::NodeSpec>& specs, const char* name, const char* expected,
                     const std::function<bool(engine::NodeSpec&, const std::string&)>& set) {
  const char* env = std::getenv(name);
  if (!env) return;
  std::stringstream list(env);
  for (std::string entry; std::getline(list, entry, ',');) {
    const auto eq = entry.find('=');
    const std::string node = entry.substr(0, eq);
    auto it = std::find_if(specs.begin(), specs.end(), [&](const auto& s) { return s.name == node; });
    if (it == specs.end() || eq == std::string::npos || !set(*it, entry.substr(eq + 1))) {
      throw Error("invalid_config",
                  std::string(name) + ": '" + entry + "' is not <known node>=<" + expected + ">", 400);
    }
  }
}

}  // namespace

engine::NodeRegistry builtin_nodes() {
  std::vector<engine::NodeSpec> specs = {ffmpeg::extract_audio_node(), whisper::transcribe_node(),
                                         diarize::diarize_node(), subtitles::subtitle_node()};
  for (auto node : {wservice::merge_speaker_segments_node,
                    wservice::merge_with_word_timestamps_node,
                    wservice::segment_subtitles_node,
                    wservice::rebuild_subtitle_with_words_node,
                    wservice::prepare_tts_segments_node,
                    ffmpeg::split_audio_segments_node,
                    diarize::speaker_segments_node,
                    diarize::validate_diarization_node,
                    ffmpeg::extract_keyframes_node,
                    ffmpeg::crop_subtitle_images_node,
                    paddleocr::detect_subtitle_area_node,
                    paddleocr::create_stitched_images_node,
                    paddleocr::perform_ocr_node,
                    paddleocr::postprocess_and_finalize_node,
                    ffmpeg::fit_dubbing_node,
                    ffmpeg::mix_audio_node,
                    ffmpeg::mux_video_node,
                    ffmpeg::burn_subtitles_node,
                    wservice::ai_optimize_text_node,
                    wservice::translate_subtitles_node,
                    indextts::generate_speech_node,
                    indextts::list_voice_presets_node,
                    audio_separator::separate_vocals_node})
    specs.push_back(node());
  apply_overrides(specs, "YIVIDEO_NODE_TIMEOUTS", "seconds",
                  [](engine::NodeSpec& spec, const std::string& v) {
                    spec.time_limit_seconds = std::atoi(v.c_str());
                    return spec.time_limit_seconds > 0;
                  });
  apply_overrides(specs, "YIVIDEO_NODE_QUEUES", "queue", [](engine::NodeSpec& spec, const std::string& v) {
    spec.resource_class = v;
    return !v.empty() && v.find(':') == std::string::npos;
  });
  engine::NodeRegistry registry;
  for (auto& spec : specs) registry.add(std::move(spec));
  return registry;
}

}  // namespace yv
