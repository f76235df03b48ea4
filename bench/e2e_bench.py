#!/usr/bin/env python3
"""End to end through the HTTP API (issue 8, goal 2; not a test).

Makes a 10-minute video (a 1280x720 25 fps H.264 test pattern carrying bench/speech.py's ten minutes of speech as
AAC), starts `yivideo serve` (SQLite state, one worker process: the embedded default), uploads the video with
curl as the quick-start does, submits the quick-start's four-node chain (extract audio, transcribe, diarize,
subtitles; language en, enable_optimization, speaker count left to the diarizer) and polls the status route
until the workflow ends. Reports, as medians over the repeats: the time from submit to the workflow's end and its
real-time factor, each stage's run time and the wait between stages (all from the server's own timestamps), the
upload time, and what came out (WER of the transcript against the speech's script, speakers found, cues).

Usage: bench/e2e_bench.py [--repeats 3] [--beam-size 5] (after scripts/test built the binary and fixtures).
Prints a Markdown section for bench/RESULTS.md.
"""

import argparse
import os
import statistics
import subprocess
import tempfile
import time

from benchlib import Server, call, machine, seconds, wait_done
from speech import ten_minutes, wer

CHAIN = ["ffmpeg.extract_audio", "faster_whisper.transcribe_audio", "pyannote_audio.diarize_speakers",
         "wservice.generate_subtitle_files"]


def make_video(tmp, speech):
    path = os.path.join(tmp, "talk.mp4")
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-i", speech,
                    "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "30",
                    "-c:a", "aac", "-b:a", "128k", "-shortest", path], check=True)
    return path


def run_once(base, beam):
    """Submits the chain, polls until it ends; returns (the final status, seconds from submit to the end)."""
    start = time.time()
    wid = call(base, "/v1/workflows", {"video_path": "bench/talk.mp4", "workflow_config": {"workflow_chain": CHAIN},
                                       "language": "en", "enable_optimization": True,
                                       "faster_whisper.transcribe_audio": {"beam_size": beam}})["workflow_id"]
    status = wait_done(base, wid, interval=0.1)
    assert status["status"] == "completed", status.get("error")
    stages = [status["stages"][f"stage_{i}"] for i in range(len(CHAIN))]
    return status, seconds(stages[-1]["end_time"]) - seconds(status["created_at"]), time.time() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--beam-size", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        speech, reference, length = ten_minutes(tmp)
        video = make_video(tmp, speech)
        size = os.path.getsize(video)
        with Server(workers=1) as server:
            t = time.time()
            subprocess.run(["curl", "-sf", "-X", "POST", server.base + "/v1/files/upload", "-F", f"file=@{video}",
                            "-F", "file_path=bench/talk.mp4"], check=True, capture_output=True)
            upload = time.time() - t
            runs = [run_once(server.base, args.beam_size) for _ in range(args.repeats)]

    def median(values):
        return statistics.median(values)

    totals = [total for _, total, _ in runs]
    seen = [polled for _, _, polled in runs]
    stages = [[s["stages"][f"stage_{i}"] for i in range(len(CHAIN))] for s, _, _ in runs]
    last = runs[-1][0]["stages"]
    words = wer(reference, last["stage_1"]["output"]["text"])
    print(f"### End to end through the API ({time.strftime('%Y-%m-%d')})\n")
    print(f"Machine: {machine()}. Command: `bench/e2e_bench.py --repeats {args.repeats} --beam-size "
          f"{args.beam_size}`: a {length / 60:.2f}-minute video (1280x720 H.264 test pattern, AAC speech, "
          f"{size / 2**20:.0f} MiB; uploaded in {upload:.1f} s) through `yivideo serve --workers 1` (SQLite); the "
          f"quick-start's chain {' → '.join(CHAIN)}, language en, enable_optimization, beam size "
          f"{args.beam_size}, tiny.en; medians of {args.repeats} runs, one after the other.\n")
    print("| Stage | Run time | Real-time factor | Wait before it |\n|---|---|---|---|")
    for i, name in enumerate(CHAIN):
        run = median(s[i]["duration"] for s in stages)
        before = [seconds(s[i]["start_time"]) - (seconds(r[0]["created_at"]) if i == 0 else seconds(s[i - 1]["end_time"]))
                  for s, r in zip(stages, runs)]
        print(f"| {name} | {run:.1f} s | {run / length:.3f} | {1000 * median(before):.0f} ms |")
    total = median(totals)
    print(f"| **whole workflow** (created → last stage ended) | **{total:.1f} s** | **{total / length:.3f}** | |\n")
    print(f"Seen by the polling client (submit → completed status, 0.1 s polls): {median(seen):.1f} s. Output: "
          f"WER {100 * words:.2f}%, {last['stage_2']['output']['speaker_count']} speakers found, "
          f"{last['stage_3']['output']['cue_count']} cues, compliance "
          f"{100 * last['stage_3']['output']['compliance']['share']:.0f}% of cues within every limit.")


if __name__ == "__main__":
    main()
