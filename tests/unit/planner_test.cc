// The planner's rules for the execution modes and parameters, and how a stage's inputs are computed.
#include "engine/planner.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "engine/presets.h"
#include "engine/stage_inputs.h"
#include "nodes/builtin_nodes.h"

namespace yv::engine {
namespace {

using nlohmann::json;

// Two small nodes shaped like the quick-start's: one makes audio, one reads it.
NodeRegistry registry() {
  NodeRegistry r;
  NodeSpec extract;
  extract.name = "media.extract";
  extract.params = {{"video_path", ParamType::kString, nullptr, true, true, ""},
                    {"rate", ParamType::kInteger, 16000, false, false, ""}};
  extract.outputs = {"audio_path", "duration"};
  r.add(extract);
  NodeSpec transcribe;
  transcribe.name = "asr.transcribe";
  transcribe.params = {{"audio_path", ParamType::kString, nullptr, false, false, ""},
                       {"video_path", ParamType::kString, nullptr, false, true, ""},
                       {"language", ParamType::kString, "auto", false, true, ""},
                       {"beam_size", ParamType::kInteger, 5, false, false, ""}};
  transcribe.outputs = {"text", "segments_file"};
  r.add(transcribe);
  return r;
}

json body(const std::vector<std::string>& chain) {
  return {{"video_path", "/in/a.mp4"}, {"workflow_config", {{"workflow_chain", chain}}}};
}

std::string code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code() + " " + std::to_string(e.http_status());
  }
  return "no error";
}

TEST(Planner, SplitsGlobalsAndNodeBlocks) {
  const NodeRegistry r = registry();
  json b = body({"media.extract", "asr.transcribe"});
  b["language"] = "zh";
  b["asr.transcribe"] = {{"beam_size", 2}};
  b["callback"] = "http://example.org/hook";
  const WorkflowRequest req = parse_workflow_request(b, r);
  EXPECT_EQ(req.mode, ExecutionMode::kFull);
  EXPECT_EQ(req.spec.chain, (std::vector<std::string>{"media.extract", "asr.transcribe"}));
  EXPECT_EQ(req.spec.globals, json({{"video_path", "/in/a.mp4"}, {"language", "zh"}}));
  EXPECT_EQ(req.spec.node_params, json({{"asr.transcribe", {{"beam_size", 2}}}}));
  ASSERT_TRUE(req.callback);
  EXPECT_EQ(req.callback->url, "http://example.org/hook");
  EXPECT_FALSE(req.callback->auth_header);
}

// A preset stands for its chain and parameters; what is stored is the chain, with the request's parameters
// over the preset's.
TEST(Planner, APresetExpandsToItsChainUnderTheRequestsParameters) {
  const NodeRegistry r = yv::builtin_nodes();
  const Preset subtitles = find_preset(r, "subtitles");
  json b = {{"video_path", "/in/a.mp4"},
            {"workflow_config", {{"preset", "subtitles"}}},
            {"faster_whisper.transcribe_audio", {{"beam_size", 2}}}};
  const WorkflowRequest req = parse_workflow_request(b, r);
  EXPECT_EQ(req.spec.chain, subtitles.chain);
  EXPECT_EQ(req.spec.node_params["faster_whisper.transcribe_audio"]["beam_size"], 2);
  for (const auto& [node, params] : subtitles.node_params.items()) {
    for (const auto& [name, value] : params.items()) {
      if (node != "faster_whisper.transcribe_audio" || name != "beam_size") {
        EXPECT_EQ(req.spec.node_params[node][name], value) << node << "." << name;
      }
    }
  }
  b["workflow_config"] = {{"preset", "nope"}};
  EXPECT_EQ(code_of([&] { parse_workflow_request(b, r); }), "unknown_preset 400");
  b["workflow_config"] = {{"preset", "subtitles"}, {"workflow_chain", {"ffmpeg.extract_audio"}}};
  EXPECT_EQ(code_of([&] { parse_workflow_request(b, r); }), "invalid_request 400");
  for (const Preset& p : available_presets(r)) {
    for (const auto& node : p.chain) EXPECT_TRUE(r.find(node)) << p.name << ": " << node;
    for (const auto& [node, params] : p.node_params.items()) {
      EXPECT_NO_THROW(r.check_params(r.get(node), params)) << p.name << ": " << node;
    }
  }
}

