// A cue's new times carried over to the transcript it was cut from: the words inside the cue's old span are
// moved and stretched linearly into its new span, so wservice.rebuild_subtitle_with_words (which times cues by
// their words) cuts the cue where the user put it. Each segment's bounds follow its words.
import type { Cue } from "./cues";

interface Word {
  start: number;
  end: number;
  word: string;
}

export interface Segment {
  start: number;
  end: number;
  text?: string;
  words?: Word[];
}

export interface Retiming {
  from: Cue; // the cue as the subtitle stage wrote it
  to: Cue; // as the user left it
}

export function retime(segments: Segment[], changes: Retiming[]): Segment[] {
  const move = (t: number) => {
    for (const { from, to } of changes) {
      if (t >= from.start - 1e-3 && t <= from.end + 1e-3) {
        const scale = from.end > from.start ? (to.end - to.start) / (from.end - from.start) : 0;
        return Math.max(0, to.start + (t - from.start) * scale);
      }
    }
    return t;
  };
  return segments.map((s) => {
    if (!s.words?.length) return { ...s, start: move(s.start), end: move(s.end) };
    const words = s.words.map((w) => ({ ...w, start: move(w.start), end: Math.max(move(w.end), move(w.start)) }));
    return { ...s, words, start: Math.min(...words.map((w) => w.start)), end: Math.max(...words.map((w) => w.end)) };
  });
}
