// wservice.ai_optimize_text: a transcript's recognition errors, punctuation and casing fixed by an LLM, never
// its meaning.
//
// The segments go to the model in batches, one line per segment, and come back one line per segment (JSON
// mode; a wrong count is re-asked once). The model's line replaces the original only when their character
// error rate (core/wer.h: case, spaces and punctuation do not count) is at most max_change: a model that
// rewrites, summarises, translates or drops a sentence changes far more than a few recognition errors would,
// and the original line is kept and listed in the report instead. The optimized text (one line per segment)
// is what wservice.rebuild_subtitle_with_words re-times on the original words; this node writes no
// segments_file, so that the rebuild still takes the transcription's words by the upstream fallback.
#pragma once

#include "engine/node_registry.h"

namespace yv::wservice {

engine::NodeSpec ai_optimize_text_node();

}  // namespace yv::wservice