// A preset's own parameter is given once and written into every node parameter that must agree with it; a
// node block of the request still wins, and the parameter means nothing beside another chain.
TEST(Planner, APresetsParameterIsWrittenWhereverItMustAgree) {
  const NodeRegistry r = yv::builtin_nodes();
  json b = {{"video_path", "/in/a.mp4"}, {"workflow_config", {{"preset", "dub"}}}, {"target_language", "es"}};
  json params = parse_workflow_request(b, r).spec.node_params;
  EXPECT_EQ(params["wservice.translate_subtitles"]["target_language"], "es");
  EXPECT_EQ(params["indextts.generate_speech"]["language"], "es");
  EXPECT_EQ(params["ffmpeg.mux_video"]["audio_language"], "es");
  EXPECT_EQ(params["ffmpeg.mux_video"]["subtitle_tracks"][1]["language"], "es");
  EXPECT_EQ(params["ffmpeg.mux_video"]["subtitle_tracks"][0]["language"], "en");  // source_language's default
  EXPECT_EQ(params["faster_whisper.transcribe_audio"]["language"], "en");
  EXPECT_FALSE(parse_workflow_request(b, r).spec.globals.contains("target_language"));

  b["ffmpeg.mux_video"] = {{"audio_language", "spa"}};
  params = parse_workflow_request(b, r).spec.node_params;
  EXPECT_EQ(params["ffmpeg.mux_video"]["audio_language"], "spa");
  EXPECT_EQ(params["ffmpeg.mux_video"]["subtitle_tracks"][1]["language"], "es");

  b["target_language"] = "not a language";  // checked as the node parameters it is written into
  EXPECT_EQ(code_of([&] { parse_workflow_request(b, r); }), "invalid_parameter 400");
  json chain = body({"ffmpeg.extract_audio"});
  chain["target_language"] = "es";
  EXPECT_EQ(code_of([&] { parse_workflow_request(chain, r); }), "invalid_parameter 400");
}

TEST(Planner, RefusesWhatCannotRun) {
  const NodeRegistry r = registry();
  EXPECT_EQ(code_of([&] { parse_workflow_request(body({}), r); }), "empty_workflow_chain 400");
  EXPECT_EQ(code_of([&] { parse_workflow_request(body({"nope.node"}), r); }), "unknown_node 400");
  json unknown = body({"media.extract"});
  unknown["speed"] = 2;  // no node takes a global of that name
  EXPECT_EQ(code_of([&] { parse_workflow_request(unknown, r); }), "invalid_parameter 400");
  json wrong_type = body({"media.extract"});
  wrong_type["language"] = 7;
  EXPECT_EQ(code_of([&] { parse_workflow_request(wrong_type, r); }), "invalid_parameter 400");
  json no_video = body({"media.extract"});
  no_video.erase("video_path");
  EXPECT_EQ(code_of([&] { parse_workflow_request(no_video, r); }), "invalid_request 400");
  json full_with_id = body({"media.extract"});
  full_with_id["workflow_id"] = "w";
  EXPECT_EQ(code_of([&] { parse_workflow_request(full_with_id, r); }), "invalid_request 400");
  EXPECT_EQ(code_of([&] {
              parse_workflow_request({{"execution_mode", "retry"}}, r);
            }),
            "invalid_request 400");
  json bad_strategy = body({"media.extract"});
  bad_strategy["param_merge_strategy"] = "union";
  EXPECT_EQ(code_of([&] { parse_workflow_request(bad_strategy, r); }), "invalid_request 400");
  EXPECT_EQ(code_of([&] { parse_workflow_request(json::array(), r); }), "invalid_request 400");
}

TEST(Planner, ReferencesMustNameAnEarlierStageAndADeclaredOutput) {
  const NodeRegistry r = registry();
  const auto with_ref = [&](const std::vector<std::string>& chain, const std::string& ref) {
    json b = body(chain);
    b["asr.transcribe"] = {{"audio_path", ref}};
    return b;
  };
  const std::vector<std::string> chain = {"media.extract", "asr.transcribe"};
  EXPECT_NO_THROW(
      parse_workflow_request(with_ref(chain, "${{ stages.media.extract.output.audio_path }}"), r));
  EXPECT_NO_THROW(parse_workflow_request(with_ref(chain, "${{stages.media.extract.output.audio_path}}"), r));
  EXPECT_EQ(
      code_of([&] { parse_workflow_request(with_ref(chain, "${{ stages.media.extract.output.nope }}"), r); }),
      "invalid_reference 400");
  EXPECT_EQ(code_of([&] {
              parse_workflow_request(with_ref({"asr.transcribe", "media.extract"},
                                              "${{ stages.media.extract.output.audio_path }}"),
                                     r);
            }),
            "invalid_reference 400");
  EXPECT_EQ(code_of([&] { parse_workflow_request(with_ref(chain, "${{ media.extract.audio_path }}"), r); }),
            "invalid_reference 400");
}

