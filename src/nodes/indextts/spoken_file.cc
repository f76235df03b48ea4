#include "nodes/indextts/spoken_file.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "core/error.h"
#include "media/audio_writer.h"
#include "nodes/wservice/sentences.h"

namespace yv::indextts {

namespace {
constexpr double kPauseSeconds = 0.25;  // between sentences, about a speaker's pause at a full stop
}  // namespace

bool speakable(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](unsigned char c) { return c >= 0x80 || std::isalnum(c); });
}

SpokenFile speak_to_file(const tts::Speaker& speaker, const std::string& text, float speed, int max_chars,
                         const std::filesystem::path& path, const std::atomic<bool>& cancelled,
                         const std::function<void(double)>& progress) {
  const auto sentences = wservice::subtitle_segments(text, max_chars);
  const int rate = speaker.sample_rate();
  const std::string file = path.filename().string();
  media::AudioWriter writer(path, file.substr(file.rfind('.') + 1), rate, 1);
  const std::vector<float> pause(size_t(kPauseSeconds * rate), 0.0f);
  SpokenFile spoken;
  for (size_t i = 0; i < sentences.size(); ++i) {
    if (cancelled) throw Error("cancelled", "speech synthesis was cancelled", 409);
    const auto samples = speaker.speak(sentences[i], speed);
    if (!samples.empty()) {
      if (spoken.sentences++ > 0) writer.write(pause.data(), pause.size()), spoken.frames += pause.size();
      writer.write(samples.data(), samples.size());
      spoken.frames += samples.size();
    }
    progress(double(i + 1) / double(sentences.size()));
  }
  if (spoken.frames == 0)
    throw Error(
        "invalid_parameter",
        "the text has nothing to speak (only punctuation or symbols; for a Mandarin voice, Latin letters "
        "alone when no English voice is installed)");
  writer.finish();
  return spoken;
}

}  // namespace yv::indextts
