// What the dubbing-assembly tests share: running a node of the chain in a folder, and measuring outputs with
// tools independent of the code under test — ffprobe and ffmpeg's own command-line filters — or with
// YiVideo's decoder where only samples are needed.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/node_registry.h"
#include "media/audio_decoder.h"

namespace yv::test {

// Runs `node` on `given` (defaults filled) in `dir`, created if needed, and returns its outputs.
nlohmann::json run_in(const engine::NodeRegistry& nodes, const std::string& node, const nlohmann::json& given,
                      const std::filesystem::path& dir);

// ffprobe's -show_streams -show_format of `path`, as JSON.
nlohmann::json probe(const std::string& path);
// The streams of `path` of codec_type `type` ("video", "audio", "subtitle").
std::vector<nlohmann::json> streams_of(const std::string& path, const std::string& type);
// ffprobe's MD5 of every packet of the stream `selector` ("v:0", "a:1") of `path`, in order.
std::vector<std::string> packet_hashes(const std::string& path, const std::string& selector);
// The integrated loudness (LUFS) of `path`'s first audio stream by ffmpeg's ebur128 filter.
double integrated_loudness(const std::string& path);
// The subtitle stream `selector` ("s:0") of `path` as SRT text, by ffmpeg.
std::string subtitles_as_srt(const std::string& path, const std::string& selector);

// A minute of real English speech over real footage, the dub presets' input: Big Buck Bunny's 8 s opening
// looped (its packets copied) and LJSpeech's reader, 60 s of one chapter, as AAC, written as MP4 to `out`.
void make_english_video(const std::filesystem::path& out);

// RMS level in dBFS of samples [from, to) seconds of `audio` (-200 for silence).
double level_db(const media::Audio& audio, double from, double to);
// The first time at or after `from` where a 1 ms window reaches `threshold_db` (RMS), or -1.
double onset(const media::Audio& audio, double from, double threshold_db);

}  // namespace yv::test
