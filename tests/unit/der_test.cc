#include "nodes/diarize/der.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/fixtures.h"

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

// The scorer against pyannote.metrics 4.2.0 (DiarizationErrorRate(collar=2 * ours, skip_overlap=False): its
// collar is the whole width, ours each side) on real AMI meeting excerpts, whose references overlap (1.4 s,
// 1.6 s and 14.4 s of two voices at once), scored against what our diarizer answered for them. The expected
// figures are what pyannote.metrics printed for the same files (bench/der_crosscheck.py reproduces them).
struct PyannoteCase {
  const char* clip;
  const char* hypothesis;
  struct Figures {
    double collar, reference_speech, missed, false_alarm, confusion;
  };
  std::vector<Figures> figures;
};

TEST(Der, AgreesWithPyannoteMetricsOnRealMeetings) {
  const std::vector<PyannoteCase> cases = {
      {"ami_dev00",
       "SPEAKER h 1 2.140 1.730 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 5.660 0.290 <NA> <NA> SPEAKER_01 <NA> <NA>\n"
       "SPEAKER h 1 6.690 3.290 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 10.460 0.870 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 12.060 0.770 <NA> <NA> SPEAKER_01 <NA> <NA>\n"
       "SPEAKER h 1 13.280 2.140 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 15.970 0.800 <NA> <NA> SPEAKER_01 <NA> <NA>\n"
       "SPEAKER h 1 18.210 2.010 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 20.610 2.050 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 23.040 0.670 <NA> <NA> SPEAKER_01 <NA> <NA>\n"
       "SPEAKER h 1 24.450 3.810 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 28.540 1.460 <NA> <NA> SPEAKER_01 <NA> <NA>\n",
       {{0.0, 28.497, 8.943, 0.336, 7.588}, {0.25, 22.002, 5.692, 0.0, 5.962}}},
      {"ami_trn05",
       "SPEAKER h 1 0.130 2.010 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 8.060 0.740 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 9.280 3.330 <NA> <NA> SPEAKER_01 <NA> <NA>\n"
       "SPEAKER h 1 13.060 2.900 <NA> <NA> SPEAKER_02 <NA> <NA>\n"
       "SPEAKER h 1 15.960 1.100 <NA> <NA> SPEAKER_01 <NA> <NA>\n"
       "SPEAKER h 1 17.060 2.500 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 19.560 4.100 <NA> <NA> SPEAKER_03 <NA> <NA>\n"
       "SPEAKER h 1 23.660 2.360 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 26.300 1.600 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 28.510 1.490 <NA> <NA> SPEAKER_00 <NA> <NA>\n",
       {{0.0, 26.046, 3.944, 0.028, 12.049}, {0.25, 20.576, 1.854, 0.0, 11.049}}},
      {"ami_trn08",
       "SPEAKER h 1 5.250 0.570 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 6.430 1.250 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 7.970 0.450 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 10.530 0.410 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 12.190 1.190 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 13.920 2.620 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 17.950 5.950 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
       "SPEAKER h 1 27.170 1.410 <NA> <NA> SPEAKER_00 <NA> <NA>\n",
       {{0.0, 32.785, 18.935, 0.0, 3.292}, {0.25, 13.901, 7.968, 0.0, 0.94}}}};
  for (const auto& c : cases) {
    const auto reference =
        parse_rttm(test::read_text(test::test_data(std::string("speech/en/") + c.clip + ".rttm")));
    const auto hypothesis = parse_rttm(c.hypothesis);
    for (const auto& f : c.figures) {
      SCOPED_TRACE(std::string(c.clip) + " collar " + std::to_string(f.collar));
      const auto r = diarization_error(reference, hypothesis, f.collar);
      EXPECT_NEAR(r.reference_speech, f.reference_speech, 1e-3);
      EXPECT_NEAR(r.missed, f.missed, 1e-3);
      EXPECT_NEAR(r.false_alarm, f.false_alarm, 1e-3);
      EXPECT_NEAR(r.confusion, f.confusion, 1e-3);
    }
  }
}

}  // namespace
}  // namespace yv::diarize
