#!/usr/bin/env python3
"""Makes the hard-subtitle test videos: subtitles burnt in by FFmpeg (libass) over moving backgrounds.

    ocr_fixture.py OUT_DIR [--seconds N] [--width W --height H]

Writes into OUT_DIR:
  subs.mp4 / subs.srt       Chinese and English lines, one and two lines, outlined and shadowed, in two sizes,
                            at the bottom, over a moving test pattern with noise; subs.srt is what was burnt in.
  logo.mp4 / logo.srt       the same kind of subtitles plus a station logo (top left, all the time) and a
                            title card (centre, the first seconds): text that is not a subtitle.
  still.mp4 / still.srt     6 s of subtitles over a still colour (frames repeat exactly), two of them back to back
                            and one character apart.
  nosubs.mp4                the moving background alone: no subtitle must come out of it.
  short.mp4                 2 s of the background (50 frames): fewer frames than some requests ask for.
  audio_only.m4a            a tone without any video stream (a broken input for the video nodes).
  real_<name>.mp4 / .srt    real footage from tests/data/video (see its SOURCES.md) with the SRT beside it
                            burnt in: Chinese over Big Buck Bunny's opening, English over a street filmed with
                            a camera (which has signs in it: text that is not a subtitle).
  real_bbb_8s_top.mp4 / .srt       the Chinese SRT burnt in at the top of the frame instead of the bottom.
  real_bbb_8s_vertical.mp4 / .srt  the same lines without punctuation as vertical subtitles: one column of
                            upright characters near the right edge, top to bottom, as Chinese dramas and short
                            videos show them (libass, one character per line); the SRT holds each line's text.

Every event starts and ends on a frame boundary (25 fps), so the reference times are exact frame times. The
lines are fixed (reproducible runs); with --seconds the sequence repeats to fill the length. The noise is a
fixed grain over the moving pattern (per-frame noise would make the files ten times larger for no gain). A run
whose outputs are already there, made by this same script with the same arguments, does nothing. Needs ffmpeg
with libass and Debian's fonts-noto-cjk (Noto Sans CJK SC).
"""

import argparse
import hashlib
import os
import subprocess
import sys

FPS = 25
FONT = "Noto Sans CJK SC"
LINES = [
    "今天天气很好，我们去公园散步吧",
    "The quick brown fox jumps over the lazy dog",
    "你好，欢迎来到我们的节目",
    "Subtitles are burnt into the picture",
    "这是第一行字幕\\N这是第二行字幕",
    "他说：“明天见！”",
    "Two lines of text\\Nare shown at once",
    "数字和字母 ABC 123 也要识别",
    "人工智能正在改变视频制作",
    "Hello, world! 你好，世界！",
]
# Real footage in tests/data/video and the subtitles burnt into it: (video stem, SRT language, font size in
# libass's script units, where the frame is 288 high).
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "video")
REAL = [("bbb_8s", "zh", 20), ("openshot_run_5s", "en", 18)]
# Each event: shown for SHOW frames, then GAP frames with no subtitle (gaps keep events apart).
SHOW = 50
GAP = 12


def stamp(frames, sep):
    """A frame count as an SRT (sep=",") or ASS (sep=".", centiseconds) time."""
    ms = frames * 1000 // FPS
    h, m, s, rest = ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000
    if sep == ",":
        return f"{h:02}:{m:02}:{s:02},{rest:03}"
    return f"{h}:{m:02}:{s:02}.{rest // 10:02}"


def events(seconds):
    """(start frame, end frame, ASS text) filling `seconds`, starting after one gap."""
    out, frame, i = [], GAP, 0
    while frame + SHOW <= seconds * FPS:
        out.append((frame, frame + SHOW, LINES[i % len(LINES)]))
        frame += SHOW + GAP
        i += 1
    return out


def write_srt(path, evs):
    with open(path, "w", encoding="utf-8") as f:
        for n, (a, b, text) in enumerate(evs, 1):
            f.write(f"{n}\n{stamp(a, ',')} --> {stamp(b, ',')}\n{text.replace(chr(92) + 'N', chr(10))}\n\n")