TEST(Planner, MergeStrategies) {
  WorkflowSpec stored{{"media.extract"},
                      {{"video_path", "/in/a.mp4"}, {"language", "en"}},
                      {{"asr.transcribe", {{"beam_size", 5}}}}};
  WorkflowSpec given{{"media.extract", "asr.transcribe"},
                     {{"language", "zh"}},
                     {{"asr.transcribe", {{"audio_path", "/x"}}}}};
  const WorkflowSpec merged = merge_specs(stored, given, MergeStrategy::kMerge);
  EXPECT_EQ(merged.chain, given.chain);
  EXPECT_EQ(merged.globals, json({{"video_path", "/in/a.mp4"}, {"language", "zh"}}));
  EXPECT_EQ(merged.node_params, json({{"asr.transcribe", {{"beam_size", 5}, {"audio_path", "/x"}}}}));

  const WorkflowSpec replaced = merge_specs(stored, given, MergeStrategy::kOverride);
  EXPECT_EQ(replaced.globals, json({{"video_path", "/in/a.mp4"}, {"language", "zh"}}));
  EXPECT_EQ(replaced.node_params, given.node_params);

  EXPECT_EQ(code_of([&] { merge_specs(stored, given, MergeStrategy::kStrict); }), "param_conflict 400");
  given.globals = {{"language", "en"}};  // the same value is no conflict
  EXPECT_EQ(merge_specs(stored, given, MergeStrategy::kStrict).globals["language"], "en");
  EXPECT_EQ(merge_specs(stored, WorkflowSpec{}, MergeStrategy::kMerge).chain, stored.chain);
}

TEST(Planner, IncrementalAppendsOnlyToACompletedPrefix) {
  const std::vector<StoredStage> done = {{"media.extract", "completed"}};
  EXPECT_EQ(incremental_start(done, {"media.extract", "asr.transcribe"}), 1u);
  EXPECT_EQ(incremental_start(done, {"media.extract"}), 1u);  // nothing to run
  EXPECT_EQ(code_of([&] { incremental_start(done, {"asr.transcribe"}); }), "invalid_request 400");
  EXPECT_EQ(code_of([&] { incremental_start(done, {}); }), "invalid_request 400");
  EXPECT_EQ(code_of([&] {
              incremental_start({{"media.extract", "failed"}}, {"media.extract", "asr.transcribe"});
            }),
            "invalid_request 400");
}

TEST(Planner, RetryStartsAtTheFirstStageNotCompleted) {
  const std::vector<StoredStage> stored = {{"media.extract", "completed"}, {"asr.transcribe", "failed"}};
  EXPECT_EQ(retry_start(stored, {"media.extract", "asr.transcribe"}), 1u);
  EXPECT_EQ(retry_start(stored, {"asr.transcribe", "asr.transcribe"}), 0u);  // another node at stage 0
  EXPECT_EQ(retry_start({{"media.extract", "completed"}}, {"media.extract"}), 1u);
  EXPECT_EQ(retry_start({{"media.extract", "cancelled"}}, {"media.extract"}), 0u);
}

TEST(Planner, RetryRefusesAChainShorterThanTheStoredOne) {
  const std::vector<StoredStage> stored = {{"media.extract", "completed"}, {"asr.transcribe", "failed"}};
  EXPECT_EQ(code_of([&] { retry_start(stored, {"media.extract"}); }), "invalid_request 400");
  EXPECT_EQ(code_of([&] { retry_start(stored, {"asr.transcribe"}); }), "invalid_request 400");
}

TEST(Planner, ChainsAreCappedAtMaxStages) {
  const NodeRegistry r = registry();
  EXPECT_EQ(parse_workflow_request(body(std::vector<std::string>(kMaxChainStages, "media.extract")), r)
                .spec.chain.size(),
            kMaxChainStages);
  EXPECT_EQ(code_of([&] {
              parse_workflow_request(body(std::vector<std::string>(kMaxChainStages + 1, "media.extract")), r);
            }),
            "chain_too_long 400");
}

// A node that needs an earlier stage's output (as the subtitle node needs a transcription's segments_file).
NodeRegistry registry_with_subtitles() {
  NodeRegistry r = registry();
  NodeSpec subs;
  subs.name = "subs.write";
  subs.params = {{"segments_file", ParamType::kString, nullptr, true, false, ""}};
  subs.outputs = {"srt_path"};
  r.add(subs);
  return r;
}

