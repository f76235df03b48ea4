#!/usr/bin/env python3
"""Synthesise deterministic test media: a short multi-speaker "meeting" with exact ground truth.

Usage: synth_fixture.py OUT_DIR

Each turn of SCRIPT is spoken by a different synthetic voice (flite's slt and rms, espeak-ng's en-us), converted
to 16 kHz mono, and the turns are joined with pauses. Because we make the audio, the truth is exact: OUT_DIR gets

    meeting.wav    16 kHz mono PCM speech
    meeting.mp4    the same speech as AAC under an ffmpeg test-pattern video (H.264), as a user would upload
    meeting.txt    the reference transcript, one line
    meeting.rttm   speaker turns (NIST RTTM), from the first to the last non-silent sample of each turn
    meeting.json   turns with voice, speaker label, text, start and end in seconds
    conversation2.*, conversation3.*
                   longer conversations (wav, rttm, json as above) between 2 and 3 voices, for diarization:
                   turns of 1-7 s in a seeded random order, pauses of 0.2-1.5 s, 2-4 minutes each
    broken/        hostile inputs: not_media.mp4 (text), truncated.mp4 (first third), video_only.mp4 (no audio)

The same tools at the same versions give the same bytes; the outputs are rebuilt only when this script changes.
Needs flite, espeak-ng and ffmpeg (Debian packages).
"""

import hashlib
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import wave

RATE = 16000
PAUSE_S = 0.7
SILENCE = 200  # |sample| at or below this (of 32767) counts as silence when finding where speech starts and ends

# (speaker, voice, text). Plain sentences, so that a small English model should get nearly every word.
SCRIPT = [
    ("SPEAKER_00", "flite:slt", "Welcome to the weekly project meeting. Today we will review the video pipeline."),
    ("SPEAKER_01", "flite:rms", "Thank you. The transcription service is now running on every worker."),
    ("SPEAKER_02", "espeak-ng:en-us", "Please send the final subtitles to the translation team by Friday."),
    ("SPEAKER_00", "flite:slt", "Great work, everyone. Let us meet again next week."),
]

# Lines for the conversations: short answers to long explanations, so that turns last from about 1 s to 8 s.
LINES = [
    "Yes, that is exactly right.", "I agree with that completely.", "Could you say a little more about that?", "Right, I see now.", "That makes sense to me.",
    "Let me check the numbers first.", "We finished the audio extraction work yesterday afternoon.",
    "The new model is faster on long recordings, and it uses much less memory than before.",
    "I think the subtitles need another review before we send them to the customer.",
    "How long does a one hour video take on a single machine?",
    "About six minutes with the small model, and the large one needs a graphics card.",
    "Okay, that sounds good.", "That is a good point.", "Not yet, but soon.", "Please write that down in the notes.",
    "The translation team asked for speaker names in every subtitle line, which we can now provide.",
    "Can we run the whole chain from the command line as well?",
    "Yes, the same nodes work in the command line tool and through the web interface.",
    "What happens when a worker crashes in the middle of a job?",
    "Another worker picks the job up again, and nothing is lost.",
    "That is exactly what our users have been asking for since the spring.",
    "Thanks for the update.", "That is really interesting.", "I will send the report on Monday morning.",
    "We should measure the error rate on the real recordings too.",
    "The storage service keeps every file until the workflow is deleted.",
    "Do we support other languages yet?", "Only English in the tests, because the small model is English only.",
    "Let us move on to the next topic on the agenda.", "Sure, go ahead.",
]
CONVERSATIONS = {  # name: (voices, seed, turns)
    "conversation2": (["flite:slt", "flite:rms"], 2, 44),
    "conversation3": (["flite:slt", "flite:rms", "espeak-ng:en-us"], 3, 54),
}

