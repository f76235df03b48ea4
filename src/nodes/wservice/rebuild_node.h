// wservice.rebuild_subtitle_with_words: an edited or polished text of a transcript (optimized_text, or the
// file optimized_text_file) given the times of the words it kept (align.h), and cut into cues within the
// subtitle limits (subtitles::build_cues). The report lists the words of the text that met no word of the
// transcript (timed between their neighbours) and the transcript's words the text dropped.
#pragma once

#include "engine/node_registry.h"

namespace yv::wservice {

engine::NodeSpec rebuild_subtitle_with_words_node();

}  // namespace yv::wservice