def ass_script(width, height, styles):
    """An ASS script's head in a width x height frame's pixels, with `styles` (Style: lines), up to the events."""
    return f"""[Script Info]
ScriptType: v4.00+
PlayResX: {width}
PlayResY: {height}
WrapStyle: 2

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, \
Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, \
MarginV, Encoding
{styles}
[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""


def write_ass(path, evs, width, height, extra=()):
    """The subtitles as ASS: style Sub (white, black outline and shadow), alternately Big; `extra` are
    (start, end, style, text) events of non-subtitle text."""
    size = height // 18
    head = ass_script(width, height, f"""\
Style: Sub,{FONT},{size},&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,3,2,2,20,20,{height // 20},1
Style: Big,{FONT},{size * 5 // 4},&H0000FFFF,&H00FFFFFF,&H00000000,&H80000000,1,0,0,0,100,100,0,0,1,3,2,2,20,20,\
{height // 20},1
Style: Logo,{FONT},{size * 3 // 4},&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,1,0,0,0,100,100,0,0,1,2,0,7,30,30,30,1
Style: Title,{FONT},{size * 2},&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,1,0,0,0,100,100,0,0,1,4,3,5,20,20,20,1
""")
    with open(path, "w", encoding="utf-8") as f:
        f.write(head)
        for n, (a, b, text) in enumerate(evs):
            style = "Big" if n % 3 == 2 else "Sub"
            f.write(f"Dialogue: 0,{stamp(a, '.')},{stamp(b, '.')},{style},,0,0,0,,{text}\n")
        for a, b, style, text in extra:
            f.write(f"Dialogue: 1,{stamp(a, '.')},{stamp(b, '.')},{style},,0,0,0,,{text}\n")


def background(seconds, width, height):
    """A moving test pattern with noise, as ffmpeg input arguments."""
    return ["-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={FPS}:duration={seconds}"]


def burn(out, seconds, width, height, ass=None, still=False):
    chain = "null" if still else "noise=alls=12"
    if ass:
        chain += f",ass={ass}"
    source = ["-f", "lavfi", "-i", f"color=c=0x204060:size={width}x{height}:rate={FPS}:duration={seconds}"]
    cmd = ["ffmpeg", "-v", "error", "-y", *(source if still else background(seconds, width, height)), "-vf", chain,
           "-c:v", "libx264",
           "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-g", str(FPS * 2), out]
    subprocess.run(cmd, check=True)


def burn_real(out_dir):
    """Each REAL video with its SRT burnt in (the SRT's own times), and the SRT copied as the reference."""
    for name, lang, size in REAL:
        srt = os.path.join(DATA, f"{name}.{lang}.srt")
        style = f"FontName={FONT},FontSize={size},Outline=2,Shadow=1"
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", os.path.join(DATA, f"{name}.mp4"), "-vf",
                        f"subtitles={srt}:force_style='{style}'", "-an", "-c:v", "libx264", "-preset", "veryfast",
                        "-crf", "20", "-pix_fmt", "yuv420p", os.path.join(out_dir, f"real_{name}.mp4")], check=True)
        with open(srt, "rb") as f, open(os.path.join(out_dir, f"real_{name}.srt"), "wb") as out:
            out.write(f.read())


def burn_real_ass(video, out, evs, alignment):
    """`evs` ((SRT start, SRT end, ASS text)) burnt into `video` as ASS in the video's own pixels, at `alignment`
    (numpad: 8 top centre, 6 middle right), white with a black outline and shadow, a size of 1/18 the height."""
    width, height = (int(v) for v in subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of",
         "csv=p=0", video], check=True, capture_output=True, text=True).stdout.split(","))
    ass_time = lambda t: f"{int(t[:2])}:{t[3:8]}.{t[9:11]}"  # noqa: E731  HH:MM:SS,mmm -> H:MM:SS.cc
    with open(out + ".ass", "w", encoding="utf-8") as f:
        f.write(ass_script(width, height, f"""\
Style: Sub,{FONT},{height // 18},&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,3,2,\
{alignment},40,40,30,1
"""))
        for a, b, text in evs:
            f.write(f"Dialogue: 0,{ass_time(a)},{ass_time(b)},Sub,,0,0,0,,{text}\n")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", video, "-vf", f"ass={out}.ass", "-an", "-c:v", "libx264",
                    "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", out + ".mp4"], check=True)


