// ffmpeg.mix_audio: the dubbed speech over a bed (the separated accompaniment, or the original audio), the
// bed ducked under the speech, the mix normalised to an EBU R128 loudness (-16 LUFS by default).
//
// The bed is, in order: `background_audio_path`; the accompaniment of audio_separator.separate_vocals (the
// entry of `all_audio_files` that is not `vocal_audio`); the original `video_path`'s audio; `audio_path`. The
// video comes before audio_path because in a dubbing chain the latest stage with an audio_path is the
// speech synthesis, whose output is a segment of the speech, not the bed.
//
// One libavfilter graph does the work (media/audio_filter.h), reading both files side by side:
// `sidechaincompress` keyed by the speech lowers the bed while someone speaks (speech duck_threshold_db
// over the threshold lowers the bed by (1 - 1/duck_ratio) of that; released over 400 ms so the bed comes
// back between sentences, not between words), then `amix` adds the speech at its own level.
// Loudness takes two passes, as EBU R128 needs the whole programme: the first measures the mix (`ebur128`:
// integrated loudness, range, true peak), the second runs the same mix through `loudnorm` given those
// measurements, which then applies one linear gain (the programme keeps its dynamics) unless that gain
// would push the true peak over true_peak_db; only then does loudnorm compress. The result is measured
// again by ebur128 in the second pass and reported (`loudness`, `true_peak`).
//
// As in fit_dubbing, the rate and channels are output_sample_rate and output_channels, so that an earlier
// extract_audio's 16 kHz mono never becomes the mix's by the upstream fallback.
#pragma once

#include "engine/node_registry.h"

namespace yv::ffmpeg {

engine::NodeSpec mix_audio_node();

}  // namespace yv::ffmpeg
