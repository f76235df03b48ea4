// The player: the input media with the subtitles as a WebVTT track, and the cue list beside it: a cue's time
// seeks the media, its text can be edited in place, each speaker has a colour (speaker-0..7 in style.css,
// also on the track's cues through ::cue(v[voice=...])). Saving hands every cue's text to onSave, which
// re-times the edited text on the transcript's words (wservice.rebuild_subtitle_with_words).
import { apiKey, getBlob } from "./api";
import { type Cue, stamp, writeVtt } from "./cues";
import { field, h, show } from "./dom";
import { t } from "./i18n";
import type { Retiming } from "./retime";

export interface PlayerOptions {
  mediaPath: string | null; // a download path of the input, or null when it is not in the store
  cues: Cue[];
  language: string;
  // With a translation: each cue's original text, shown under it (the bilingual view).
  originals: (string | null)[] | null;
  // Every cue's text, and the cues whose times the user changed (as written, and as changed).
  onSave: (cues: Cue[], retimed: Retiming[]) => Promise<void>;
}

function speakerClass(cues: Cue[], speaker: string | null): string | null {
  if (!speaker) return null;
  const speakers = [...new Set(cues.map((c) => c.speaker).filter(Boolean))];
  return `speaker-${speakers.indexOf(speaker) % 8}`;
}

export function renderPlayer(box: HTMLElement, options: PlayerOptions): () => void {
  const urls: string[] = [];
  const objectUrl = (blob: Blob) => {
    const url = URL.createObjectURL(blob);
    urls.push(url);
    return url;
  };
  const video = h("video", { controls: true, preload: "metadata", crossorigin: null });
  const track = h("track", {
    kind: "subtitles",
    label: t("cues"),
    srclang: options.language === "auto" ? "und" : options.language,
    default: true,
    src: objectUrl(new Blob([writeVtt(options.cues)], { type: "text/vtt" })),
  });
  video.append(track);
  if (options.mediaPath) {
    // With keys on the media must be fetched with the key (a <video src> sends none); without keys the
    // browser streams it with ranges itself.
    if (apiKey()) {
      getBlob(options.mediaPath).then((blob) => (video.src = objectUrl(blob)));
    } else {
      video.src = options.mediaPath;
    }
  }
  video.addEventListener("loadedmetadata", () => {
    if (video.textTracks[0]) video.textTracks[0].mode = "showing";
  });

  const list = h("ol", { class: "cues" });
  const status = h("p", { role: "status", "aria-live": "polite" });
  const cues = options.cues.map((c) => ({ ...c }));

  const drawCue = (cue: Cue, i: number): HTMLElement => {
    const row = h(
      "li",
      { class: speakerClass(cues, cue.speaker) },
      h(
        "button",
        {
          type: "button",
          class: "time",
          "aria-label": `${t("seek")} ${stamp(cue.start)}`,
          onclick: () => {
            video.currentTime = cue.start;
            video.play().catch(() => undefined);
          },
        },
        `${stamp(cue.start)} → ${stamp(cue.end)}`,
      ),
      cue.speaker ? h("span", { class: "speaker" }, cue.speaker) : null,
      h(
        "span",
        { class: "text" },
        cue.text,
        options.originals?.[i] ? h("small", { class: "original", title: t("original") }, options.originals[i]) : null,
      ),
      h("button", { type: "button", onclick: () => edit(row, i) }, t("edit")),
    );
    return row;
  };

  const edit = (row: HTMLElement, i: number) => {
    const text = h("textarea", { name: "cue_text", rows: 2 });
    text.value = cues[i].text;
    const time = (name: string, value: number) =>
      h("input", { type: "number", name, min: 0, step: 0.01, value: value.toFixed(2), required: true });
    const start = time("cue_start", cues[i].start);
    const end = time("cue_end", cues[i].end);
    const save = async (e: Event) => {
      e.preventDefault();
      cues[i].text = text.value.trim();
      // Times are compared as shown (hundredths): an untouched field is no change.
      const moved = (input: HTMLInputElement, was: number) =>
        input.value === was.toFixed(2) ? was : Number(input.value);
      cues[i].start = moved(start, options.cues[i].start);
      cues[i].end = Math.max(moved(end, options.cues[i].end), cues[i].start + 0.01);
      const retimed = cues
        .map((to, j) => ({ from: options.cues[j], to }))
        .filter(({ from, to }) => from.start !== to.start || from.end !== to.end);
      status.textContent = t("saving");
      try {
        await options.onSave(cues, retimed);
      } catch (err) {
        status.textContent = err instanceof Error ? err.message : String(err);
      }
    };
    const editor = h(
      "li",
      { class: "cue-edit" },
      h(
        "form",
        { onsubmit: save },
        field(`${t("cue_text")} ${stamp(cues[i].start)}`, text),
        h("div", { class: "times" }, field(t("cue_start"), start), field(t("cue_end"), end)),
        h("button", { type: "submit" }, t("save")),
        h("button", { type: "button", onclick: () => editor.replaceWith(drawCue(cues[i], i)) }, t("discard")),
      ),
    );
    row.replaceWith(editor);
    text.focus();
  };

  show(list, ...cues.map(drawCue));
  show(box, h("div", { class: "player" }, video), h("h3", {}, t("cues")), list, status);
  return () => urls.forEach((u) => URL.revokeObjectURL(u));
}
