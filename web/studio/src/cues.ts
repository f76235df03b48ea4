// WebVTT as the subtitle stage writes it (wservice.generate_subtitle_files: one cue per block, a speaker as
// <v SPEAKER_00>), read into cues for the cue list and written back for the player's <track>.

export interface Cue {
  start: number; // seconds
  end: number;
  text: string; // without the voice tag
  speaker: string | null;
}

function seconds(stamp: string): number {
  const parts = stamp.trim().split(":").map(Number);
  return parts.reduce((total, part) => total * 60 + part, 0);
}

export function stamp(s: number): string {
  const ms = Math.round(s * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const hours = pad(Math.floor(ms / 3600000));
  return `${hours}:${pad(Math.floor(ms / 60000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

// The three characters WebVTT text cannot hold as themselves (the subtitle stage writes them as entities).
const ENTITIES: [string, string][] = [
  ["&", "&amp;"],
  ["<", "&lt;"],
  [">", "&gt;"],
];

function escape(text: string): string {
  return ENTITIES.reduce((out, [ch, entity]) => out.replaceAll(ch, entity), text);
}

function unescape(text: string): string {
  return ENTITIES.reduceRight((out, [ch, entity]) => out.replaceAll(entity, ch), text);
}

export function parseVtt(text: string): Cue[] {
  const cues: Cue[] = [];
  for (const block of text.replace(/\r/g, "").split(/\n{2,}/)) {
    const lines = block.split("\n");
    const at = lines.findIndex((l) => l.includes("-->"));
    if (at < 0) continue;
    const [from, rest] = lines[at].split("-->");
    const to = rest.trim().split(/\s+/)[0];
    let body = lines.slice(at + 1).join("\n");
    const voice = body.match(/^<v(?:\.[^ >]*)? ([^>]+)>/);
    body = body.replace(/<\/?v[^>]*>/g, "");
    const speaker = voice ? unescape(voice[1]) : null;
    cues.push({ start: seconds(from), end: seconds(to), text: unescape(body), speaker });
  }
  return cues;
}

export function writeVtt(cues: Cue[]): string {
  const blocks = cues.map(
    (c) => `${stamp(c.start)} --> ${stamp(c.end)}\n${c.speaker ? `<v ${escape(c.speaker)}>` : ""}${escape(c.text)}`,
  );
  return `WEBVTT\n\n${blocks.join("\n\n")}\n`;
}
