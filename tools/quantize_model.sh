#!/usr/bin/env bash
# Quantises an installed ggml model with whisper.cpp's own quantize program (compiled from the pinned tree):
#
#   tools/quantize_model.sh TYPE [MODEL]      e.g. tools/quantize_model.sh q8_0   (MODEL defaults to tiny.en)
#
# writes $YIVIDEO_MODEL_DIR/ggml-MODEL-TYPE.bin (default model directory ~/.cache/yivideo/models), described in
# ggml-MODEL-TYPE.json (`yivideo models quantize MODEL TYPE` runs this script), which
# requests then select as "model": "MODEL-TYPE" (or YIVIDEO_MODEL=MODEL-TYPE for the default). TYPE is one of
# q8_0, q5_0, q5_1, q4_0, q4_1. Cached: nothing is done when the output is newer than its source. What each
# type costs in accuracy and gains in speed on our 10 minutes of speech: bench/RESULTS.md (bench/run asr).
source "$(dirname "$0")/../scripts/lib/deps.sh"
type=${1:?usage: tools/quantize_model.sh TYPE [MODEL]}
model=${2:-tiny.en}
case $type in q8_0 | q5_0 | q5_1 | q4_0 | q4_1) ;; *) yv_die "unknown type '$type' (q8_0, q5_0, q5_1, q4_0, q4_1)" ;; esac
in=$YIVIDEO_MODEL_DIR/ggml-$model.bin
out=$YIVIDEO_MODEL_DIR/ggml-$model-$type.bin
[ -f "$in" ] || yv_die "$in is not installed (scripts/serve or scripts/test installs tiny.en)"
if [ ! -f "$out" ] || [ "$in" -nt "$out" ]; then
  quantize=$(yv_ensure_whisper_example quantize quantize/quantize.cpp)
  yv_log "quantising $model to $type"
  "$quantize" "$in" "$out.tmp" "$type" >"$out.log" 2>&1 || yv_die "quantize failed: $out.log"
  mv "$out.tmp" "$out"
fi
yv_model_describe "$model-$type" "$model quantised to $type by whisper.cpp's quantize"
echo "$out"
