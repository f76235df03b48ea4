// ffmpeg.burn_subtitles: subtitles drawn into the picture (hard subtitles) for players without soft
// subtitle support: ASS/SRT rendered by libass through libavfilter (media/subtitle_burner.h), the picture
// re-encoded with libx264 at `crf`/`preset`, every audio stream copied as it is, the soft subtitle streams
// kept (as mov_text in MP4; in Matroska those it can hold).
//
// The video is ffmpeg.mux_video's `muxed_video_path` when an earlier stage made one (so a dubbing chain burns
// into the dubbed video), else `video_path`; the subtitles are `subtitle_path`, else the subtitle stage's
// `ass_path`, else its `srt_path`. Text is drawn in Noto Sans CJK from Debian's fonts-noto-cjk (the folder
// is given to libass), which covers Latin, Chinese, Japanese and Korean, so a translated Chinese line never
// meets a font without its glyphs.
#pragma once

#include "engine/node_registry.h"

namespace yv::ffmpeg {

engine::NodeSpec burn_subtitles_node();

}  // namespace yv::ffmpeg
