// ffmpeg.fit_dubbing: synthesised speech segments laid on the video's timeline, each time-stretched into its
// cue's slot without changing its pitch, as one speech track, with a report of what did not fit.
//
// Segments come as a list of {audio_path, start, end} (inline `tts_segments` or `tts_segments_file`), or as
// wservice.prepare_tts_segments' `prepared_segments` paired by index with `audio_files` (one synthesis per
// segment). Each segment's leading and trailing silence is trimmed (a voice's own padding would otherwise
// push the words off the cue), then it is sped up to end `pause` (0.1 s) before its slot's end, but never
// faster than max_speed; with min_speed < 1 a short one is also slowed towards that point. Speech that fits
// its slot but not the pause is sped up only as much as the pause needs: two sentences stretched end to end
// would run into each other, and a listener (or an onset detector) hears no break between them. It starts on
// its cue (to the sample); what is still too long runs over into the time after its slot and is reported per
// segment (needed ratio, applied speed, overflow in seconds). A segment that would run over by more than
// max_overflow is refused (400, naming every such segment) and the track is not written (it only appears when
// complete): shorter text or a faster voice is needed, which only the caller can give.
//
// The stretcher is libavfilter's `rubberband` (Debian's libavfilter is built with librubberband): a phase
// vocoder that keeps pitch and formants, as the issue asks where it is available. `stretcher: atempo` (WSOLA)
// is the alternative. Whisper (tiny.en) on three real English clips, 50 words: unstretched 2% WER; at 1.5x
// (the default max_speed) rubberband 8%, atempo 10%; at 2.0x rubberband 18%, atempo 4%: past 1.5x, atempo
// keeps the words better (docs/architecture.md, "Dubbing assembly").
//
// The track is written as it is built: segments in start order, each mixed into a buffer that reaches back
// only as far as the previous segment's end, so memory is one segment, not the video's length.
//
// Parameter names stay clear of other nodes' outputs (output_sample_rate, not extract_audio's sample_rate;
// tts_segments, not get_speaker_segments' segments): a workflow fills a parameter nobody gave from the
// latest earlier output of the same name, which would set a dub's rate to extract_audio's 16 kHz. Files
// passed between the dubbing nodes end in _path (dubbed_audio_path, mixed_audio_path, muxed_video_path), the
// suffix by which the API confines, authorises and stages a client's input files.
#pragma once

#include "engine/node_registry.h"

namespace yv::ffmpeg {

engine::NodeSpec fit_dubbing_node();

}  // namespace yv::ffmpeg
