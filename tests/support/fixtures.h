// Test inputs: the shared speech clips, the synthesised meeting, and the default Whisper model.
#pragma once

#include <string>

#include "nodes/whisper/model.h"

namespace yv::test {

// Path of a file in ../shared/fixtures (real speech with reference transcripts), or in
// $YIVIDEO_SHARED_FIXTURES. Throws std::runtime_error naming the expected place when the directory is
// missing.
std::string shared_fixture(const std::string& name);
// Path of a file in tests/data (real recordings committed with the tests; tests/data/SOURCES.md).
std::string test_data(const std::string& name);
// Path of a file of the real telephone call inside PyPI pyannote-audio 4.0.7 (sample.wav, sample.rttm), which
// scripts/test extracts and names in $YIVIDEO_PYANNOTE_SAMPLE. Throws std::runtime_error when that is not
// set.
std::string pyannote_sample(const std::string& name);
// Path of a file made by tools/synth_fixture.py (CTest runs it before the tests).
std::string synth_fixture(const std::string& name);
// A path under the temp directory unique to this test process and test: "<tmp>/<prefix>-<pid>-<test name>"
// ('/' of parameterised test names replaced by '-').
// Nothing is created there.
std::string scratch_path(const std::string& prefix);
// A text file's content without its trailing newline.
std::string read_text(const std::string& path);
// The default model (tiny.en) from $YIVIDEO_MODEL_DIR, loaded once per test binary.
const whisper::Model& default_model();

}  // namespace yv::test
