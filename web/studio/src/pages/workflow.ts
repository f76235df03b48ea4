// One workflow: live progress from its event stream (stage by stage, the transcript as it is decoded),
// cancel and retry, every stage's input, output, error and earlier attempts with a download for each of its
// files, and the player with the latest subtitles, whose cues can be corrected: a save appends
// wservice.rebuild_subtitle_with_words and the subtitle stage to the workflow (execution_mode incremental), so
// the edit is re-timed on the transcript's words and every subtitle file is written again.
import { errorText, getBlob, getJson, getText, postJson, sameOrigin } from "../api";
import { type Cue, parseVtt } from "../cues";
import { h, saveBlob, show } from "../dom";
import { followEvents } from "../events";
import { t } from "../i18n";
import { renderPlayer } from "../player";
import { type Retiming, type Segment, retime } from "../retime";
import {
  SUBTITLE_NODE,
  latestSegments,
  latestSubtitles,
  orderedStages,
  type Stage,
  type WorkflowView,
} from "../workflow_view";

const REBUILD_NODE = "wservice.rebuild_subtitle_with_words";
const TRANSLATE_NODE = "wservice.translate_subtitles";
// JSON bodies are limited to 1 MiB: the transcript sent inline must leave room for the rest.
const MAX_INLINE_BYTES = 900_000;

// The bilingual view: for each cue of a translation, the original text of the segments it was translated
// from (wservice.translate_subtitles keeps each segment's original_text and its timing); null without one.
async function originalsOf(view: WorkflowView, cues: Cue[]): Promise<(string | null)[] | null> {
  const translated = orderedStages(view)
    .filter(([, s]) => s.task_name === TRANSLATE_NODE && s.status === "completed")
    .pop()?.[1].download_urls?.translated_segments_file;
  if (!translated) return null;
  const { segments } = await getJson<{ segments: { start: number; end: number; original_text?: string }[] }>(
    sameOrigin(translated),
  );
  return cues.map((c) => {
    const texts = segments.filter((s) => s.start < c.end && s.end > c.start && s.original_text);
    return texts.length ? texts.map((s) => s.original_text!.trim()).join(" ") : null;
  });
}

function json(value: unknown): HTMLElement {
  return h("pre", {}, JSON.stringify(value, null, 2));
}

function downloadButton(label: string, url: string): HTMLElement {
  const name = url.split("/").pop() || label;
  return h(
    "button",
    { type: "button", class: "download", onclick: () => getBlob(sameOrigin(url)).then((b) => saveBlob(b, name)) },
    `${label} (${name})`,
  );
}

function stageItem(id: string, s: Stage): HTMLElement {
  // A file is named by its own field and by its place in a map (srt_path, subtitle_files.srt): offered once.
  const seen = new Set<string>();
  const files = Object.entries(s.download_urls ?? {}).filter(
    ([, url]) => url.includes("/v1/files/download/") && !seen.has(url) && seen.add(url),
  );
  return h(
    "li",
    { class: `stage ${s.status}` },
    h(
      "details",
      {},
      h(
        "summary",
        {},
        `${id} · ${s.task_name} · ${s.status}`,
        s.status === "running" && s.percent !== undefined ? ` · ${s.percent}%` : "",
        s.status === "running" && typeof s.eta_seconds === "number"
          ? ` · ${Math.round(s.eta_seconds)} s ${t("eta")}`
          : "",
      ),
      s.input ? [h("h4", {}, t("stage_input")), json(s.input)] : null,
      s.output ? [h("h4", {}, t("stage_output")), json(s.output)] : null,
      s.error ? [h("h4", {}, t("stage_error")), json(s.error)] : null,
      s.history?.length ? [h("h4", {}, t("stage_history")), json(s.history)] : null,
    ),
    files.length ? h("div", { class: "downloads" }, files.map(([field, url]) => downloadButton(field, url))) : null,
  );
}

