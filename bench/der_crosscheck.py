#!/usr/bin/env python3
"""Our DER scorer (`yivideo der`) against pyannote.metrics on the same files (issue 17; not a test).

Diarizes each real AMI meeting excerpt of tests/data/speech/en with this build (count found; trn05 with its 4
speakers given, so that every scorer path is used: more hypothesis speakers than one, unmatched ones), then scores
the answer against the reference RTTM with `yivideo der` and with pyannote.metrics 4.2.0
(DiarizationErrorRate(collar=2 * ours, skip_overlap=False): its collar is the whole width, ours each side), with
no collar and with 0.25 s. The references overlap, so the overlap rule is checked too. The figures it prints are
those tests/unit/der_test.cc (Der.AgreesWithPyannoteMetricsOnRealMeetings) holds our scorer to, with the
hypotheses written there.
Usage: bench/der_crosscheck.py (after scripts/test built the binary).
"""

import json
import os
import subprocess
import tempfile

from asr_bench import deps
from benchlib import BIN, ROOT

PYANNOTE = """
import sys
from pyannote.core import Annotation, Segment
from pyannote.metrics.diarization import DiarizationErrorRate
def load(path):
    a = Annotation()
    for i, line in enumerate(open(path)):
        r = line.split()
        a[Segment(float(r[3]), float(r[3]) + float(r[4])), i] = r[7]
    return a
d = DiarizationErrorRate(collar=2 * float(sys.argv[3]), skip_overlap=False)(load(sys.argv[1]), load(sys.argv[2]),
                                                                             detailed=True)
print(d["total"], d["missed detection"], d["false alarm"], d["confusion"])
"""

CLIPS = {"ami_dev00": [], "ami_trn05": ["--speaker-count", "4"], "ami_trn08": []}


def main():
    python = deps(f"yv_ensure_venv der-check '{ROOT}/third_party/der-check-requirements.txt' 'pyannote.metrics'")
    print("| Clip | Collar | Scorer | Reference speech | Missed | False alarm | Confusion | DER |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for clip, args in CLIPS.items():
            reference = os.path.join(ROOT, "tests", "data", "speech", "en", clip + ".rttm")
            out = os.path.join(tmp, clip)
            subprocess.run([BIN, "run", os.path.join(ROOT, "tests", "data", "speech", "en", clip + ".flac"),
                            "--chain", "pyannote_audio.diarize_speakers", "--output-dir", out, *args],
                           check=True, capture_output=True)
            hypothesis = os.path.join(out, "stage_0", "diarization.rttm")
            for collar in ("0", "0.25"):
                ours = json.loads(subprocess.run([BIN, "der", reference, hypothesis, "--collar", collar],
                                                 check=True, capture_output=True, text=True).stdout)
                theirs = subprocess.run([python, "-c", PYANNOTE, reference, hypothesis, collar], check=True,
                                        capture_output=True, text=True).stdout.split()
                rows = {"yivideo der": [ours["reference_speech"], ours["missed"], ours["false_alarm"],
                                        ours["confusion"]],
                        "pyannote.metrics": [float(x) for x in theirs]}
                for scorer, (total, missed, fa, conf) in rows.items():
                    print(f"| {clip} | {collar} s | {scorer} | {total:.3f} s | {missed:.3f} s | {fa:.3f} s | "
                          f"{conf:.3f} s | {(missed + fa + conf) / total:.2%} |")


if __name__ == "__main__":
    main()
