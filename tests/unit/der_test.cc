#include "nodes/diarize/der.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace yv::diarize {
namespace {

TEST(Der, IdenticalTurnsScoreZero) {
  const std::vector<Turn> ref = {{0, 10, "A"}, {10, 20, "B"}};
  const auto r = diarization_error(ref, ref);
  EXPECT_DOUBLE_EQ(r.reference_speech, 20);
  EXPECT_DOUBLE_EQ(r.der(), 0);
}

TEST(Der, LabelsAreMappedNotCompared) {
  const auto r =
      diarization_error({{0, 10, "A"}, {10, 20, "B"}}, {{0, 10, "SPEAKER_01"}, {10, 20, "SPEAKER_00"}});
  EXPECT_DOUBLE_EQ(r.der(), 0);
}

TEST(Der, CountsMissedAndFalseAlarmSpeech) {
  const auto r = diarization_error({{0, 10, "A"}}, {{0, 8, "X"}, {12, 14, "X"}});
  EXPECT_DOUBLE_EQ(r.missed, 2);
  EXPECT_DOUBLE_EQ(r.false_alarm, 2);
  EXPECT_DOUBLE_EQ(r.confusion, 0);
  EXPECT_DOUBLE_EQ(r.der(), 0.4);
}

TEST(Der, ConfusionUsesTheBestOneToOneMapping) {
  // X overlaps A for 10 s and B for 5 s; Y only B. Best: A->X, B->Y; 10-15 is then confused.
  const auto r = diarization_error({{0, 10, "A"}, {10, 20, "B"}}, {{0, 15, "X"}, {15, 20, "Y"}});
  EXPECT_DOUBLE_EQ(r.confusion, 5);
  EXPECT_DOUBLE_EQ(r.der(), 0.25);
}

TEST(Der, ExtraHypothesisSpeakersAreConfusion) {
  const auto r = diarization_error({{0, 10, "A"}}, {{0, 4, "X"}, {4, 10, "Y"}});
  EXPECT_DOUBLE_EQ(r.confusion, 4);
}

TEST(Der, CollarForgivesBoundaryDisagreement) {
  const std::vector<Turn> ref = {{0, 10, "A"}, {10, 20, "B"}};
  const std::vector<Turn> hyp = {{0, 10.2, "X"}, {10.2, 20, "Y"}};
  EXPECT_NEAR(diarization_error(ref, hyp).der(), 0.2 / 20, 1e-12);
  const auto collared = diarization_error(ref, hyp, 0.25);
  EXPECT_DOUBLE_EQ(collared.der(), 0);
  // 0.25 s at both ends of both turns (0 and 20 lose only their inner halves): 20 - 0.25 - 0.5 - 0.25.
  EXPECT_DOUBLE_EQ(collared.reference_speech, 19);
}

TEST(Der, OverlappingReferenceSpeechCountsPerSpeaker) {
  const auto r = diarization_error({{0, 10, "A"}, {5, 10, "B"}}, {{0, 10, "X"}});
  EXPECT_DOUBLE_EQ(r.reference_speech, 15);
  EXPECT_DOUBLE_EQ(r.missed, 5);
  EXPECT_NEAR(r.der(), 1.0 / 3, 1e-12);
}

TEST(Der, EmptyReferenceHasNoRate) {
  const auto r = diarization_error({}, {{0, 1, "X"}});
  EXPECT_DOUBLE_EQ(r.false_alarm, 1);
  EXPECT_DOUBLE_EQ(r.der(), 0);
}

TEST(Der, BestAssignmentMaximisesTheTotal) {
  // Greedy would take 9 (row 0 -> col 0) and then 1; the best is 8 + 7.
  EXPECT_EQ(best_assignment({{9, 8}, {7, 1}}), (std::vector<int>{1, 0}));
  EXPECT_EQ(best_assignment({{1, 0}, {0, 1}, {5, 5}}), (std::vector<int>{-1, 1, 0}));
}

TEST(Rttm, RoundTrips) {
  const std::vector<Turn> turns = {{1.5, 3.25, "SPEAKER_00"}, {4, 9.125, "SPEAKER_01"}};
  const std::string text = to_rttm(turns, "talk");
  EXPECT_EQ(text.substr(0, text.find('\n')), "SPEAKER talk 1 1.500 1.750 <NA> <NA> SPEAKER_00 <NA> <NA>");
  const auto back = parse_rttm("# comment\n\n" + text);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_DOUBLE_EQ(back[1].start, 4);
  EXPECT_DOUBLE_EQ(back[1].end, 9.125);
  EXPECT_EQ(back[1].speaker, "SPEAKER_01");
  EXPECT_DOUBLE_EQ(talk_time(turns).at("SPEAKER_01"), 5.125);
}

TEST(Rttm, RefusesABrokenSpeakerLine) {
  try {
    parse_rttm("SPEAKER f 1 one 2.0 <NA> <NA> A <NA> <NA>\n");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "invalid_rttm");
    EXPECT_NE(std::string(e.what()).find("line 1"), std::string::npos);
  }
}

}  // namespace
}  // namespace yv::diarize
