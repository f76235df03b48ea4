// Node indextts.generate_speech: text to speech with an installed voice (tts/voices.h), the original's name.
//
// IndexTTS itself (a zero-shot cloning model) ships in no package registry, so the node speaks with the
// voices that do: neural Piper voices on sherpa-onnx, espeak-ng for every other language. A request without
// `voice` gets the first neural voice of its `language`, else espeak-ng, reported as `fallback: true` with
// the voice used. `spk_audio_prompt` (voice cloning) is kept for the original's clients and refused at submit
// with a sentence saying why. Long text is cut into sentences (wservice/sentences.h, CJK punctuation
// included; a sentence over max_text_tokens_per_segment code points at its clauses), spoken one by one and
// joined with a short pause, streamed to the output file.
#pragma once

#include "engine/node_registry.h"

namespace yv::indextts {

engine::NodeSpec generate_speech_node();

}  // namespace yv::indextts
