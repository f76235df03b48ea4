#include "tts/code_switch.h"

#include <utility>

#include "tts/language_runs.h"
#include "tts/splice.h"

namespace yv::tts {
namespace {

// Between a Mandarin and an English piece: about the pause a speaker leaves around a foreign word, short
// enough to be heard as one sentence.
constexpr double kGapSeconds = 0.06;
// Where punctuation stands between them (我说：Hello): about Baker's own pause at a comma (#3).
constexpr double kClauseSeconds = 0.2;
// The level English is brought to in a sentence without Mandarin speech (an untranslated line): Baker's
// speech level, -21 dBFS (speech_level over its readings of the five Mandarin reference texts of tests/tts:
// -20.4 to -22.1 dB; Joe's own is 2-4 dB lower).
constexpr float kMandarinLevel = 0.089f;

}  // namespace

CodeSwitchSpeaker::CodeSwitchSpeaker(std::shared_ptr<const Speaker> mandarin,
                                     std::shared_ptr<const Speaker> english)
    : mandarin_(std::move(mandarin)), english_(std::move(english)) {}

std::vector<float> CodeSwitchSpeaker::speak(const std::string& sentence, float speed) const {
  const auto runs = language_runs(sentence);
  if (runs.size() <= 1 && (runs.empty() || !runs[0].english)) return mandarin_->speak(sentence, speed);
  const int rate = sample_rate();
  std::vector<SplicePiece> pieces;
  std::vector<float> mandarin;  // all the Mandarin speech, for its level
  std::vector<size_t> english;  // indexes into pieces
  bool pause = false;           // carried over a run that gave no sound ("（")
  for (const auto& run : runs) {
    pause = pause || run.pause_before;
    auto samples = run.english ? resample(english_->speak(run.text, speed), english_->sample_rate(), rate)
                               : mandarin_->speak(run.text, speed);
    if (samples.empty()) continue;
    if (run.english) english.push_back(pieces.size());
    if (!run.english) mandarin.insert(mandarin.end(), samples.begin(), samples.end());
    pieces.push_back({std::move(samples), (pause ? kClauseSeconds : kGapSeconds) / speed});
    pause = false;
  }
  const float level = mandarin.empty() ? kMandarinLevel : speech_level(mandarin, rate);
  for (const size_t i : english) match_level(pieces[i].samples, rate, level);
  return splice(pieces, rate);
}

}  // namespace yv::tts
