#include "nodes/builtin_nodes.h"

#include "nodes/ffmpeg/extract_audio_node.h"
#include "nodes/whisper/transcribe_node.h"

namespace yv {

engine::NodeRegistry builtin_nodes() {
  engine::NodeRegistry registry;
  registry.add(ffmpeg::extract_audio_node());
  registry.add(whisper::transcribe_node());
  return registry;
}

}  // namespace yv