TEST(Planner, ARequiredInputThatNothingProvidesIsRefusedAtSubmit) {
  const NodeRegistry r = registry_with_subtitles();
  EXPECT_EQ(code_of([&] {
              parse_workflow_request(body({"media.extract", "subs.write"}), r);
            }),
            "missing_input 400");
  try {
    parse_workflow_request(body({"media.extract", "subs.write"}), r);
  } catch (const Error& e) {
    EXPECT_NE(e.detail().find("stage_1 (subs.write) needs segments_file"), std::string::npos) << e.detail();
    EXPECT_NE(e.detail().find("asr.transcribe"), std::string::npos) << "names the node that produces it";
  }
  // Provided by an earlier stage, or given in the request: accepted.
  EXPECT_NO_THROW(parse_workflow_request(body({"media.extract", "asr.transcribe", "subs.write"}), r));
  json given = body({"subs.write"});
  given["subs.write"] = {{"segments_file", "/in/segments.json"}};
  EXPECT_NO_THROW(parse_workflow_request(given, r));
  json referenced = body({"asr.transcribe", "subs.write"});
  referenced["subs.write"] = {{"segments_file", "${{ stages.asr.transcribe.output.segments_file }}"}};
  EXPECT_NO_THROW(parse_workflow_request(referenced, r));
}

TEST(Planner, MissingInputsOfStagesThatDoNotRunAgainAreNotChecked) {
  const NodeRegistry r = registry_with_subtitles();
  WorkflowSpec spec;
  spec.chain = {"subs.write", "media.extract"};
  spec.globals = {{"video_path", "/in/a.mp4"}};
  EXPECT_EQ(code_of([&] { check_stages(spec, r); }), "missing_input 400");
  EXPECT_NO_THROW(check_stages(spec, r, 1));  // stage_0 completed before: its inputs were there
}

TEST(StageInputs, OwnParametersThenGlobalsThenEarlierOutputs) {
  const NodeRegistry r = registry();
  const NodeSpec& asr = r.get("asr.transcribe");
  const std::vector<EarlierStage> earlier = {
      {"media.extract", {{"audio_path", "/w/0/audio.wav"}, {"duration", 3.0}}}};
  const json globals = {{"video_path", "/in/a.mp4"}, {"language", "en"}};
  json in = stage_inputs(r, asr, json::object(), globals, earlier);
  EXPECT_EQ(in["audio_path"], "/w/0/audio.wav");  // upstream fallback
  EXPECT_EQ(in["video_path"], "/in/a.mp4");       // global
  EXPECT_EQ(in["language"], "en");
  EXPECT_EQ(in["beam_size"], 5);  // default
  EXPECT_FALSE(in.contains("duration")) << "outputs fill only the node's own parameters";
  in = stage_inputs(r, asr, {{"language", "zh"}, {"audio_path", "/mine.wav"}}, globals, earlier);
  EXPECT_EQ(in["language"], "zh");
  EXPECT_EQ(in["audio_path"], "/mine.wav");
}

TEST(StageInputs, ReferencesResolveFromTheLatestEarlierStageOfThatNode) {
  const NodeRegistry r = registry();
  const NodeSpec& asr = r.get("asr.transcribe");
  const std::vector<EarlierStage> earlier = {{"media.extract", {{"audio_path", "/first.wav"}}},
                                             {"media.extract", {{"audio_path", "/second.wav"}}}};
  const json ref = {{"audio_path", "${{ stages.media.extract.output.audio_path }}"}};
  EXPECT_EQ(stage_inputs(r, asr, ref, json::object(), earlier)["audio_path"], "/second.wav");
  EXPECT_EQ(code_of([&] { stage_inputs(r, asr, ref, json::object(), {}); }), "unresolved_reference 400");
}

// A reference may stand inside a list or an object (a subtitle track's path), and is checked at submit there
// too.
TEST(StageInputs, ReferencesInsideListsAndObjectsResolve) {
  const NodeRegistry r = yv::builtin_nodes();
  const NodeSpec& mux = r.get("ffmpeg.mux_video");
  const std::vector<EarlierStage> earlier = {{"wservice.translate_subtitles", {{"srt_path", "/w/3/es.srt"}}}};
  const json own = {
      {"subtitle_tracks",
       {{{"path", "${{ stages.wservice.translate_subtitles.output.srt_path }}"}, {"language", "es"}}}}};
  const json in = stage_inputs(r, mux, own, {{"video_path", "/in/a.mp4"}}, earlier);
  EXPECT_EQ(in["subtitle_tracks"][0]["path"], "/w/3/es.srt");
  EXPECT_EQ(in["subtitle_tracks"][0]["language"], "es");
  EXPECT_EQ(code_of([&] {
              stage_inputs(r, mux, own, {{"video_path", "/in/a.mp4"}}, {});
            }),
            "unresolved_reference 400");
  WorkflowSpec spec;
  spec.chain = {"ffmpeg.mux_video"};
  spec.node_params = {{"ffmpeg.mux_video", own}};
  EXPECT_EQ(code_of([&] { check_references(spec, r); }), "invalid_reference 400");  // runs after, not before
}

}  // namespace
}  // namespace yv::engine
