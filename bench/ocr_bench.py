#!/usr/bin/env python3
"""Hard-subtitle OCR side by side: our paddleocr.perform_ocr (C++, PP-OCRv4 on OpenCV 5.1's dnn) against
RapidOCR's Python pipeline (rapidocr-onnxruntime: the same PP-OCRv4 ONNX networks on ONNX Runtime) on the same
stitched crops of a 2-minute 720p video with subtitles burnt in (tools/ocr_fixture.py), in one run. Both
results go through our postprocess_and_finalize and are scored against the SRT that was burnt in: character
error rate and events found within 2 frames. Also the six-node chain's real-time factor on the video, in wall
time and in CPU time (user + sys, which the other work on a shared machine inflates far less than wall time).
With --chain-only, only the chain (for a 10-minute video, where the side-by-side run would add nothing).
Prints a Markdown section for bench/RESULTS.md.
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile

from benchlib import BIN, ROOT, machine, measure

sys.path.insert(0, os.path.join(ROOT, "tools"))

CHAIN = ["ffmpeg.extract_keyframes", "paddleocr.detect_subtitle_area", "ffmpeg.crop_subtitle_images",
         "paddleocr.create_stitched_images", "paddleocr.perform_ocr", "paddleocr.postprocess_and_finalize"]


def deps(function):
    return subprocess.run(["bash", "-c", f"source '{ROOT}/scripts/lib/deps.sh' && {function}"], check=True,
                          capture_output=True, text=True).stdout.strip().splitlines()[-1]


def srt_events(path):
    events = []
    for block in open(path, encoding="utf-8").read().strip().split("\n\n"):
        lines = block.split("\n")
        if len(lines) < 3:
            continue
        a, b = (sum(float(x) * m for x, m in zip(re.split("[:,]", t.strip()), (3600, 60, 1, 0.001)))
                for t in lines[1].split("-->"))
        events.append((a, b, "\n".join(lines[2:])))
    return events


def normalized(text):
    return [c.lower() for c in text if c.isalnum()]


def cer(reference, hypothesis):
    r, h = normalized(reference), normalized(hypothesis)
    row = list(range(len(h) + 1))
    for i, rc in enumerate(r, 1):
        prev, row[0] = row[0], i
        for j, hc in enumerate(h, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (rc != hc))
    return row[-1] / max(1, len(r))


def score(reference, found, fps):
    """(CER of all text, events found within 2 frames of start and end, of how many)."""
    text = cer("\n".join(e[2] for e in reference), "\n".join(e[2] for e in found))
    hits = sum(any(cer(r[2], f[2]) <= 0.1 and abs(f[0] - r[0]) <= 2 / fps + 1e-3 and abs(f[1] - r[1]) <= 2 / fps + 1e-3
                   for f in found) for r in reference)
    return text, hits, len(reference)


def finalize(results, video, out):
    subprocess.run([BIN, "run", video, "--chain", "paddleocr.postprocess_and_finalize", "--param",
                    f"ocr_results_path={results}", "--output-dir", out], check=True, capture_output=True)
    return srt_events(os.path.join(out, "stage_0", os.path.splitext(os.path.basename(video))[0] + ".srt"))


def cpu_seconds():
    """User + sys CPU seconds of this process's finished children (and theirs)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=120)
    ap.add_argument("--chain-only", action="store_true", help="only the six-node chain, no side-by-side OCR")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "ocr_fixture.py"), tmp, "--seconds",
                        str(args.seconds)], check=True, capture_output=True)
        video = os.path.join(tmp, "subs.mp4")
        reference = srt_events(os.path.join(tmp, "subs.srt"))
        chain_dir = os.path.join(tmp, "chain")
        cpu = cpu_seconds()
        wall, rss, _ = measure([BIN, "run", video, "--chain", ",".join(CHAIN), "--output-dir", chain_dir])
        cpu = cpu_seconds() - cpu
        stages = {n: os.path.join(chain_dir, f"stage_{i}") for i, n in enumerate(CHAIN)}
        manifest = os.path.join(stages["paddleocr.create_stitched_images"], "stitched", "manifest.json")
        placed = [c for i in json.load(open(manifest))["images"] for c in i["crops"]]
        crops = len(placed)  # what both engines read: the crops and their rereads
        rereads = sum("reading_of" in c for c in placed)
        frames = int(round(args.seconds * 25))
        chain = score(reference, srt_events(os.path.join(stages["paddleocr.postprocess_and_finalize"], "subs.srt")), 25)
        chain_line = (f"Whole six-node chain on the {args.seconds} s video ({crops - rereads} crops of its {frames} "
                      f"frames and {rereads} rereads): "
                      f"{wall:.1f} s wall, real-time factor {wall / args.seconds:.2f}; {cpu:.1f} s of CPU (user + "
                      f"sys), CPU-time real-time factor {cpu / args.seconds:.3f}; peak RSS {rss:.0f} MiB; CER "
                      f"{chain[0] * 100:.2f}%, {chain[1]}/{chain[2]} events within 2 frames.")
        if args.chain_only:
            print(chain_line)
            return
        python = deps(f"yv_ensure_venv ocrbench '{ROOT}/third_party/ocr-bench-requirements.txt' "
                      "'RapidOCR (benchmark)'")
        ours_dir = os.path.join(tmp, "ours")
        ours_wall, ours_rss, _ = measure([BIN, "run", video, "--chain", "paddleocr.perform_ocr", "--param",
                                          f"manifest_path={manifest}", "--param",
                                          f"multi_frames_path={os.path.dirname(manifest)}", "--output-dir", ours_dir])
        ours = score(reference, finalize(os.path.join(ours_dir, "stage_0", "ocr_results.json"), video,
                                         os.path.join(tmp, "ours_final")), 25)
        peer_results = os.path.join(tmp, "peer.json")
        peer_wall, peer_rss, peer_out = measure([python, os.path.join(ROOT, "bench", "rapidocr_peer.py"), manifest,
                                                 peer_results])
        peer = score(reference, finalize(peer_results, video, os.path.join(tmp, "peer_final")), 25)

    print(f"### Hard subtitles: OCR side by side ({machine()})\n")
    print(f"`bench/run ocr`: a {args.seconds} s 1280x720 25 fps video, {len(reference)} subtitles burnt in "
          f"(tools/ocr_fixture.py), {crops - rereads} distinct crops of its {frames} frames and {rereads} rereads "
          "(other frames of a subtitle, voted with its crop) after ffmpeg.crop_subtitle_images: "
          f"{crops} pictures. Both engines read the same stitched images; each result goes through our "
          "postprocess_and_finalize and is scored against the burnt-in SRT. Wall time of the whole process, "
          "model loading included.\n")
    print("| engine | wall s | pictures/s | peak RSS MiB | CER | events within 2 frames |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, w, r, s in (("ours: paddleocr.perform_ocr (C++, OpenCV 5.1 dnn)", ours_wall, ours_rss, ours),
                          ("RapidOCR 1.4.4 (Python, ONNX Runtime 1.32), det + rec", peer_wall, peer_rss, peer)):
        print(f"| {name} | {w:.1f} | {crops / w:.1f} | {r:.0f} | {s[0] * 100:.2f}% | {s[1]}/{s[2]} |")
    print(f"\nSpeed ratio (ours / RapidOCR, pictures per second): {peer_wall / ours_wall:.2f}x. RapidOCR's own time "
          f"inside its calls: {float(peer_out.split()[-1]):.1f} s.\n")
    print(chain_line)


if __name__ == "__main__":
    main()
