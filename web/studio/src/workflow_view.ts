// The shape of GET /v1/workflows/status/{id} as the studio reads it (api-contract §3), and the two questions
// it asks of it: where the latest subtitles are, and what a stage offers for download.

export interface Stage {
  task_name: string;
  status: string;
  percent?: number;
  eta_seconds?: number | null;
  input?: unknown;
  output?: Record<string, unknown> | null;
  error?: unknown;
  history?: unknown[];
  download_urls?: Record<string, string>;
}

export interface WorkflowView {
  workflow_id: string;
  status: string;
  created_at?: string;
  error?: unknown;
  progress?: { percent?: number; completed?: number; total?: number };
  input_params: { video_path?: string; workflow_chain?: string[]; language?: string; node_params?: unknown };
  stages: Record<string, Stage>;
}

// stage_0, stage_1, ..., stage_10 in chain order (not in the order of the JSON object's keys).
export function orderedStages(view: WorkflowView): [string, Stage][] {
  return Object.entries(view.stages).sort((a, b) => Number(a[0].slice(6)) - Number(b[0].slice(6)));
}

export const SUBTITLE_NODE = "wservice.generate_subtitle_files";

function latestCompleted(view: WorkflowView, wanted: (s: Stage) => boolean): Stage | null {
  const done = orderedStages(view).filter(([, s]) => s.status === "completed" && wanted(s));
  return done.length ? done[done.length - 1][1] : null;
}

// The download URLs of the last completed subtitle stage: a later one (an edit) supersedes the earlier.
export function latestSubtitles(view: WorkflowView): Record<string, string> | null {
  return latestCompleted(view, (s) => s.task_name === SUBTITLE_NODE)?.download_urls ?? null;
}

// The transcript the latest subtitles were cut from: the last completed stage's segments_file (a
// transcription, or the rebuild of an earlier edit), as the stages themselves find it.
export function latestSegments(view: WorkflowView): string | null {
  return latestCompleted(view, (s) => !!s.download_urls?.segments_file)?.download_urls?.segments_file ?? null;
}
