// wservice.translate_subtitles: subtitles translated cue by cue with an LLM, keeping the cue count and every
// cue's timing exactly.
//
// Each cue is asked for on its own (JSON mode) with its context: the cues before and after it (source text),
// the speaker, a glossary, and the limits its translation must keep: cpl_limit characters per line over
// max_lines lines (broken at word boundaries, as the SRT is written, before each line is judged), and
// cps_limit characters per second of the cue's duration, stated as one character budget. An answer over a
// limit, or not in the target language's script (no Han or kana in Chinese or Japanese, some in any other
// language: the cue copied), is refused and the cue asked for again, up to max_retries times: one too long
// is asked for with the cue alone and its budget (a cue cut mid-sentence drew its neighbours into the
// translation), sampled anew each time; one in the wrong script first with its context and the refused
// answers. An unusable answer, such as one cut off at max_tokens, costs an ask too. The best answer is kept
// (in the target script, within the limits, shorter) and the cue listed in the report when none fits. A cue
// whose translation cannot be had at all fails the stage (a half-translated file would pass for a whole
// one). Lengths are Unicode code points (subtitles::length), so a CJK character counts as one.
//
// Outputs: translated_segments_file (the transcript shape, language = target, each segment's original text
// kept as "original_text"), also named segments_file so that later subtitle nodes take the translation; an
// SRT of the translation; and, with bilingual, SRT and ASS files with the original above the translation.
#pragma once

#include "engine/node_registry.h"

namespace yv::wservice {

engine::NodeSpec translate_subtitles_node();

}  // namespace yv::wservice
