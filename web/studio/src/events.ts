// Follows a workflow's Server-Sent Events (GET /v1/workflows/{id}/events) with fetch() and a stream reader
// rather than EventSource, which cannot send the Authorization header the route needs when keys are on.
// A dropped connection is resumed with Last-Event-ID (the server's ids are positions, so nothing is told
// twice or missed); the stream ends after the server's `end` event or when stop() is called.
import { authHeaders } from "./api";

export interface StreamEvent {
  type: string;
  data: Record<string, unknown>;
}

export function followEvents(
  workflowId: string,
  onEvent: (e: StreamEvent) => void,
  onError: (message: string) => void,
): { stop: () => void } {
  const abort = new AbortController();
  let lastId = "";
  let ended = false;

  const run = async () => {
    for (let attempt = 0; !ended && !abort.signal.aborted; attempt++) {
      try {
        const headers = authHeaders();
        if (lastId) headers["Last-Event-ID"] = lastId;
        const res = await fetch(`/v1/workflows/${encodeURIComponent(workflowId)}/events`, {
          headers,
          signal: abort.signal,
        });
        if (!res.ok || !res.body) {
          const body = await res.json().catch(() => ({}));
          // Refusals other than "too many streams" will not change by trying again.
          if (res.status !== 503) return onError(body.detail ?? res.statusText);
        } else {
          attempt = 0;
          await read(res.body);
        }
      } catch (e) {
        if (abort.signal.aborted) return;
      }
      if (!ended) await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 5000)));
    }
  };

  const read = async (body: ReadableStream<Uint8Array>) => {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        dispatch(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
      }
    }
  };

  const dispatch = (block: string) => {
    let type = "message";
    let data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue; // keep-alive comment
      const colon = line.indexOf(":");
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (name === "id") lastId = value;
      else if (name === "event") type = value;
      else if (name === "data") data += (data ? "\n" : "") + value;
    }
    if (!data) return;
    if (type === "end") ended = true;
    onEvent({ type, data: JSON.parse(data) });
  };

  run();
  return { stop: () => abort.abort() };
}
