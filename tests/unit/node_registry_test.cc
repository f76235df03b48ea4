#include "engine/node_registry.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "nodes/builtin_nodes.h"

namespace yv::engine {
namespace {

NodeSpec sample_node() {
  NodeSpec n;
  n.name = "demo.echo";
  n.params = {{"text", ParamType::kString, nullptr, true, false, ""},
              {"times", ParamType::kInteger, 1, false, false, ""},
              {"language", ParamType::kString, "auto", false, true, ""},
              {"ratio", ParamType::kNumber, nullptr, false, false, ""}};
  return n;
}

std::string error_detail(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code() + ": " + e.detail();
  }
  return "no error";
}

TEST(NodeRegistry, FillsDefaultsAndKeepsGivenValues) {
  NodeRegistry r;
  const auto p = r.resolve_params(sample_node(), {{"text", "hi"}, {"ratio", 2}});
  EXPECT_EQ(p, nlohmann::json({{"text", "hi"}, {"times", 1}, {"language", "auto"}, {"ratio", 2}}));
}

TEST(NodeRegistry, GlobalsReachOnlyParametersThatTakeThem) {
  NodeRegistry r;
  const auto p = r.resolve_params(sample_node(), {{"text", "hi"}}, {{"language", "zh"}, {"times", 9}});
  EXPECT_EQ(p["language"], "zh");
  EXPECT_EQ(p["times"], 1);
}

TEST(NodeRegistry, OwnParameterWinsOverGlobal) {
  NodeRegistry r;
  EXPECT_EQ(
      r.resolve_params(sample_node(), {{"text", "hi"}, {"language", "en"}}, {{"language", "zh"}})["language"],
      "en");
}

TEST(NodeRegistry, NamesEveryProblemAtOnce) {
  NodeRegistry r;
  const auto detail = error_detail([&] {
    r.resolve_params(sample_node(), {{"times", "three"}, {"colour", "red"}});
  });
  EXPECT_NE(detail.find("invalid_parameter"), std::string::npos) << detail;
  EXPECT_NE(detail.find("unknown parameter 'colour'"), std::string::npos) << detail;
  EXPECT_NE(detail.find("'times' must be integer"), std::string::npos) << detail;
  EXPECT_NE(detail.find("'text' is required"), std::string::npos) << detail;
}

// A node with bounded parameters and a rule across two of them.
NodeSpec excerpt_node() {
  NodeSpec n;
  n.name = "demo.excerpt";
  n.params = {{"rate", ParamType::kInteger, 16000, false, false, "", 8000, 48000},
              {"start", ParamType::kNumber, nullptr, false, false, "", 0},
              {"end", ParamType::kNumber, nullptr, false, false, ""}};
  n.cross_check = [](const nlohmann::json& p) {
    const bool backwards = p.contains("start") && p.contains("end") && p["end"] <= p["start"];
    return backwards ? std::vector<std::string>{"'end' must be after 'start'"} : std::vector<std::string>{};
  };
  return n;
}

TEST(NodeRegistry, ValuesOutOfBoundsAreRefusedNamingTheBounds) {
  NodeRegistry r;
  EXPECT_EQ(r.resolve_params(excerpt_node(), {{"rate", 48000}, {"start", 0}})["rate"], 48000);
  EXPECT_EQ(error_detail([&] {
              r.resolve_params(excerpt_node(), {{"rate", 0}});
            }),
            "invalid_parameter: demo.excerpt: 'rate' must be between 8000 and 48000");
  EXPECT_EQ(error_detail([&] {
              r.check_params(excerpt_node(), {{"start", -0.5}});
            }),
            "invalid_parameter: demo.excerpt: 'start' must be at least 0");
}

TEST(NodeRegistry, RulesAcrossParametersHoldAtSubmitAndBeforeARun) {
  NodeRegistry r;
  const nlohmann::json backwards = {{"start", 5}, {"end", 2}};
  EXPECT_EQ(error_detail([&] { r.resolve_params(excerpt_node(), backwards); }),
            "invalid_parameter: demo.excerpt: 'end' must be after 'start'");
  EXPECT_EQ(error_detail([&] { r.check_params(excerpt_node(), backwards); }),
            "invalid_parameter: demo.excerpt: 'end' must be after 'start'");
  // A stage reference is known only when the stage runs: the rule waits for it.
  EXPECT_EQ(error_detail([&] {
              r.check_params(excerpt_node(), {{"start", 5}, {"end", "${{ stages.a.output.end }}"}});
            }),
            "no error");
}

TEST(NodeRegistry, ChoicesAndPatternsAreCheckedWithTheType) {
  NodeSpec n;
  n.name = "demo.pick";
  n.params = {{"colour", ParamType::kString, nullptr, false, false, "", nullptr, nullptr, {"red", "blue"}},
              {"name", ParamType::kString, nullptr, false, false, "", nullptr, nullptr, nullptr, "^[a-z]+$"}};
  NodeRegistry r;
  EXPECT_EQ(error_detail([&] { r.check_params(n, {{"colour", "red"}, {"name", "ok"}}); }), "no error");
  const auto detail = error_detail([&] { r.check_params(n, {{"colour", "green"}, {"name", "../x"}}); });
  EXPECT_NE(detail.find(R"('colour' must be one of "red", "blue", not "green")"), std::string::npos)
      << detail;
  EXPECT_NE(detail.find("'name' must match ^[a-z]+$"), std::string::npos) << detail;
}

TEST(NodeRegistry, UnknownNodeListsTheKnownOnes) {
  const NodeRegistry r = builtin_nodes();
  const auto detail = error_detail([&] { r.get("nope.node"); });
  EXPECT_NE(detail.find("unknown_node"), std::string::npos);
  EXPECT_NE(detail.find("faster_whisper.transcribe_audio"), std::string::npos) << detail;
}

TEST(NodeRegistry, BuiltinTranscribeNodeDeclaresItsContract) {
  const NodeRegistry r = builtin_nodes();
  const NodeSpec& n = r.get("faster_whisper.transcribe_audio");
  EXPECT_EQ(n.resource_class, "cpu");
  EXPECT_EQ(n.outputs, (std::vector<std::string>{"segments_file", "text", "language", "language_probability",
                                                 "segments_count", "model"}));
  const auto p = r.resolve_params(n, {{"audio_path", "a.wav"}});
  EXPECT_EQ(p["beam_size"], 5);
  EXPECT_EQ(p["word_timestamps"], true);
}

}  // namespace
}  // namespace yv::engine
