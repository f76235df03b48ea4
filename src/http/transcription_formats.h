// A transcription in the response formats of OpenAI's audio API (/v1/audio/transcriptions, /translations):
// json, text, srt, vtt and verbose_json, written from the segments file faster_whisper.transcribe_audio
// produces ({"language","duration","segments":[{id,start,end,text,avg_logprob,no_speech_prob,words}]}).
//
// As OpenAI's: srt and vtt have one cue per Whisper segment, its text on one line (subtitles re-timed to a
// style guide come from wservice.generate_subtitle_files); verbose_json names the language in full
// ("english"; a translation's is english) and carries segments and/or words as timestamp_granularities asks.
// A segment's seek, tokens and temperature are not recorded by the node and are left out rather than
// invented; compression_ratio is computed from its text as Whisper computes it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace yv::http {

// json, text, srt, vtt, verbose_json.
const std::vector<std::string>& transcription_formats();

struct TranscriptionAnswer {
  std::string body;
  std::string content_type;
};

struct TranscriptionShape {
  std::string format = "json";      // one of transcription_formats()
  std::string task = "transcribe";  // or "translate"; verbose_json reports it
  bool segments = true;             // verbose_json: timestamp_granularities[] has "segment" (or is not given)
  bool words = false;               // verbose_json: it has "word"
};

// The answer for `transcript` (the segments file's JSON). REQUIRES: shape.format is one of
// transcription_formats().
TranscriptionAnswer transcription_answer(const nlohmann::json& transcript, const TranscriptionShape& shape);

}  // namespace yv::http
