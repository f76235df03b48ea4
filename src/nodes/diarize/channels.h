// Diarization of recordings that carry one speaker per channel (call-centre and interview recordings, a
// lavalier microphone per person): channel_mode "per_channel".
//
// Each channel's speech regions come from Silero VAD (media/vad.h), as in the mixed diarization. A channel
// also hears the others faintly (crosstalk, a few tens of dB down), and Silero raises quiet input before
// scoring it, so that bleed reads as speech: a 10 ms frame of one channel's speech is taken as bleed, not
// speech, while another channel has speech at least kBleedDb louder. Two channels both loud at once are two
// people speaking at once: both keep the frame, so turns of different speakers may overlap (RTTM allows it;
// the subtitles give a word to the turn that covers it most). Runs of speech shorter than kMinTurnSeconds are
// dropped (a breath, a click that survived).
//
// Speakers are named by channel, not by order of appearance: SPEAKER_00 is the first channel (left), whose
// speaker the caller knows (agent or customer); a silent channel has no speaker and its label is skipped.
#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "media/audio_decoder.h"
#include "nodes/diarize/diarizer.h"

namespace yv::diarize {

// The most channels per_channel diarization takes apart (one speaker each).
inline constexpr int kMaxSpeakerChannels = 8;
inline constexpr double kBleedDb = 15;
inline constexpr double kMinTurnSeconds = 0.2;

// `channels` are the recording's channels at 16 kHz. Throws yv::Error "invalid_media" (400) for another rate
// or channels of different lengths, "invalid_parameter" (400) for fewer than two channels, "cancelled" (409).
Diarization diarize_channels(const std::vector<media::Audio>& channels, const std::atomic<bool>* cancelled,
                             const std::function<void(double fraction)>& progress = nullptr);

}  // namespace yv::diarize
