// Speech that Whisper skipped inside a window, found by the VAD and transcribed on its own.
//
// Whisper ends a window's text with a lone timestamp when it judges that nothing more is said in the window,
// and the decoder (whisper.cpp as OpenAI's) then skips the rest of the window. On quiet Mandarin with several
// speakers the base model does so after the first speaker: three real speakers at RMS 0.01, 13 s, came back
// as the first one's sentence alone (CER 76%); faster-whisper on the same weights fails the same way on other
// such joins (bench/RESULTS.md "Skipped speech"). So every span of at least kMinGapSeconds that no segment
// covers, and where Silero finds at least kMinSpeechSeconds of speech, has its first stretch of speech (a
// tight VAD region) transcribed alone and put in its place; the spans left are checked the same way, at most
// kMaxRedecodes times a chunk. One stretch at a time: given the whole rest, base ran the second speaker's two
// seconds into the third's sentence (CER 54% on that clip, 11% a stretch at a time). Where nothing was
// skipped, the cost is one VAD pass over the gaps between segments.
#pragma once

#include "media/audio_decoder.h"
#include "nodes/whisper/model.h"

namespace yv::whisper {

inline constexpr double kMinGapSeconds = 1.0;
// Whisper's segment times are off by a few hundred milliseconds: the end of a word said just before or after
// a pause is not skipped speech.
inline constexpr double kMinSpeechSeconds = 1.0;
inline constexpr int kMaxRedecodes = 8;

// Adds to `t` (the transcript of `audio`, 16 kHz mono) the speech it skipped, transcribed with `options` in
// t.language. Throws what Model::transcribe and media::speech_regions throw.
void transcribe_skipped_speech(const Model& model, const media::Audio& audio,
                               const TranscribeOptions& options, Transcript& t);

}  // namespace yv::whisper
