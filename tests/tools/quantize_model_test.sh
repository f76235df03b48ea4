#!/usr/bin/env bash
# tools/quantize_model.sh end to end: a q8_0 tiny.en is written beside the model it comes from, is much smaller,
# is selected by its name, and transcribes the JFK clip right; a second run reuses it.
# Usage: quantize_model_test.sh YIVIDEO_BIN CLIP.wav
set -euo pipefail
bin=$1 clip=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/scripts/lib/deps.sh"  # the model directory's default, as the set-up uses it
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ln -s "$YIVIDEO_MODEL_DIR/ggml-tiny.en.bin" "$dir/ggml-tiny.en.bin"
ln -s "$YIVIDEO_MODEL_DIR/silero-vad.bin" "$dir/silero-vad.bin"  # transcription filters with the VAD

out=$(YIVIDEO_MODEL_DIR=$dir "$root/tools/quantize_model.sh" q8_0)
[ "$out" = "$dir/ggml-tiny.en-q8_0.bin" ] || { echo "wrote $out"; exit 1; }
f16=$(stat -L -c %s "$dir/ggml-tiny.en.bin")
q8=$(stat -c %s "$out")
[ $((q8 * 10)) -lt $((f16 * 6)) ] || { echo "q8_0 is $q8 bytes against $f16 for f16"; exit 1; }
before=$(stat -c %Y "$out")
YIVIDEO_MODEL_DIR=$dir "$root/tools/quantize_model.sh" q8_0 >/dev/null
[ "$(stat -c %Y "$out")" = "$before" ] || { echo "the second run quantised again"; exit 1; }

text=$(YIVIDEO_MODEL_DIR=$dir "$bin" run "$clip" --chain faster_whisper.transcribe_audio --model tiny.en-q8_0 \
  --beam-size 1 --language en)
echo "$text"
grep -qi "ask not what your country can do for you" <<<"$text" || { echo "wrong transcript"; exit 1; }
if YIVIDEO_MODEL_DIR=$dir "$root/tools/quantize_model.sh" q3_x 2>/dev/null; then echo "q3_x accepted"; exit 1; fi
echo "ok"
