"""The peer of bench/ocr_bench.py, run by the RapidOCR virtual environment's python: RapidOCR's own pipeline
(text detection and recognition, no angle classifier: subtitles stand upright, and ours has none) on each
stitched image of paddleocr.create_stitched_images' manifest, its lines mapped back to the crops (a reread to the crop it
reads again) the way perform_ocr maps ours, written as perform_ocr's results file so that our postprocess_and_finalize judges both
alike.

    python rapidocr_peer.py MANIFEST OUT_JSON    (prints the seconds spent in RapidOCR)
"""

import json
import os
import sys
import time

import cv2
from rapidocr_onnxruntime import RapidOCR


def reading_order(lines):
    """Rows top to bottom, each left to right, as perform_ocr lists its lines: by vertical centre, a line
    within half the row's first line's height of it continuing the row."""
    centre = lambda l: (l["box"][1] + l["box"][3]) // 2  # noqa: E731
    lines = sorted(lines, key=centre)
    out = []
    while lines:
        first = lines[0]
        row = [l for l in lines if centre(l) - centre(first) <= (first["box"][3] - first["box"][1]) // 2]
        out += sorted(row, key=lambda l: l["box"][0])
        lines = lines[len(row):]
    return out


def main(manifest_path, out_path):
    manifest = json.load(open(manifest_path))
    folder = os.path.dirname(manifest_path)
    area_x, area_y = manifest["subtitle_area"][:2]
    engine = RapidOCR()
    frames, spent = [], 0.0
    for image in manifest["images"]:
        picture = cv2.imread(os.path.join(folder, image["file"]))
        started = time.perf_counter()
        result, _ = engine(picture, use_cls=False)
        spent += time.perf_counter() - started
        crops = image["crops"]
        lines = [[] for _ in crops]
        for box, text, score in result or []:
            xs, ys = [p[0] for p in box], [p[1] for p in box]
            middle = (min(ys) + max(ys)) / 2
            for k, c in enumerate(crops):
                if c["y"] <= middle < c["y"] + c["height"]:
                    top = c["y"]
                    lines[k].append({"text": text, "confidence": float(score),
                                     "box": [int(min(xs)) + area_x, int(max(min(ys), top)) - top + area_y,
                                             int(max(xs)) + area_x, int(min(max(ys), top + c["height"])) - top + area_y]})
                    break
        for k, c in enumerate(crops):
            if "reading_of" in c:  # a reread: listed with the crop it reads again, for the vote
                frames[-1].setdefault("rereads", []).append({"index": c["index"], "lines": reading_order(lines[k])})
            else:
                frames.append({"index": c["index"], "start": c["start"], "end": c["end"],
                               "lines": reading_order(lines[k])})
    json.dump({"fps": manifest["fps"], "subtitle_area": manifest["subtitle_area"], "frames": frames},
              open(out_path, "w"), ensure_ascii=False)
    print(spent)


if __name__ == "__main__":
    main(*sys.argv[1:3])
