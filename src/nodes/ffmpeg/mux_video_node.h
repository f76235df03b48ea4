// ffmpeg.mux_video: the original video stream, copied packet for packet (never re-encoded), with new audio
// tracks (the dubbed mix first and default, the original audio after it when keep_original_audio) and soft
// subtitle tracks, each tagged with its language, as one MP4 or MKV.
//
// Audio tracks come from `audio_tracks` [{path, language, title}], else from ffmpeg.mix_audio's
// `mixed_audio_path` (else fit_dubbing's `dubbed_audio_path`) tagged `audio_language`. Subtitles come from
// `subtitle_tracks` [{path, language, title}], else from the subtitle stage's `srt_path` tagged
// `subtitle_language`. An audio track whose codec the container cannot hold as it is (WAV's PCM in MP4) is
// encoded to AAC first; everything else is copied (media/track_muxer.h; subtitles into MP4 become
// mov_text). Languages are ISO 639-2 codes; the common two-letter codes (en, zh, ja, …) are mapped to them.
#pragma once

#include "engine/node_registry.h"

namespace yv::ffmpeg {

engine::NodeSpec mux_video_node();

}  // namespace yv::ffmpeg