BITEXACT = ["-fflags", "+bitexact", "-flags", "+bitexact", "-map_metadata", "-1", "-threads", "1"]


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def ffmpeg(*args):
    run("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args)


def speak(voice, text, out_wav, work):
    engine, name = voice.split(":")
    raw = os.path.join(work, "raw.wav")
    if engine == "flite":
        run("flite", "-voice", name, "-t", text, "-o", raw)
    else:
        run("espeak-ng", "-v", name, "-w", raw, text)
    ffmpeg("-i", raw, "-ar", str(RATE), "-ac", "1", "-c:a", "pcm_s16le", *BITEXACT, out_wav)


def read_samples(path):
    with wave.open(path) as w:
        frames = w.readframes(w.getnframes())
    return list(struct.unpack(f"<{len(frames) // 2}h", frames))


def speech_bounds(samples):
    loud = [i for i, s in enumerate(samples) if abs(s) > SILENCE]
    return (loud[0], loud[-1] + 1) if loud else (0, len(samples))


def speak_script(script, pauses, work):
    """Speaks (speaker, voice, text) turns one after another with the given pauses (seconds) before each turn
    after the first; returns the 16-bit samples and the turns with their exact times."""
    pcm, turns = [], []
    for i, (speaker, voice, text) in enumerate(script):
        turn_wav = os.path.join(work, f"turn{i}.wav")
        speak(voice, text, turn_wav, work)
        samples = read_samples(turn_wav)
        first, last = speech_bounds(samples)
        if pcm:
            pcm.extend([0] * int(pauses[i] * RATE))
        offset = len(pcm)
        pcm.extend(samples)
        turns.append({"speaker": speaker, "voice": voice, "text": text,
                      "start": round((offset + first) / RATE, 3), "end": round((offset + last) / RATE, 3)})
    pcm.extend([0] * int(PAUSE_S * RATE))
    return pcm, turns


def write_outputs(out_dir, name, pcm, turns):
    """NAME.wav, NAME.txt, NAME.rttm and NAME.json; returns the duration in seconds."""
    with wave.open(os.path.join(out_dir, f"{name}.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(struct.pack(f"<{len(pcm)}h", *pcm))
    duration = len(pcm) / RATE
    with open(os.path.join(out_dir, f"{name}.txt"), "w") as f:
        f.write(" ".join(t["text"] for t in turns) + "\n")
    with open(os.path.join(out_dir, f"{name}.rttm"), "w") as f:
        for t in turns:
            f.write(f"SPEAKER {name} 1 {t['start']:.3f} {t['end'] - t['start']:.3f} <NA> <NA> {t['speaker']} <NA> <NA>\n")
    with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
        json.dump({"duration": duration, "sample_rate": RATE, "turns": turns}, f, indent=2)
    return duration


def conversation_script(voices, seed, count):
    """`count` turns in a seeded random order: each by another voice than the last, one or two lines long."""
    rng = random.Random(seed)
    script, pauses, last = [], [], None
    for _ in range(count):
        speaker = rng.choice([v for v in range(len(voices)) if v != last])
        last = speaker
        lines = rng.sample(LINES, rng.choice([1, 1, 2]))
        if len(" ".join(lines).split()) > 20:  # two long lines would be over 8 s
            lines = lines[:1]
        text = " ".join(lines)
        script.append((f"SPEAKER_{speaker:02d}", voices[speaker], text))
        pauses.append(round(rng.uniform(0.2, 1.5), 2))
    return script, pauses


def build(out_dir):
    with tempfile.TemporaryDirectory() as work:
        for name, (voices, seed, count) in CONVERSATIONS.items():
            script, pauses = conversation_script(voices, seed, count)
            write_outputs(out_dir, name, *speak_script(script, pauses, work))

        pcm, turns = speak_script(SCRIPT, [PAUSE_S] * len(SCRIPT), work)
        duration = write_outputs(out_dir, "meeting", pcm, turns)
        wav = os.path.join(out_dir, "meeting.wav")
        mp4 = os.path.join(out_dir, "meeting.mp4")
        ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=25:duration={duration}", "-i", wav,
               "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k",
               "-shortest", *BITEXACT, mp4)


        broken = os.path.join(out_dir, "broken")
        os.makedirs(broken, exist_ok=True)
        with open(os.path.join(broken, "not_media.mp4"), "w") as f:
            f.write("this is a text file with a video extension\n")
        with open(mp4, "rb") as src, open(os.path.join(broken, "truncated.mp4"), "wb") as dst:
            data = src.read()
            dst.write(data[: len(data) // 3])
        ffmpeg("-i", mp4, "-an", "-c:v", "copy", *BITEXACT, os.path.join(broken, "video_only.mp4"))


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__.split("\n\n")[1])
    out_dir = argv[1]
    with open(__file__, "rb") as f:
        stamp = hashlib.sha256(f.read()).hexdigest()
    stamp_file = os.path.join(out_dir, ".stamp")
    if os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        return
    # Build beside the target and swap in whole, so a failed run never leaves half a fixture set.
    parent = os.path.dirname(os.path.abspath(out_dir))
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(dir=parent, prefix=".synth.")
    try:
        build(staging)
        with open(os.path.join(staging, ".stamp"), "w") as f:
            f.write(stamp)
        shutil.rmtree(out_dir, ignore_errors=True)
        os.replace(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv)
