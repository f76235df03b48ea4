// Node indextts.generate_speech: text to speech with an installed voice (tts/voices.h), the original's name.
//
// IndexTTS itself (a zero-shot cloning model) ships in no package registry, so the node speaks with the
// voices that do: neural Piper voices on sherpa-onnx, espeak-ng for every other language. A request without
// `voice` gets the first neural voice of its `language`, else espeak-ng, reported as `fallback: true` with
// the voice used. A Mandarin voice speaks the English words inside its text with the installed English voice
// and names it as `english_voice` (null: none installed, the words are spelled; tts/code_switch.h).
// `spk_audio_prompt` (voice cloning) is kept for the original's clients and refused at submit
// with a sentence saying why. Long text is cut into sentences, spoken one by one and joined with a short
// pause, streamed to the output file (spoken_file.h).
//
// With `prepared_segments` (an earlier wservice.prepare_tts_segments', or given inline) the node speaks each
// dubbing segment into a file of its own for ffmpeg.fit_dubbing (segment_speech.h) instead of `text`: a stage
// is given the latest earlier output of every name it takes, and in a dub chain the latest `text` is the
// transcription's, in the source language (which is why `text` is checked only where it is spoken).
#pragma once

#include "engine/node_registry.h"

namespace yv::indextts {

engine::NodeSpec generate_speech_node();

}  // namespace yv::indextts