export function renderWorkflow(main: HTMLElement, id: string): () => void {
  const heading = h("h1", {}, `${t("workflow_title")} ${id}`);
  const summary = h("p", { role: "status", "aria-live": "polite" });
  const bar = h("progress", { max: 100, value: 0, "aria-label": t("progress") });
  const notice = h("p", { role: "status", "aria-live": "polite" });
  // Errors in red, other news plain; both read out by screen readers as they come.
  const tell = (text: string, error = false) => {
    notice.textContent = text;
    notice.classList.toggle("error", error);
  };
  const stages = h("ol", { class: "stages" });
  const live = h("ol", { class: "live" });
  const liveBox = h("section", { hidden: true }, h("h2", {}, t("live_transcript")), live);
  const playerBox = h("section", { "aria-label": t("player") });
  let view: WorkflowView | null = null;
  let stopPlayer: (() => void) | null = null;
  let stream: { stop: () => void } | null = null;
  let shownSubtitles = "";

  const cancel = h("button", { type: "button", onclick: () => act("cancel") }, t("cancel"));
  const retry = h("button", { type: "button", onclick: () => act("retry") }, t("retry"));

  const draw = () => {
    if (!view) return;
    const percent = view.progress?.percent ?? 0;
    bar.value = percent;
    summary.textContent = `${t("status")}: ${view.status} · ${t("progress")}: ${percent.toFixed(1)}%`;
    const running = view.status === "running" || view.status === "pending";
    cancel.disabled = !running;
    retry.disabled = running || view.status === "completed";
    show(stages, orderedStages(view).map(([sid, s]) => stageItem(sid, s)));
    if (view.error) tell(`${t("error")}: ${JSON.stringify(view.error)}`, true);
  };

  const load = async () => {
    view = await getJson<WorkflowView>(`/v1/workflows/status/${encodeURIComponent(id)}`);
    draw();
    await drawPlayer();
    return view;
  };

  const drawPlayer = async () => {
    const urls = view && latestSubtitles(view);
    if (!view || !urls?.vtt_path) {
      if (!urls) show(playerBox, h("h2", {}, t("player")), h("p", {}, t("no_subtitles")));
      return;
    }
    if (urls.vtt_path === shownSubtitles) return;
    shownSubtitles = urls.vtt_path;
    const cues = parseVtt(await getText(sameOrigin(urls.vtt_path)));
    const input = view.input_params.video_path ?? "";
    const inStore = input && !/^[a-z0-9]+:\/\//i.test(input) && !input.startsWith("/");
    const box = h("div", {});
    show(
      playerBox,
      h("h2", {}, t("player")),
      urls.srt_path ? downloadButton("SRT", urls.srt_path) : null,
      urls.vtt_path ? downloadButton("VTT", urls.vtt_path) : null,
      box,
    );
    if (stopPlayer) stopPlayer();
    stopPlayer = renderPlayer(box, {
      mediaPath: inStore ? `/v1/files/download/${input.split("/").map(encodeURIComponent).join("/")}` : null,
      cues,
      language: view.input_params.language ?? "auto",
      originals: await originalsOf(view, cues),
      onSave: saveCues,
    });
  };

  const saveCues = async (cues: Cue[], retimed: Retiming[]) => {
    if (!view) return;
    const chain = view.input_params.workflow_chain ?? orderedStages(view).map(([, s]) => s.task_name);
    const rebuild: Record<string, unknown> = { optimized_text: cues.map((c) => c.text).join("\n") };
    // The transcript goes along (re-timed where the user moved a cue), always while it fits in a request, so
    // that the rebuild's stored segments_data is never an older edit's; a longer one is left to the stages.
    const segmentsUrl = latestSegments(view);
    if (segmentsUrl) {
      const transcript = await getJson<{ language?: string; segments: Segment[] }>(sameOrigin(segmentsUrl));
      const segments = retime(transcript.segments, retimed);
      if (JSON.stringify(segments).length < MAX_INLINE_BYTES) {
        rebuild.segments_data = segments;
        if (transcript.language) rebuild.language = transcript.language;
      } else if (retimed.length) {
        throw new Error(t("too_long_to_retime"));
      }
    }
    await postJson("/v1/workflows", {
      workflow_id: id,
      execution_mode: "incremental",
      workflow_config: { workflow_chain: [...chain, REBUILD_NODE, SUBTITLE_NODE] },
      [REBUILD_NODE]: rebuild,
    });
    tell(t("saving"));
    follow();
  };

  const act = async (what: "cancel" | "retry") => {
    try {
      if (what === "cancel") {
        await postJson(`/v1/workflows/${encodeURIComponent(id)}/cancel`);
        tell(t("cancelled"));
      } else {
        await postJson("/v1/workflows", {
          workflow_id: id,
          execution_mode: "retry",
          workflow_config: { workflow_chain: view?.input_params.workflow_chain },
        });
        tell(t("retried"));
        follow();
      }
    } catch (e) {
      tell(errorText(e), true);
    }
  };

  const follow = () => {
    stream?.stop();
    show(live);
    liveBox.hidden = true;
    stream = followEvents(
      id,
      (e) => {
        const d = e.data;
        if (e.type === "segment") {
          live.append(h("li", {}, `${Number(d.start).toFixed(2)}s ${String(d.text ?? "")}`));
          liveBox.hidden = false;
        } else if (view && typeof d.stage === "string" && view.stages[d.stage]) {
          const s = view.stages[d.stage];
          if (e.type === "stage_started") s.status = "running";
          if (e.type === "stage_progress") Object.assign(s, { percent: d.percent, eta_seconds: d.eta_seconds });
          if (e.type === "stage_failed") Object.assign(s, { status: "failed", error: d.error });
          if (e.type === "stage_completed") {
            Object.assign(s, { status: "completed", output: d.output, download_urls: d.download_urls });
          }
          if (typeof d.workflow_percent === "number") {
            view.progress = { ...view.progress, percent: d.workflow_percent };
          }
          draw();
        }
        if (e.type === "snapshot") {
          view = d as unknown as WorkflowView;
          draw();
        }
        if (e.type === "end") {
          load().then(() => {
            if (notice.textContent === t("saving")) tell(t("saved"));
          });
        }
      },
      (message) => tell(message, true),
    );
  };

  show(
    main,
    heading,
    summary,
    bar,
    h("div", { class: "actions" }, cancel, retry),
    notice,
    liveBox,
    playerBox,
    h("h2", {}, t("stages")),
    stages,
  );
  load()
    .then((v) => {
      if (v.status === "running" || v.status === "pending") follow();
    })
    .catch((e) => tell(errorText(e), true));
  return () => {
    stream?.stop();
    stopPlayer?.();
  };
}