def burn_real_variants(out_dir):
    """bbb_8s's Chinese SRT at the top of the frame, and as vertical subtitles near the right edge."""
    name, lang, _ = REAL[0]
    video, srt = os.path.join(DATA, f"{name}.mp4"), os.path.join(DATA, f"{name}.{lang}.srt")
    # (start, end, text) from the SRT: blocks of number, "start --> end", text.
    blocks = [b.split("\n") for b in open(srt, encoding="utf-8").read().strip().split("\n\n")]
    evs = [(b[1][:12], b[1][17:29], "\\N".join(b[2:])) for b in blocks]
    top = os.path.join(out_dir, f"real_{name}_top")
    write_srt_lines(top + ".srt", evs)
    burn_real_ass(video, top, evs, 8)
    # Vertical: one character per line; punctuation, which vertical text sets differently, is left out.
    evs = [(a, b, "".join(c for c in text if c not in "，。")) for a, b, text in evs]
    vertical = os.path.join(out_dir, f"real_{name}_vertical")
    write_srt_lines(vertical + ".srt", evs)
    burn_real_ass(video, vertical, [(a, b, "\\N".join(text)) for a, b, text in evs], 6)


def write_srt_lines(path, evs):
    """(SRT start, SRT end, ASS text) as an SRT."""
    with open(path, "w", encoding="utf-8") as f:
        for n, (a, b, text) in enumerate(evs, 1):
            f.write(f"{n}\n{a} --> {b}\n{text.replace(chr(92) + 'N', chr(10))}\n\n")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=720)
    a = ap.parse_args(argv[1:])
    os.makedirs(a.out_dir, exist_ok=True)
    j = lambda name: os.path.join(a.out_dir, name)  # noqa: E731
    digest = hashlib.sha256(repr((a.seconds, a.width, a.height)).encode())
    for path in [__file__] + sorted(os.path.join(DATA, n) for n in os.listdir(DATA)):
        with open(path, "rb") as f:
            digest.update(f.read())
    stamp = digest.hexdigest()
    if os.path.exists(j(".stamp")) and open(j(".stamp")).read() == stamp:
        return

    evs = events(a.seconds)
    write_srt(j("subs.srt"), evs)
    write_ass(j("subs.ass"), evs, a.width, a.height)
    burn(j("subs.mp4"), a.seconds, a.width, a.height, j("subs.ass"))

    # The logo stays on screen; the title card shows for the first 3 s, over the first subtitle's gap
    # and into it: neither may come out as a subtitle.
    logo_evs = events(a.seconds)[::2]
    write_srt(j("logo.srt"), logo_evs)
    extra = [(0, a.seconds * FPS, "Logo", "YiVideo TV"), (0, 3 * FPS, "Title", "第一集 开始")]
    write_ass(j("logo.ass"), logo_evs, a.width, a.height, extra)
    burn(j("logo.mp4"), a.seconds, a.width, a.height, j("logo.ass"))

    still = [(12, 37, "这是第一行字幕"), (37, 62, "这是第二行字幕"), (74, 124, LINES[3])]
    write_srt(j("still.srt"), still)
    write_ass(j("still.ass"), still, a.width, a.height)
    burn(j("still.mp4"), 6, a.width, a.height, j("still.ass"), still=True)
    burn(j("nosubs.mp4"), min(a.seconds, 10), a.width, a.height)
    burn(j("short.mp4"), 2, a.width, a.height)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
                    "-c:a", "aac", j("audio_only.m4a")], check=True)
    burn_real(a.out_dir)
    burn_real_variants(a.out_dir)
    with open(j(".stamp"), "w") as f:
        f.write(stamp)
    print(f"{a.out_dir}: subs ({len(evs)} events), logo ({len(logo_evs)}), still, nosubs, short, audio_only, "
          + ", ".join(f"real_{name}" for name, _, _ in REAL) + ", real_bbb_8s_top, real_bbb_8s_vertical")


if __name__ == "__main__":
    main(sys.argv)
