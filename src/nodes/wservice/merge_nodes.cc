#include "nodes/wservice/merge_nodes.h"

#include "core/error.h"
#include "nodes/wservice/params.h"
#include "nodes/wservice/segments.h"
#include "nodes/wservice/speaker_merge.h"

namespace yv::wservice {
namespace {

using nlohmann::json;

json summary(size_t transcript, size_t turns, size_t merged) {
  return {{"transcript_segments_count", transcript},
          {"speaker_segments_count", turns},
          {"merged_segments_count", merged}};
}

json merge_segments(const engine::NodeRun& r) {
  Transcript t = load_transcript(r.params);
  const auto turns = require_turns(r.params);
  const auto shares = label_segments(t.segments, turns);
  json merged = json::array();
  for (size_t i = 0; i < t.segments.size(); ++i) {
    json s = segment_json(t.segments[i], i, false);
    s["speaker_confidence"] = shares[i];
    merged.push_back(std::move(s));
  }
  t.produced_by = "wservice.merge_speaker_segments";
  return {{"merged_segments", merged},
          {"input_summary", summary(t.segments.size(), turns.size(), t.segments.size())},
          {kSegmentsFile, write_transcript(t, r.work_dir, "merged_segments.json")}};
}

json merge_words(const engine::NodeRun& r) {
  Transcript t = load_transcript(r.params);
  const auto turns = require_turns(r.params);
  for (size_t i = 0; i < t.segments.size(); ++i) {
    if (t.segments[i].words.empty()) {
      throw Error("invalid_input", "segment " + std::to_string(i) +
                                       " has no word timings: transcribe with word_timestamps, or use "
                                       "wservice.merge_speaker_segments");
    }
  }
  const size_t before = t.segments.size();
  t.segments = split_by_speaker(t.segments, turns);
  t.produced_by = "wservice.merge_with_word_timestamps";
  const std::string file = write_transcript(t, r.work_dir, "merged_segments.json");
  return {{"merged_segments_file", file},
          {kSegmentsFile, file},
          {"input_summary", summary(before, turns.size(), t.segments.size())}};
}

engine::NodeSpec merge_node(std::string name, std::string description) {
  engine::NodeSpec n;
  n.name = std::move(name);
  n.description = std::move(description);
  n.params = segment_params();
  for (auto& p : speaker_params()) n.params.push_back(std::move(p));
  n.cross_check = check_inline_data;
  n.time_limit_seconds = 300;
  return n;
}

}  // namespace

engine::NodeSpec merge_speaker_segments_node() {
  engine::NodeSpec n = merge_node("wservice.merge_speaker_segments",
                                  "Give each transcript segment the speaker who talks most within it");
  n.outputs = {"merged_segments", "input_summary", kSegmentsFile};
  n.run = merge_segments;
  return n;
}

engine::NodeSpec merge_with_word_timestamps_node() {
  engine::NodeSpec n = merge_node("wservice.merge_with_word_timestamps",
                                  "Give each word its speaker and split segments where the speaker changes");
  n.outputs = {"merged_segments_file", kSegmentsFile, "input_summary"};
  n.run = merge_words;
  return n;
}

}  // namespace yv::wservice
