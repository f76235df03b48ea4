// The result of transcribing one audio track, in the shape of faster-whisper's output so that the segments
// file of faster_whisper.transcribe_audio reads the same as the original system's.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "text/chinese_script.h"

namespace yv::whisper {

struct Word {
  double start = 0, end = 0;  // seconds
  std::string word;           // with its leading space, as Whisper emits it (" country")
  double probability = 0;     // mean probability of the word's tokens
};

struct Segment {
  int id = 0;
  double start = 0, end = 0;  // seconds
  std::string text;
  double avg_logprob = 0;  // mean log-probability of the segment's text tokens
  double no_speech_prob = 0;
  std::vector<Word> words;  // empty unless word timestamps were requested
};

struct Transcript {
  std::string language;             // ISO 639-1 code
  double language_probability = 0;  // 1 when the language was given or the model speaks only one
  double duration = 0;              // seconds of audio transcribed
  std::vector<Segment> segments;

  // The segments' texts joined, without the leading space Whisper puts on each.
  std::string text() const;
};

// Writes the transcript's Chinese in `script` (segment texts and words), when its language is Chinese ("zh")
// or Cantonese ("yue"); any other transcript is left as it is.
void write_chinese_in(Transcript& t, text::ChineseScript script);

// {"language","language_probability","duration","segments":[{id,start,end,text,avg_logprob,no_speech_prob,
// words:[{start,end,word,probability}]}]}
nlohmann::json to_json(const Transcript& t);

}  // namespace yv::whisper
